"""Campaign, founding and visit pages. Every object is reached through a scoped queryset (404
otherwise); every write goes through coverage.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts.selectors import federation_staff_of
from gonghui.core import keyset
from gonghui.core.audit import audit_record
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404, scope_of
from gonghui.coverage import selectors, services
from gonghui.coverage.exports import targets_workbook
from gonghui.coverage.forms import (
    STEP_FORMS,
    AssignForm,
    CampaignForm,
    DropForm,
    RecruitForm,
    StartForm,
    StepForm,
    TargetFilterForm,
    VisitForm,
)
from gonghui.coverage.models import Campaign, Founding, FoundingDocument, Step, Target
from gonghui.members.models import Person
from gonghui.orgs.models import Enterprise, Organisation

LIST_PREVIEW = 10


def _staff_or_404(user):
    scope_of(user).require("coverage.run")


def _service_form(request, form, service, *, title, done, **kwargs):
    """The simple form pages: a valid POST runs the service (its errors land on the form); success
    redirects to done(result), which returns (message, url)."""
    if request.method == "POST" and form.is_valid():
        result = run_service(form, service, by=request.user, **kwargs, **form.cleaned_data)
        if result is not None:
            message, url = done(result)
            messages.success(request, message)
            return redirect(url)
    return render(request, "coverage/form.html", {"form": form, "title": title})


@login_required
def campaign_list(request):
    scope_of(request.user).require("coverage.campaigns")
    campaigns = Campaign.objects.visible_to(request.user).select_related("federation")
    return render(request, "coverage/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_create(request):
    _staff_or_404(request.user)
    return _service_form(
        request,
        CampaignForm(request.POST or None),
        services.campaign_create,
        federation=request.user.organisation,
        title=_("新建集中行动"),
        done=lambda c: (
            _("已创建，列入目标企业%(n)d家") % {"n": c.targets.count()},
            reverse("coverage:campaign_detail", args=[c.pk]),
        ),
    )


def _campaign_or_404(user, pk):
    return get_or_404(Campaign.objects.visible_to(user).select_related("federation"), pk=pk)


def _filtered_targets(request, campaign):
    today = timezone.localdate()
    form = TargetFilterForm(
        request.GET or None,
        categories=selectors.campaign_categories(campaign),
        officers=federation_staff_of(campaign.federation).order_by("username"),
    )
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    return form, filters, selectors.targets(campaign, today=today, **filters), today


@login_required
def campaign_detail(request, pk):
    campaign = _campaign_or_404(request.user, pk)
    form, filters, rows, today = _filtered_targets(request, campaign)
    all_targets = selectors.targets(campaign, today=today)
    page = keyset.page_of(request, rows, selectors.target_keys(filters.get("sort", "")), jump="")
    return render(
        request,
        "coverage/campaign_detail.html",
        {
            "campaign": campaign,
            "coverage": selectors.campaign_coverage(campaign),
            "past_line": list(
                selectors.past_line(all_targets, today).order_by("enterprise__founded_on")[:LIST_PREVIEW]
            ),
            "no_visit": list(
                selectors.without_recent_visit(all_targets, today).order_by("last_visit", "enterprise__name")[
                    :LIST_PREVIEW
                ]
            ),
            "form": form,
            "page": page,
            "cutoff": selectors.line_cutoff(today),
            "visit_window": selectors.VISIT_WINDOW_DAYS,
            "may_run": scope_of(request.user).can("coverage.run"),
        },
    )


@login_required
def campaign_export(request, pk):
    campaign = _campaign_or_404(request.user, pk)
    _form, filters, rows, today = _filtered_targets(request, campaign)
    rows = list(rows)
    content = targets_workbook(campaign, rows, today=today, cutoff=selectors.line_cutoff(today))
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="campaign.export",
            obj=campaign,
            detail={"filters": filters, "rows": len(rows)},
        )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-targets.xlsx"'
    return response


@login_required
@require_POST
def campaign_refresh(request, pk):
    campaign = _campaign_or_404(request.user, pk)
    _staff_or_404(request.user)
    added = services.campaign_refresh_targets(campaign=campaign, by=request.user)
    messages.success(request, _("新列入目标企业%(n)d家") % {"n": added})
    return redirect("coverage:campaign_detail", pk=campaign.pk)


@login_required
def target_assign(request, pk):
    _staff_or_404(request.user)
    target = get_or_404(
        Target.objects.writable_by(request.user).select_related("campaign__federation", "enterprise"), pk=pk
    )
    form = AssignForm(
        request.POST or None,
        officers=federation_staff_of(target.campaign.federation),
        initial={"officer": target.officer_id},
    )
    return _service_form(
        request,
        form,
        services.target_assign,
        target=target,
        title=_("指定责任人：%(e)s") % {"e": target.enterprise},
        done=lambda t: (_("已指定责任人"), reverse("coverage:campaign_detail", args=[t.campaign_id])),
    )


@login_required
def founding_start(request, enterprise_pk):
    _staff_or_404(request.user)
    enterprise = get_or_404(
        Enterprise.objects.writable_by(request.user).select_related("union"), pk=enterprise_pk
    )
    return _service_form(
        request,
        StartForm(request.POST or None),
        services.founding_start,
        enterprise=enterprise,
        title=_("启动建会：%(e)s") % {"e": enterprise},
        done=lambda f: (_("已启动建会流程"), reverse("coverage:founding_detail", args=[f.pk])),
    )


def _founding_or_404(user, pk):
    return get_or_404(Founding.objects.visible_to(user).select_related("enterprise__union", "union"), pk=pk)


@login_required
def founding_detail(request, pk):
    founding = _founding_or_404(request.user, pk)
    history = selectors.founding_history(founding)
    done = {record.to_state for record in history}
    steps = [(step, step in done) for step in services.FLOW]
    recruits = list(founding.recruits.select_related("person").order_by("id"))
    visits = list(founding.visits.prefetch_related("officers").order_by("-visited_on", "-id"))
    nxt = services.next_step(founding.state)
    return render(
        request,
        "coverage/founding_detail.html",
        {
            "founding": founding,
            "history": history,
            "steps": steps,
            "next": nxt,
            "next_is_approval": nxt is not None and services.RULES[nxt].actor == services.Actor.APPROVAL,
            "recruits": recruits,
            "visits": visits,
            "may_run": scope_of(request.user).can("coverage.run") and founding.is_open,
            "recruiting": founding.state in services.RECRUITING_STATES,
        },
    )


def _candidates(founding, step):
    if step == Step.SLATE:
        return Person.objects.filter(pk__in=founding.recruits.values("person_id")).order_by("name_pinyin")
    if step == Step.ELECTION:
        slate = founding.steps.filter(to_state=Step.SLATE).values_list("data", flat=True).first() or {}
        return Person.objects.filter(pk__in=slate.get("candidates", [])).order_by("name_pinyin")
    return None


def _suggested_union(founding) -> dict:
    codes = Organisation.objects.filter(code__regex=r"^U[0-9]{4}$").values_list("code", flat=True)
    number = max((int(code[1:]) for code in codes), default=0) + 1
    return {"code": f"U{number:04d}", "name": _("%(e)s工会") % {"e": founding.enterprise.name}}


@login_required
def founding_step(request, pk):
    """The form of the next step; POST records it through founding_advance."""
    _staff_or_404(request.user)
    founding = _founding_or_404(request.user, pk)
    step = services.next_step(founding.state)
    if step is None:
        raise Http404
    form_class = STEP_FORMS.get(step, StepForm)
    initial = _suggested_union(founding) if step == Step.ESTABLISHED else {}
    form = form_class(
        request.POST or None,
        request.FILES or None,
        founding=founding,
        candidates=_candidates(founding, step),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = run_service(
            form,
            services.founding_advance,
            founding=founding,
            step=step,
            by=request.user,
            on=data["on"],
            note=data["note"],
            documents=data["documents"],
            data=form.step_data(),
        )
        if record is not None:
            messages.success(request, _("已办理：%(step)s") % {"step": step.label})
            return redirect("coverage:founding_detail", pk=founding.pk)
    rule = services.RULES[step]
    return render(
        request,
        "coverage/founding_step.html",
        {
            "founding": founding,
            "step": step,
            "rule": rule,
            "form": form,
            "is_approval": rule.actor == services.Actor.APPROVAL,
        },
    )


@login_required
def founding_drop(request, pk):
    _staff_or_404(request.user)
    founding = _founding_or_404(request.user, pk)
    return _service_form(
        request,
        DropForm(request.POST or None),
        services.founding_advance,
        founding=founding,
        step=Step.DROPPED,
        title=_("终止建会：%(e)s") % {"e": founding.enterprise},
        done=lambda r: (_("已终止建会流程"), reverse("coverage:founding_detail", args=[founding.pk])),
    )


@login_required
def recruit_add(request, pk):
    _staff_or_404(request.user)
    founding = _founding_or_404(request.user, pk)
    return _service_form(
        request,
        RecruitForm(request.POST or None),
        services.recruit_register,
        founding=founding,
        title=_("入会登记：%(e)s") % {"e": founding.enterprise},
        done=lambda r: (
            _("%(name)s已登记入会") % {"name": r.person.name},
            reverse("coverage:founding_detail", args=[founding.pk]),
        ),
    )


@login_required
def document_download(request, pk):
    document = get_or_404(FoundingDocument.objects.visible_to(request.user), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.name)


@login_required
def visit_add(request, enterprise_pk):
    _staff_or_404(request.user)
    enterprise = get_or_404(Enterprise.objects.writable_by(request.user), pk=enterprise_pk)
    officers = federation_staff_of(request.user.organisation).order_by("username")
    return _service_form(
        request,
        VisitForm(request.POST or None, officers=officers, initial={"officers": [request.user.pk]}),
        services.visit_record,
        enterprise=enterprise,
        title=_("登记指导走访：%(e)s") % {"e": enterprise},
        done=lambda v: (
            _("已登记指导走访"),
            reverse("coverage:founding_detail", args=[v.founding_id])
            if v.founding_id
            else reverse("orgs:enterprise_detail", args=[enterprise.pk]),
        ),
    )
