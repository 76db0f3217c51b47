import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts.bulk import BulkReleaseLimit, StepUpRequired, bulk_id_release_check
from gonghui.core import keyset
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404
from gonghui.orgs.models import Organisation
from gonghui.orgs.selectors import managed_unions
from gonghui.rosters import selectors, services
from gonghui.rosters.forms import UploadForm
from gonghui.rosters.services.exports import export_queryset, export_reveals

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_start(request):
    unions = managed_unions(request.user)
    if not unions.exists():
        raise Http404
    initial = {}
    if code := request.GET.get("union"):
        initial["union"] = get_or_404(unions, code=code)
    form = UploadForm(request.POST or None, request.FILES or None, unions=unions, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = run_service(
            form,
            services.import_job_create,
            union=form.cleaned_data["union"],
            upload=form.cleaned_data["file"],
            by=request.user,
        )
        if job is not None:
            return redirect("rosters:job", pk=job.pk)
    page = keyset.page_of(request, selectors.import_job_list(request.user), ["-created_at", "-pk"], size=20)
    jobs = [services.import_job_fail_if_stale(job=job) if job.is_running else job for job in page]
    return render(request, "rosters/import.html", {"form": form, "jobs": jobs, "page": page})


@login_required
def job_detail(request, pk):
    job = get_or_404(selectors.import_job_list(request.user), pk=pk)
    job = services.import_job_fail_if_stale(job=job)
    template = "rosters/job_status.html" if request.htmx else "rosters/job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_confirm(request, pk):
    job = get_or_404(selectors.import_job_list(request.user), pk=pk)
    try:
        services.import_job_confirm(job=job, by=request.user)
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect("rosters:job", pk=job.pk)


@login_required
def job_report(request, pk):
    job = get_or_404(selectors.import_job_list(request.user), pk=pk)
    if not job.error_report:
        raise Http404
    name = f"{Path(job.original_name).stem}-问题行.xlsx"
    return FileResponse(job.error_report.open("rb"), as_attachment=True, filename=name, content_type=XLSX)


@login_required
def template_download(request):
    unions = managed_unions(request.user)
    union = get_or_404(unions, code=request.GET["union"]) if request.GET.get("union") else None
    if union is None and not unions.exists():
        raise Http404
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    services.roster_template_write(out=out, union=union)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=_("会员名册模板.xlsx"), content_type=XLSX)


@login_required
def export(request):
    org = get_or_404(Organisation.objects.visible_to(request.user), code=request.GET.get("org", ""))
    if export_reveals(request.user):
        rows = export_queryset(request.user, org, reveal=True).count()
        try:
            bulk_id_release_check(
                user=request.user, rows=rows, session=request.session, action="roster.export"
            )
        except StepUpRequired:
            return redirect(f"{reverse('accounts:step_up')}?{urlencode({'next': request.get_full_path()})}")
        except BulkReleaseLimit as limit:
            return render(
                request, "rosters/export_refused.html", {"message": str(limit), "org": org}, status=429
            )
    out = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    services.roster_export(user=request.user, org=org, out=out.name)
    stream = open(out.name, "rb")  # noqa: SIM115 (FileResponse closes it)
    out.close()  # the name goes; the open stream keeps the data until the response is sent
    return FileResponse(stream, as_attachment=True, filename=f"{org.code}-会员名册.xlsx", content_type=XLSX)
