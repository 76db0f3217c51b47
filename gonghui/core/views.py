from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from gonghui.core import scoping
from gonghui.core.forms import AuditFilterForm


@login_required
def home(request):
    user = request.user
    organisations = scoping.visible_organisations(user)
    context = {"root": organisations.order_by("depth", "path").first()}
    if context["root"] is not None:
        memberships = scoping.visible_memberships(request.user).active()
        context.update(
            unions=organisations.grassroots().filter(dissolved_on__isnull=True).count(),
            members=memberships.count(),
            enterprises=scoping.visible_enterprises(user).count(),
        )
    return render(request, "core/home.html", context)


@login_required
def audit_log(request):
    if not scoping.may_read_audit_log(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    entries = scoping.visible_audit_log(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_username__icontains=data["actor"])
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["result"]:
            entries = entries.filter(result=data["result"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, tz))
        if data["until"]:
            entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, tz))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page": page})
