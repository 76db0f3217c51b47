import json
import tempfile
from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import keyset, registry, xlsx
from gonghui.core.audit import audit_record
from gonghui.core.forms import AuditFilterForm
from gonghui.core.models import AuditLog
from gonghui.core.scope import scope_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def home(request):
    scope = scope_of(request.user)
    cards = [
        {"label": card.label, "url": reverse(card.url_name), "count": card.count(request.user)}
        for card in registry.home_cards
        if card.shown(scope)
    ]
    return render(request, "core/home.html", {"cards": cards})


def _audit_entries(request):
    """The audit rows the user may read, filtered as the page's form says; and the form."""
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
    return entries, form


@login_required
def audit_log(request):
    scope = scope_of(request.user)
    scope.require("audit.read")
    entries, form = _audit_entries(request)
    page = keyset.page_of(request, entries, ["-at", "-pk"])
    labels = {a.key: a.label for a in registry.audit_actions}
    for entry in page:
        entry.action_label = labels.get(entry.action, entry.action)
    return render(
        request, "core/audit_log.html", {"form": form, "page": page, "may_export": scope.can("audit.export")}
    )


@login_required
def audit_export(request):
    """The audit administrator's copy of the filtered log, as a workbook; the export is audited itself."""
    scope_of(request.user).require("audit.export")
    entries, form = _audit_entries(request)
    labels = {a.key: a.label for a in registry.audit_actions}
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    book = xlsx.workbook(out, constant_memory=True)
    sheet = book.add_worksheet(_("审计日志"))
    headers = [_("时间"), _("账号"), _("操作"), _("对象"), _("来源地址"), _("结果"), _("详情")]
    sheet.write_row(0, 0, headers)
    results = dict(AuditLog.Result.choices)
    tz = timezone.get_current_timezone()
    count = 0
    for count, e in enumerate(entries.iterator(chunk_size=2000), start=1):
        sheet.write_row(
            count,
            0,
            [
                e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_username,
                str(labels.get(e.action, e.action)),
                e.object_repr,
                e.ip or "",
                str(results.get(e.result, e.result)),
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
            ],
        )
    book.close()
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="audit.export",
            detail={"rows": count, "filters": {k: v for k, v in request.GET.items() if v}},
        )
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="audit-log.xlsx", content_type=XLSX)
