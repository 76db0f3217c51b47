from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from gonghui.core import keyset, registry
from gonghui.core.forms import AuditFilterForm
from gonghui.core.models import AuditLog
from gonghui.core.scope import scope_of


@login_required
def home(request):
    scope = scope_of(request.user)
    cards = [
        {"label": card.label, "url": reverse(card.url_name), "count": card.count(request.user)}
        for card in registry.home_cards
        if card.shown(scope)
    ]
    return render(request, "core/home.html", {"cards": cards})


@login_required
def audit_log(request):
    scope_of(request.user).require("audit.read")
    form = AuditFilterForm(request.GET or None)
    entries = AuditLog.objects.visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_username__icontains=data["actor"])
        if data["action"] == AuditFilterForm.SECURITY:
            entries = entries.filter(action__in=[a.key for a in registry.audit_actions if a.security])
        elif data["action"]:
            entries = entries.filter(action=data["action"])
        if data["result"]:
            entries = entries.filter(result=data["result"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, tz))
        if data["until"]:
            entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, tz))
    page = keyset.page_of(request, entries, ["-at", "-pk"])
    labels = {a.key: a.label for a in registry.audit_actions}
    for entry in page:
        entry.action_label = labels.get(entry.action, entry.action)
    return render(request, "core/audit_log.html", {"form": form, "page": page})
