from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.activities.selectors import person_by_key
from gonghui.core import keyset, registry
from gonghui.core.audit import client_ip
from gonghui.core.forms import run_service
from gonghui.core.roles import Role
from gonghui.core.scope import get_or_404, scope_of
from gonghui.honours import rules, selectors, services
from gonghui.honours.forms import (
    AdvanceForm,
    AnswerForm,
    AwardForm,
    NominateForm,
    ObjectionForm,
    RoundForm,
    RuleForm,
    TalentNominateForm,
    TallyForm,
)
from gonghui.honours.models import EligibilityRule, Level, Nomination, NominationRound, Objection, Status
from gonghui.members.models import Person
from gonghui.orgs.models import Organisation


def _federations(user):
    return Organisation.objects.writable_by(user).exclude(kind__in=Organisation.GRASSROOTS_KINDS)


# --- rounds ---


@login_required
def round_list(request):
    scope = scope_of(request.user)
    scope.require("honours.nominate")
    return render(
        request,
        "honours/round_list.html",
        {"rounds": selectors.round_list(request.user), "manages": scope.can("honours.manage")},
    )


@login_required
def round_create(request):
    scope_of(request.user).require("honours.manage")
    form = RoundForm(request.POST or None, federations=_federations(request.user))
    if request.method == "POST" and form.is_valid():
        round = run_service(form, services.round_create, by=request.user, **form.service_kwargs())
        if round is not None:
            messages.success(request, _("已发起推荐评选：%(name)s") % {"name": round.name})
            return redirect("honours:round_detail", pk=round.pk)
    return render(request, "honours/round_form.html", {"form": form})


def _round_or_404(user, pk):
    return get_or_404(NominationRound.objects.visible_to(user).select_related("federation", "title"), pk=pk)


def _round_page(request, round, *, form=None):
    organisations = Organisation.objects.writable_by(request.user).filter(
        kind__in=Organisation.GRASSROOTS_KINDS, path__startswith=round.federation.path
    )
    return render(
        request,
        "honours/round_detail.html",
        {
            "round": round,
            "nominations": selectors.nominations_of(round, request.user),
            "quotas": selectors.round_quotas(round),
            "form": form or NominateForm(for_person=round.title.for_person, organisations=organisations),
            "open": timezone.localdate() <= round.closes_on,
        },
    )


@login_required
def round_detail(request, pk):
    scope_of(request.user).require("honours.nominate")
    return _round_page(request, _round_or_404(request.user, pk))


@login_required
@require_POST
def nominate(request, pk):
    scope_of(request.user).require("honours.nominate")
    round = _round_or_404(request.user, pk)
    organisations = Organisation.objects.writable_by(request.user).filter(
        kind__in=Organisation.GRASSROOTS_KINDS
    )
    form = NominateForm(request.POST, for_person=round.title.for_person, organisations=organisations)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if round.title.for_person:
            data["person"] = person_by_key(root=round.federation, key=data["person"])
            if data["person"] is None:
                form.add_error("person", _("找不到该会员，请核对公民身份号码或会员证号"))
                return _round_page(request, round, form=form)
        nomination = run_service(form, services.nomination_create, round=round, by=request.user, **data)
        if nomination is not None:
            messages.success(request, _("已推荐：%(name)s") % {"name": nomination.candidate_name})
            return redirect("honours:round_detail", pk=round.pk)
    return _round_page(request, round, form=form)


# --- nominations and objections ---


def _nomination_or_404(user, pk):
    return get_or_404(
        Nomination.objects.visible_to(user).select_related(
            "round__federation", "round__title", "person", "organisation", "union"
        ),
        pk=pk,
    )


def _nomination_page(request, nomination, *, form=None, answer_forms=None):
    runs_round = NominationRound.objects.writable_by(request.user).filter(pk=nomination.round_id).exists()
    objections = (
        Objection.objects.visible_to(request.user).filter(nomination=nomination).select_related("answered_by")
    )
    return render(
        request,
        "honours/nomination_detail.html",
        {
            "nomination": nomination,
            "steps": nomination.steps.select_related("by"),
            "evidence": nomination.evidence.all(),
            "objections": objections,
            "answer_forms": answer_forms or {},
            "runs_round": runs_round,
            "form": form
            or (
                AdvanceForm(status=nomination.status)
                if services.NOMINATION_MACHINE.targets_from(nomination.status)
                else None
            ),
        },
    )


@login_required
def nomination_detail(request, pk):
    return _nomination_page(request, _nomination_or_404(request.user, pk))


@login_required
@require_POST
def nomination_advance(request, pk):
    nomination = _nomination_or_404(request.user, pk)
    form = AdvanceForm(request.POST, status=nomination.status)
    if form.is_valid() and run_service(
        form, services.nomination_advance, nomination=nomination, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("已办理为「%(s)s」") % {"s": Status(form.cleaned_data["to"]).label})
        return redirect("honours:nomination_detail", pk=nomination.pk)
    NominationRound.objects.writable_by(request.user).require(nomination.round_id)
    return _nomination_page(request, nomination, form=form)


def _objection_or_404(user, pk):
    return get_or_404(Objection.objects.visible_to(user).select_related("nomination"), pk=pk)


@login_required
@require_POST
def objection_answer(request, pk):
    objection = _objection_or_404(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid() and run_service(
        form, services.objection_answer, objection=objection, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("已答复异议"))
        return redirect("honours:nomination_detail", pk=objection.nomination_id)
    nomination = _nomination_or_404(request.user, objection.nomination_id)
    return _nomination_page(request, nomination, answer_forms={objection.pk: form})


@login_required
def objection_seal(request, pk):
    objection = _objection_or_404(request.user, pk)
    if not objection.seal:
        raise Http404
    return FileResponse(objection.seal.open("rb"), as_attachment=True, filename=objection.seal_name or "seal")


def notice(request, pk):
    """The public notice (公示) of a round: open to anyone, no sign-in; takes objections."""
    # Unscoped on purpose: the notice is public, and it shows only the candidates in 公示.
    round = get_or_404(NominationRound.objects.select_related("federation", "title"), pk=pk)
    candidates = list(selectors.in_publicity(round, timezone.localdate()))
    form = ObjectionForm(request.POST or None, request.FILES or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nomination = next(n for n in candidates if n.pk == data.pop("nomination"))
        if run_service(form, services.objection_submit, nomination=nomination, ip=client_ip(request), **data):
            messages.success(request, _("您的意见已收到，总工会将核查并答复，谢谢。"))
            return redirect("honours:notice", pk=round.pk)
    return render(request, "honours/notice.html", {"round": round, "candidates": candidates, "form": form})


# --- awards, tally, rules ---


AWARD_READERS = {Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.WORKER}


@login_required
def award_list(request):
    scope = scope_of(request.user)
    if not (scope.everything or scope.role in AWARD_READERS):
        raise Http404
    form = None
    if scope.can("honours.manage"):
        unions = Organisation.objects.writable_by(request.user).filter(kind__in=Organisation.GRASSROOTS_KINDS)
        form = AwardForm(request.POST or None, organisations=unions)
        if request.method == "POST" and form.is_valid() and _record_award(request, form):
            return redirect("honours:award_list")
    awards = selectors.award_list(request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        awards = awards.filter(year=int(year))
    page = keyset.page_of(request, awards, ["-year", "title__order", "pk"], jump="")
    return render(request, "honours/award_list.html", {"page": page, "year": year, "form": form})


def _record_award(request, form) -> bool:
    data = dict(form.cleaned_data)
    key = data.pop("person")
    person = person_by_key(root=data["organisation"], key=key) if key else None
    if key and person is None:
        form.add_error("person", _("找不到该会员，请核对公民身份号码或会员证号"))
        return False
    award = run_service(form, services.award_record, person=person, by=request.user, **data)
    if award is not None:
        messages.success(request, _("已登记：%(award)s") % {"award": award})
    return award is not None


@login_required
def tally(request):
    scope_of(request.user).require("honours.manage")
    roots = list(selectors.tally_roots(request.user).order_by("depth", "path"))
    if not roots:
        raise Http404
    data = (
        request.GET if "org" in request.GET else {"org": roots[0].code, "year": timezone.localdate().year - 1}
    )
    form = TallyForm(data, roots=roots)
    context = {"form": form, "levels": Level.choices}
    if form.is_valid():
        root = next(o for o in roots if o.code == form.cleaned_data["org"])
        year = form.cleaned_data["year"]
        first, last = selectors.five_years(year)
        context.update(root=root, first=first, last=last, rows=selectors.tally(root, year))
    return render(request, "honours/tally.html", context)


def _kinds():
    return [(source.key, source.label) for source in registry.talent] or [("", "—")]


@login_required
def rule_list(request):
    scope_of(request.user).require("honours.manage")
    form = RuleForm(request.POST or None, federations=_federations(request.user), kinds=_kinds())
    if request.method == "POST" and form.is_valid():
        rule = run_service(form, services.rule_create, by=request.user, **form.cleaned_data)
        if rule is not None:
            messages.success(request, _("已制定规则：%(name)s") % {"name": rule.name})
            return redirect("honours:rule_list")
    labels = dict(_kinds())
    rules_in_scope = list(
        EligibilityRule.objects.visible_to(request.user).select_related("federation", "title")
    )
    for rule in rules_in_scope:
        rule.kind_label = labels.get(rule.evidence_kind, rule.evidence_kind)
    return render(request, "honours/rule_list.html", {"rules": rules_in_scope, "form": form})


# --- the talent record ---


@login_required
def talent_me(request):
    person_id = scope_of(request.user).person_id
    if person_id is None:
        raise Http404
    return redirect("honours:talent", pk=person_id)


def _talent_page(request, person, *, forms=None):
    columns = selectors.talent_record(person)
    evidence = [e for c in columns for e in c.entries]
    eligibility = rules.evaluate(selectors.rules_for(person), evidence)
    may_nominate = scope_of(request.user).can("honours.nominate")
    today = timezone.localdate()
    offers = []
    for item in eligibility:
        rule = item.rule
        if not (item.met and may_nominate and rule.outcome == EligibilityRule.Outcome.NOMINATION):
            continue
        rounds = selectors.open_rounds(request.user, title=rule.title, level=rule.title_level, on=today)
        form = (forms or {}).get(rule.pk) or TalentNominateForm(
            rounds=rounds, evidence=evidence, initial={"evidence": [e.ref for e in item.evidence]}
        )
        offers.append({"rule": rule, "form": form, "has_rounds": rounds.exists()})
    return render(
        request,
        "honours/talent.html",
        {
            "person": person,
            "columns": columns,
            "hours": sum((e.hours for e in evidence if not e.revoked), start=0),
            "eligibility": eligibility,
            "offers": offers,
        },
    )


def _person_or_404(user, pk):
    return get_or_404(Person.objects.visible_to(user), pk=pk)


@login_required
def talent(request, pk):
    return _talent_page(request, _person_or_404(request.user, pk))


@login_required
@require_POST
def talent_nominate(request, pk):
    scope_of(request.user).require("honours.nominate")
    person = _person_or_404(request.user, pk)
    rule_pk = request.POST.get("rule", "")
    rule = selectors.rules_for(person).filter(pk=rule_pk).first() if rule_pk.isdigit() else None
    if rule is None:
        messages.error(request, _("请从符合的资格规则发起推荐"))
        return _talent_page(request, person)
    rounds = selectors.open_rounds(
        request.user, title=rule.title, level=rule.title_level, on=timezone.localdate()
    )
    evidence = selectors.talent_evidence(person)
    form = TalentNominateForm(request.POST, rounds=rounds, evidence=evidence)
    if form.is_valid():
        data = form.cleaned_data
        nomination = run_service(
            form,
            services.nomination_create,
            round=data["round"],
            person=person,
            attributes=data["attributes"],
            deeds=data["deeds"],
            evidence_refs=data["evidence"],
            by=request.user,
        )
        if nomination is not None:
            messages.success(
                request,
                _("已推荐%(name)s参加「%(round)s」") % {"name": person.name, "round": data["round"].name},
            )
            return redirect("honours:nomination_detail", pk=nomination.pk)
    return _talent_page(request, person, forms={rule.pk: form})
