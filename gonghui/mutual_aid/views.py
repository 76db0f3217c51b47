from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.activities.selectors import person_by_key
from gonghui.core import keyset
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404, scope_of
from gonghui.mutual_aid import selectors, services
from gonghui.mutual_aid.forms import (
    ClaimFilterForm,
    ClaimForm,
    EnrolmentForm,
    MoveForm,
    PayForm,
    PlanForm,
    YearForm,
)
from gonghui.mutual_aid.models import Claim, ClaimDocument, Plan, Status
from gonghui.orgs.models import Enterprise
from gonghui.orgs.selectors import managed_unions


def _filters(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


BY_DATE = {"batch": ["-enrolled_on", "-pk"], "claim": ["-filed_on", "-pk"], "ledger": ["-paid_on", "-pk"]}


# --- plans ---


@login_required
def plan_list(request):
    scope = scope_of(request.user)
    scope.require("mutual_aid.read")
    return render(
        request,
        "mutual_aid/plan_list.html",
        {"plans": selectors.plan_list(request.user), "may_create": scope.can("mutual_aid.plans")},
    )


@login_required
def plan_create(request):
    scope_of(request.user).require("mutual_aid.plans")
    federation = request.user.organisation
    form = PlanForm(
        request.POST or None, plans=Plan.objects.visible_to(request.user).filter(federation=federation)
    )
    if request.method == "POST" and form.is_valid():
        plan = run_service(
            form, services.plan_create, federation=federation, by=request.user, **form.cleaned_data
        )
        if plan is not None:
            messages.success(request, _("已保存计划草稿：%(name)s，核对后请发布") % {"name": plan.name})
            return redirect("mutual_aid:plan_detail", pk=plan.pk)
    return render(request, "mutual_aid/plan_form.html", {"form": form})


@login_required
def plan_detail(request, pk):
    scope = scope_of(request.user)
    scope.require("mutual_aid.read")
    plan = get_or_404(Plan.objects.visible_to(request.user).select_related("federation"), pk=pk)
    return render(
        request,
        "mutual_aid/plan_detail.html",
        {
            "plan": plan,
            "batches": selectors.batch_list(request.user, plan=plan.pk)[:50],
            "may_publish": not plan.is_published
            and Plan.objects.writable_by(request.user).filter(pk=plan.pk).exists(),
            "may_enrol": plan.is_published and scope.can("mutual_aid.enrol"),
        },
    )


@login_required
@require_POST
def plan_publish(request, pk):
    plan = get_or_404(Plan.objects.visible_to(request.user), pk=pk)
    try:
        services.plan_publish(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("计划已发布，各工会可以参保"))
    return redirect("mutual_aid:plan_detail", pk=plan.pk)


# --- enrolment ---


@login_required
def enrol(request, pk):
    scope_of(request.user).require("mutual_aid.enrol")
    plan = get_or_404(Plan.objects.visible_to(request.user), pk=pk)
    union = managed_unions(request.user).first()
    if union is None:
        raise Http404
    enterprises = Enterprise.objects.writable_by(request.user).filter(union=union).order_by("name")
    enterprise = (
        get_or_404(enterprises, pk=request.GET["enterprise"]) if request.GET.get("enterprise") else None
    )
    memberships = []
    if enterprise is not None:
        memberships = list(
            services.eligible_staff(plan=plan, enterprise=enterprise, on=timezone.localdate())
            .select_related("person")
            .order_by("person__name_pinyin", "pk")
        )
    form = EnrolmentForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and enterprise is not None and form.is_valid():
        batch = run_service(
            form,
            services.enrolment_create,
            plan=plan,
            union=union,
            enterprise=enterprise,
            by=request.user,
            **form.cleaned_data,
        )
        if batch is not None:
            messages.success(
                request,
                _("已为%(n)d人办理参保，会费合计%(fee)s元")
                % {"n": batch.people, "fee": f"{batch.fee_total:,.2f}"},
            )
            return redirect("mutual_aid:batch_detail", pk=batch.pk)
    return render(
        request,
        "mutual_aid/enrol.html",
        {"plan": plan, "union": union, "enterprises": enterprises, "enterprise": enterprise, "form": form},
    )


@login_required
def batch_list(request):
    scope_of(request.user).require("mutual_aid.read")
    return render(
        request,
        "mutual_aid/batch_list.html",
        {"page": keyset.page_of(request, selectors.batch_list(request.user), BY_DATE["batch"])},
    )


@login_required
def batch_detail(request, pk):
    batch = get_or_404(selectors.batch_list(request.user), pk=pk)
    return render(
        request,
        "mutual_aid/batch_detail.html",
        {
            "batch": batch,
            "page": keyset.page_of(request, selectors.batch_enrolments(batch), ["person__name_pinyin", "pk"]),
        },
    )


# --- claims ---


@login_required
def claim_list(request):
    scope = scope_of(request.user)
    scope.require("mutual_aid.read")
    form = ClaimFilterForm(request.GET or None)
    waiting = selectors.waiting_for(request.user)
    return render(
        request,
        "mutual_aid/claim_list.html",
        {
            "form": form,
            "page": keyset.page_of(
                request, selectors.claim_list(request.user, **_filters(form)), BY_DATE["claim"]
            ),
            "waiting": waiting.count() if waiting is not None else None,
            "may_file": scope.can("mutual_aid.file"),
        },
    )


@login_required
def claim_create(request):
    scope_of(request.user).require("mutual_aid.file")
    union = managed_unions(request.user).first()
    if union is None:
        raise Http404
    plans = (
        Plan.objects.visible_to(request.user)
        .filter(status=Plan.Status.PUBLISHED)
        .order_by("-starts_on", "kind")
    )
    form = ClaimForm(request.POST or None, request.FILES or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = person_by_key(root=union, key=data.pop("person"))
        if person is None:
            form.add_error("person", services.not_a_member_error().messages)
        else:
            claim = run_service(form, services.claim_submit, person=person, by=request.user, **data)
            if claim is not None:
                messages.success(request, _("已提交互助申请%(n)s") % {"n": claim.number})
                return redirect("mutual_aid:claim_detail", pk=claim.pk)
    return render(request, "mutual_aid/claim_form.html", {"form": form})


def _claim_or_404(user, pk):
    """The officers' page of a claim (a worker follows their own on "mine")."""
    scope_of(user).require("mutual_aid.read")
    return get_or_404(
        Claim.objects.visible_to(user).select_related(
            "plan", "plan__federation", "person", "union", "enrolment"
        ),
        pk=pk,
    )


def _claim_page(request, claim, *, move_form=None, pay_form=None):
    handler = services.handles(request.user, claim)
    moves = services.moves_for(request.user, claim)
    return render(
        request,
        "mutual_aid/claim_detail.html",
        {
            "claim": claim,
            "medical": services.claim_medical_details(claim=claim, by=request.user) if handler else None,
            "documents": claim.documents.all() if handler else None,
            "steps": claim.steps.select_related("by"),
            "invoices": claim.invoices.all(),
            "payment": getattr(claim, "payment", None)
            if claim.status in (Status.PAID, Status.ARCHIVED)
            else None,
            "moves": [m for m in moves if m.target != Status.PAID],
            "may_pay": any(m.target == Status.PAID for m in moves),
            "move_form": move_form or MoveForm(),
            "pay_form": pay_form or PayForm(),
        },
    )


@login_required
def claim_detail(request, pk):
    return _claim_page(request, _claim_or_404(request.user, pk))


@login_required
@require_POST
def claim_move(request, pk):
    claim = _claim_or_404(request.user, pk)
    form = MoveForm(request.POST, request.FILES)
    if form.is_valid():
        to, note = form.cleaned_data["to"], form.cleaned_data["note"]
        if to == Status.AMOUNT_SET:
            done = run_service(form, services.claim_set_amount, claim=claim, by=request.user, note=note)
        elif to == Status.SUBMITTED:
            done = run_service(
                form,
                services.claim_resubmit,
                claim=claim,
                by=request.user,
                note=note,
                documents=form.cleaned_data["documents"],
            )
        else:
            done = run_service(form, services.claim_move, claim=claim, to=to, by=request.user, note=note)
        if done is not None:
            messages.success(
                request, _("申请%(n)s：%(s)s") % {"n": done.number, "s": done.get_status_display()}
            )
            return redirect("mutual_aid:claim_detail", pk=claim.pk)
    return _claim_page(request, claim, move_form=form)


@login_required
@require_POST
def claim_pay(request, pk):
    claim = _claim_or_404(request.user, pk)
    form = PayForm(request.POST)
    if form.is_valid():
        entry = run_service(form, services.claim_pay, claim=claim, by=request.user, **form.cleaned_data)
        if entry is not None:
            messages.success(
                request,
                _("已支付%(a)s元至%(p)s本人账户") % {"a": f"{entry.amount:,.2f}", "p": claim.person.name},
            )
            return redirect("mutual_aid:claim_detail", pk=claim.pk)
    return _claim_page(request, claim, pay_form=form)


@login_required
def document_download(request, pk):
    document = get_or_404(ClaimDocument.objects.visible_to(request.user).select_related("claim"), pk=pk)
    try:
        handle = services.document_open(document=document, by=request.user)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.name)


# --- the ledger and the worker's own page ---


@login_required
def ledger(request):
    scope_of(request.user).require("mutual_aid.read")
    form = YearForm(request.GET or None)
    entries = selectors.ledger(request.user, **_filters(form))
    return render(
        request,
        "mutual_aid/ledger.html",
        {
            "form": form,
            "page": keyset.page_of(request, entries, BY_DATE["ledger"]),
            "totals": selectors.ledger_total(entries),
        },
    )


@login_required
def mine(request):
    scope_of(request.user).require("mutual_aid.own")
    return render(
        request,
        "mutual_aid/mine.html",
        {"claims": selectors.own_claims(request.user), "enrolments": selectors.own_enrolments(request.user)},
    )
