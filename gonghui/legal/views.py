"""Pages of the legal service. Thin: reads through legal.selectors, writes through legal.services;
a case outside the reader's scope is 404 (a lawyer's page for another lawyer's case included)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.activities.selectors import person_by_key
from gonghui.core import keyset
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404, scope_of
from gonghui.legal import clocks, selectors, services
from gonghui.legal.forms import (
    STATE_CHOICES,
    AidForm,
    AskForm,
    CaseFilterForm,
    ConsultationForm,
    DisputeForm,
    DocumentForm,
    LawyerForm,
    MoveForm,
)
from gonghui.legal.models import AidCase, Consultation, Dispute
from gonghui.legal.workflow import MOVES
from gonghui.orgs.models import Organisation


@dataclass(frozen=True)
class Kind:
    model: type
    list: object
    keys: list[str]
    related: tuple[str, ...]
    title: str
    clocked: bool = True


KINDS = {
    "consultation": Kind(
        Consultation,
        selectors.consultation_list,
        selectors.CONSULTATION_KEYS,
        ("org", "person", "lawyer"),
        gettext_lazy("法律咨询"),
        False,
    ),
    "aid": Kind(
        AidCase, selectors.aid_list, selectors.AID_KEYS, ("org", "person", "lawyer"), gettext_lazy("法律援助")
    ),
    "dispute": Kind(
        Dispute,
        selectors.dispute_list,
        selectors.DISPUTE_KEYS,
        ("org", "person", "mediator", "employer"),
        gettext_lazy("劳动争议调解"),
    ),
}
OPEN_FORMS = {"consultation": ConsultationForm, "aid": AidForm, "dispute": DisputeForm}


def _require_view(user) -> None:
    scope_of(user).require("legal.view")


def _filters(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


def _open_orgs(user):
    return Organisation.objects.writable_by(user).filter(dissolved_on__isnull=True)


# ---- lists -------------------------------------------------------------------------------------


@login_required
def case_list(request, kind: str):
    _require_view(request.user)
    spec = KINDS[kind]
    form = CaseFilterForm(request.GET or None, states=STATE_CHOICES[kind], with_due=spec.clocked)
    page = keyset.page_of(request, spec.list(request.user, **_filters(form)), spec.keys, jump="")
    cases = selectors.with_clock_readings(page) if spec.clocked else list(page)
    return render(
        request,
        f"legal/{kind}_list.html",
        {"form": form, "page": page, "cases": cases, "can_open": _open_orgs(request.user).exists()},
    )


# ---- opening a case ----------------------------------------------------------------------------


@login_required
def case_create(request, kind: str):
    _require_view(request.user)
    orgs = _open_orgs(request.user)
    if not orgs.exists():
        raise Http404
    extra = {"lawyers": selectors.lawyers_for(request.user)} if kind == "consultation" else {}
    form = OPEN_FORMS[kind](request.POST or None, orgs=orgs, **extra)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs() if kind == "dispute" else dict(form.cleaned_data)
        person = person_by_key(root=data["org"], key=data.pop("person"))
        if person is None:
            form.add_error("person", _("查无此人：请核对公民身份号码或会员证号"))
        else:
            service = {
                "consultation": services.consultation_record,
                "aid": services.aid_apply,
                "dispute": services.dispute_receive,
            }[kind]
            case = run_service(form, service, person=person, by=request.user, **data)
            if case is not None:
                messages.success(request, _("已登记：%(case)s") % {"case": case})
                return redirect(f"legal:{kind}_detail", pk=case.pk)
    return render(request, "legal/case_form.html", {"form": form, "title": KINDS[kind].title, "kind": kind})


# ---- a case ------------------------------------------------------------------------------------


def _case_or_404(user, kind: str, pk):
    _require_view(user)
    spec = KINDS[kind]
    qs = spec.model.objects.visible_to(user).select_related(*spec.related)
    if spec.clocked:
        qs = qs.prefetch_related("clocks__pauses")
    return get_or_404(qs, pk=pk)


def _case_page(request, kind: str, case, *, failed: MoveForm | None = None, document_form=None):
    user = request.user
    lawyers = selectors.lawyers_for(user)
    writable = selectors.may_change(case, user)
    forms = [
        failed
        if failed is not None and failed.move.name == move.name
        else MoveForm(move=move, lawyers=lawyers)
        for move in (selectors.moves_for(case, user) if writable else [])
    ]
    if failed is not None and failed not in forms:  # a move this state does not offer: say why
        messages.error(request, " ".join(str(e) for errors in failed.errors.values() for e in errors))
    case_file = (
        services.case_file_read(case=case, by=user) if scope_of(user).can("legal.case_files") else None
    )
    adds_documents = writable and kind != "consultation" and case_file is not None
    readings = [clocks.read(clock) for clock in case.clocks.all()] if KINDS[kind].clocked else []
    return render(
        request,
        "legal/case_detail.html",
        {
            "case": case,
            "kind": kind,
            "title": KINDS[kind].title,
            "forms": forms,
            "case_file": case_file,
            "readings": readings,
            "history": selectors.history(case),
            "bodies": list(case.bodies.all()) if kind == "dispute" else [],
            "document_form": (document_form or DocumentForm()) if adds_documents else None,
        },
    )


@login_required
def case_detail(request, kind: str, pk: int):
    return _case_page(request, kind, _case_or_404(request.user, kind, pk))


@login_required
@require_POST
def case_advance(request, kind: str, pk: int, action: str):
    case = _case_or_404(request.user, kind, pk)
    move = MOVES[type(case)].get(action)
    if move is None:
        raise Http404
    form = MoveForm(request.POST, move=move, lawyers=selectors.lawyers_for(request.user))
    if form.is_valid() and run_service(
        form, services.case_advance, case=case, action=action, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("已办理：%(action)s") % {"action": move.label})
        return redirect(f"legal:{kind}_detail", pk=case.pk)
    return _case_page(request, kind, _case_or_404(request.user, kind, pk), failed=form)


@login_required
@require_POST
def case_document_add(request, kind: str, pk: int):
    case = _case_or_404(request.user, kind, pk)
    form = DocumentForm(request.POST)
    if form.is_valid() and run_service(
        form, services.case_document_add, case=case, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("已添加材料：%(title)s") % {"title": form.cleaned_data["title"]})
        return redirect(f"legal:{kind}_detail", pk=case.pk)
    return _case_page(request, kind, case, document_form=form)


@login_required
def dispute_letter(request, pk):
    dispute = _case_or_404(request.user, "dispute", pk)
    try:
        pdf = services.feedback_letter(dispute=dispute, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("legal:dispute_detail", pk=dispute.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="feedback-{dispute.pk}.pdf"'
    return response


# ---- the lawyer team ---------------------------------------------------------------------------


@login_required
def lawyer_list(request):
    _require_view(request.user)
    return render(
        request,
        "legal/lawyer_list.html",
        {"lawyers": list(selectors.lawyer_list(request.user)), "can_open": _open_orgs(request.user).exists()},
    )


@login_required
def lawyer_create(request):
    _require_view(request.user)
    orgs = _open_orgs(request.user)
    if not orgs.exists():
        raise Http404
    form = LawyerForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        lawyer = run_service(form, services.lawyer_create, by=request.user, **form.cleaned_data)
        if lawyer is not None:
            messages.success(request, _("已登记律师：%(name)s") % {"name": lawyer.name})
            return redirect("legal:lawyer_list")
    return render(request, "legal/case_form.html", {"form": form, "title": _("登记律师"), "kind": "lawyer"})


# ---- a worker's own ----------------------------------------------------------------------------


def _require_worker(user) -> None:
    scope_of(user).require("legal.ask")


@login_required
def mine(request):
    _require_worker(request.user)
    return render(request, "legal/mine.html", selectors.mine(request.user))


@login_required
def ask(request):
    _require_worker(request.user)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = request.user.person
        if person is None:
            raise Http404
        if run_service(
            form, services.consultation_request, person=person, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("已提交咨询申请，工会将尽快答复"))
            return redirect("legal:mine")
    return render(request, "legal/case_form.html", {"form": form, "title": _("申请法律咨询"), "kind": "ask"})
