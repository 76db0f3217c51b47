from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.activities.selectors import person_by_key
from gonghui.contests import selectors, services
from gonghui.contests.forms import (
    ConfirmForm,
    ContestForm,
    CriterionForm,
    EventForm,
    JudgeForm,
    MemberKeyForm,
    PartForm,
    ReasonForm,
    RulesForm,
    ScoreForm,
    YearFilterForm,
)
from gonghui.contests.models import Contest, Event, Judge, Registration
from gonghui.core import keyset
from gonghui.core.audit import audit_record
from gonghui.core.forms import run_service
from gonghui.core.pdf import render_pdf
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope, get_or_404, scope_of
from gonghui.members.models import Person
from gonghui.orgs.models import Enterprise, Organisation


def _manages(user, event_or_contest) -> bool:
    model = type(event_or_contest)
    return (
        scope_of(user).can(services.MANAGE)
        and model.objects.writable_by(user).filter(pk=event_or_contest.pk).exists()
    )


def _event_or_404(user, pk) -> Event:
    return get_or_404(Event.objects.visible_to(user).select_related("contest"), pk=pk)


def _managed_event_or_404(user, pk) -> Event:
    scope_of(user).require(services.MANAGE)
    return get_or_404(Event.objects.writable_by(user).select_related("contest"), pk=pk)


# --- contests ---


@login_required
def contest_list(request):
    form = YearFilterForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    page = keyset.page_of(
        request,
        selectors.contest_list(request.user, year=year),
        ["-year", "-held_on", "-pk"],
        size=30,
        jump="",
    )
    return render(
        request,
        "contests/contest_list.html",
        {
            "form": form,
            "page": page,
            "judging": selectors.judging_list(request.user),
            "may_create": scope_of(request.user).can(services.MANAGE),
            "is_worker": scope_of(request.user).role == Role.WORKER,
        },
    )


@login_required
def contest_create(request):
    scope_of(request.user).require(services.MANAGE)
    organisers = Organisation.objects.writable_by(request.user).filter(dissolved_on__isnull=True)
    if not organisers.exists():
        raise Http404
    form = ContestForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        contest = run_service(form, services.contest_create, by=request.user, **form.cleaned_data)
        if contest is not None:
            messages.success(request, _("已登记竞赛：%(title)s") % {"title": contest.title})
            return redirect("contests:contest_detail", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form})


@login_required
def contest_detail(request, pk):
    contest = get_or_404(Contest.objects.visible_to(request.user).prefetch_related("organisers"), pk=pk)
    manages = _manages(request.user, contest)
    form = EventForm(request.POST or None) if manages else None
    if request.method == "POST":
        if not manages:
            raise NotInScope
        if form.is_valid():
            event = run_service(
                form, services.event_create, contest=contest, by=request.user, **form.cleaned_data
            )
            if event is not None:
                messages.success(request, _("已增设项目：%(name)s") % {"name": event.name})
                return redirect("contests:event_scheme", pk=event.pk)
    return render(
        request,
        "contests/contest_detail.html",
        {"contest": contest, "events": selectors.events_of(contest), "form": form, "manages": manages},
    )


@login_required
def my_contests(request):
    if scope_of(request.user).role != Role.WORKER:
        raise Http404
    return render(
        request,
        "contests/mine.html",
        {
            "entries": selectors.my_entries(request.user),
            "open_events": selectors.open_events_for(request.user),
        },
    )


# --- events ---


@login_required
def event_detail(request, pk):
    event = _event_or_404(request.user, pk)
    parts = selectors.scheme(event)
    scope = scope_of(request.user)
    return render(
        request,
        "contests/event_detail.html",
        {
            "event": event,
            "parts": parts,
            "manages": _manages(request.user, event),
            "registered": event.registrations.count(),
            "judge_count": event.judges.count(),
            "may_enter": scope.role == Role.WORKER
            and not event.is_locked
            and not event.registrations.filter(person_id=scope.person_id).exists(),
            "may_register": scope.can("contests.register") and not event.is_locked,
        },
    )


FORMS = {"part": PartForm, "criterion": CriterionForm, "rules": RulesForm}


@login_required
def event_scheme(request, pk):
    """The marking scheme: parts, criteria, tie-break chain and awards (one form posted at a time)."""
    event = _managed_event_or_404(request.user, pk)
    rules_initial = {
        "tie_break": ", ".join(event.tie_break),
        "award_basis": event.award_basis,
        **{key: getattr(event, key) for key, _label in Event.AWARDS},
    }
    forms = {
        "part": PartForm(prefix="part"),
        "criterion": CriterionForm(prefix="criterion", event=event),
        "rules": RulesForm(prefix="rules", initial=rules_initial),
    }
    which = request.POST.get("form")
    if request.method == "POST" and which in FORMS:
        kwargs = {"event": event} if which == "criterion" else {}
        form = forms[which] = FORMS[which](request.POST, prefix=which, **kwargs)
        if form.is_valid():
            if which == "part":
                done = run_service(form, services.part_add, event=event, by=request.user, **form.cleaned_data)
            elif which == "criterion":
                done = run_service(form, services.criterion_add, by=request.user, **form.service_arguments())
            else:
                done = run_service(
                    form, services.event_set_rules, event=event, by=request.user, **form.cleaned_data
                )
            if done is not None:
                messages.success(request, _("评分方案已保存"))
                return redirect("contests:event_scheme", pk=event.pk)
    return render(
        request,
        "contests/event_scheme.html",
        {"event": event, "parts": selectors.scheme(event), "forms": forms},
    )


@login_required
def registrations(request, pk):
    """Competitors of the event in the user's scope; officers register by ID or card number, a
    worker registers themself."""
    event = _event_or_404(request.user, pk)
    scope = scope_of(request.user)
    form = MemberKeyForm(request.POST or None)
    if request.method == "POST":
        if scope.role == Role.WORKER:
            form = ConfirmForm(request.POST)
            person = request.user.person
            done = form.is_valid() and run_service(
                form, services.registration_create, event=event, person=person, by=request.user
            )
            if done:
                messages.success(request, _("报名成功，参赛号%(n)d") % {"n": done.number})
                return redirect("contests:mine")
        elif form.is_valid():
            root = event.contest.organisers.order_by("depth").first()
            person = person_by_key(root=root, key=form.cleaned_data["person"])
            if person is None or not Person.objects.visible_to(request.user).filter(pk=person.pk).exists():
                # the same answer whether the number is unknown or someone else's member
                form.add_error("person", _("该人员不是您可报名的在册会员"))
            elif run_service(form, services.registration_create, event=event, person=person, by=request.user):
                messages.success(request, _("%(name)s已报名") % {"name": person.name})
                return redirect("contests:registrations", pk=event.pk)
    rows = (
        Registration.objects.visible_to(request.user)
        .filter(event=event)
        .select_related("person", "union", "enterprise", "result")
        .order_by("number")
    )
    return render(
        request,
        "contests/registrations.html",
        {
            "event": event,
            "rows": rows,
            "form": form,
            "may_register": scope.can("contests.register") and not event.is_locked,
            "may_enter": scope.role == Role.WORKER and not event.is_locked,
        },
    )


@login_required
def judges(request, pk):
    event = _managed_event_or_404(request.user, pk)
    form = JudgeForm(request.POST or None, enterprises=_enterprises_of(event))
    if request.method == "POST" and form.is_valid():
        judge = run_service(form, services.judge_add, event=event, by=request.user, **form.cleaned_data)
        if judge is not None:
            messages.success(request, _("已登记裁判：%(name)s") % {"name": judge.name})
            return redirect("contests:judges", pk=event.pk)
    return render(
        request, "contests/judges.html", {"event": event, "judges": selectors.judge_list(event), "form": form}
    )


def _enterprises_of(event: Event):
    paths = list(event.contest.organisers.values_list("path", flat=True))
    reachable = Enterprise.objects.none()
    for path in paths:
        reachable |= Enterprise.objects.filter(federation__path__startswith=path)
        reachable |= Enterprise.objects.filter(union__path__startswith=path)
    return reachable.distinct().order_by("name")


# --- scoring ---


def _judge_or_404(request, event_pk) -> Judge:
    """The user's own judge row for the event; for contest staff, the judge without an account
    named by ?judge= (they transcribe that judge's paper sheet)."""
    user = request.user
    named = request.GET.get("judge", "")
    if named.isdigit() and scope_of(user).can(services.MANAGE):
        judge = (
            Judge.objects.filter(
                pk=int(named), event_id=event_pk, user__isnull=True, event__in=Event.objects.writable_by(user)
            )
            .select_related("event__contest")
            .first()
        )
        if judge is not None:
            return judge
    return get_or_404(
        Judge.objects.filter(user_id=user.pk, capacity__in=Judge.SCORING).select_related("event__contest"),
        event_id=event_pk,
    )


@login_required
def score_list(request, pk):
    judge = _judge_or_404(request, pk)
    return render(
        request,
        "contests/score_list.html",
        {"judge": judge, "event": judge.event, "rows": selectors.competitor_rows(judge.event, judge)},
    )


@login_required
def score_sheet(request, pk, registration_pk):
    judge = _judge_or_404(request, pk)
    event = judge.event
    registration = get_or_404(event.registrations.select_related("person", "enterprise"), pk=registration_pk)
    criteria = selectors.criteria_of(selectors.scheme(event))
    failed = None
    if request.method == "POST":
        failed = ScoreForm(request.POST)
        criterion = next((c for c in criteria if str(c.pk) == request.POST.get("criterion")), None)
        if failed.is_valid() and criterion is not None:
            score = run_service(
                failed,
                services.score_record,
                registration=registration,
                criterion=criterion,
                judge=judge,
                value=failed.cleaned_data["value"],
                reason=failed.cleaned_data["reason"],
                by=request.user,
            )
            if score is not None:
                messages.success(
                    request, _("已录入%(name)s：%(mark)s分") % {"name": criterion.name, "mark": score.mark}
                )
                return redirect(request.get_full_path())
    rows = selectors.sheet(judge, registration, criteria)
    for row in rows:
        posted = failed is not None and request.POST.get("criterion") == str(row["criterion"].pk)
        row["form"] = (
            failed
            if posted
            else ScoreForm(
                initial={
                    "criterion": row["criterion"].pk,
                    "value": row["score"].value if row["score"] else None,
                }
            )
        )
    return render(
        request,
        "contests/score_sheet.html",
        {
            "judge": judge,
            "event": event,
            "registration": registration,
            "rows": rows,
            "conflict": judge.enterprise_id is not None and judge.enterprise_id == registration.enterprise_id,
            "query": f"?judge={judge.pk}" if judge.user_id is None else "",
        },
    )


# --- ranking, lock, publication ---


def _sign_off_judge(user, event: Event) -> Judge | None:
    return event.judges.filter(
        user_id=user.pk, capacity__in=[Judge.Capacity.CHIEF, Judge.Capacity.SUPERVISOR]
    ).first()


def _locking_event_or_404(request, pk) -> tuple[Event, bool, Judge | None]:
    """The event for its lock page and audit sheet: contest staff and its 裁判长 and 监督."""
    event = get_or_404(Event.objects.select_related("contest"), pk=pk)
    manages = _manages(request.user, event)
    signer = _sign_off_judge(request.user, event)
    if not manages and signer is None:
        raise NotInScope
    return event, manages, signer


@login_required
def ranking(request, pk):
    """The ranking: once published, for everyone who sees the event (names of people the reader does
    not reach are masked); before that, for contest staff only, provisional until it locks."""
    event = _event_or_404(request.user, pk)
    manages = _manages(request.user, event)
    if not event.is_published and not manages:
        raise NotInScope
    if event.is_locked:
        results = list(selectors.results_of(event))
        rows = [
            {
                "place": r.place,
                "registration": r.registration,
                "total": r.total,
                "parts": r.parts,
                "seconds": r.seconds,
                "award": r.get_award_display(),
            }
            for r in results
        ]
    else:
        by_pk = {r.pk: r for r in selectors.registrations_of(event)}
        rows = [
            {
                "place": place,
                "registration": by_pk[e.ref],
                "total": e.total,
                "parts": e.parts,
                "seconds": e.seconds,
                "award": "",
            }
            for e, place in selectors.standings(event)
        ]
    reached = selectors.reached_people(request.user, {row["registration"].person_id for row in rows})
    for row in rows:
        name = row["registration"].person.name
        row["name"] = name if row["registration"].person_id in reached else selectors.masked_name(name)
        row["part_scores"] = [row["parts"].get(name_) for name_ in _part_names(event)]
    return render(
        request,
        "contests/ranking.html",
        {"event": event, "rows": rows, "part_names": _part_names(event), "manages": manages},
    )


def _part_names(event: Event) -> list[str]:
    return list(event.parts.order_by("pk").values_list("name", flat=True))


def _lock_page(request, event, manages, signer, *, form=None, reopen_form=None):
    return render(
        request,
        "contests/lock.html",
        {
            "event": event,
            "manages": manages,
            "signer": signer,
            "problems": [] if event.is_locked else services.lock_problems(event),
            "sign_offs": event.sign_offs.filter(round=event.round).select_related("user"),
            "signed": signer is not None
            and event.sign_offs.filter(round=event.round, user=request.user).exists(),
            "history": event.history.select_related("by"),
            "flags": selectors.open_flags(event),
            "form": form or ConfirmForm(),
            "reopen_form": reopen_form or ReasonForm(),
        },
    )


@login_required
def lock(request, pk):
    event, manages, signer = _locking_event_or_404(request, pk)
    form = ConfirmForm(request.POST) if request.method == "POST" else ConfirmForm()
    if request.method == "POST":
        if signer is None:
            raise NotInScope
        if form.is_valid() and run_service(form, services.event_sign_off, event=event, by=request.user):
            event.refresh_from_db()
            messages.success(request, _("成绩已锁定") if event.is_locked else _("已签字，待另一方签字后锁定"))
            return redirect("contests:lock", pk=event.pk)
    return _lock_page(request, event, manages, signer, form=form)


@login_required
@require_POST
def reopen(request, pk):
    event = _managed_event_or_404(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid() and run_service(
        form, services.event_reopen, event=event, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("已重新开启，修改后须由裁判长和监督重新签字锁定"))
        return redirect("contests:lock", pk=event.pk)
    return _lock_page(request, event, True, _sign_off_judge(request.user, event), reopen_form=form)


@login_required
@require_POST
def publish(request, pk):
    event = _managed_event_or_404(request.user, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid() and run_service(form, services.event_publish, event=event, by=request.user):
        messages.success(request, _("成绩已发布"))
        return redirect("contests:ranking", pk=event.pk)
    return _lock_page(request, event, True, _sign_off_judge(request.user, event), form=form)


@login_required
def audit_sheet(request, pk):
    """评分审核表: every competitor's scores by criterion and judge, the result, the sign-offs and the
    history of changes, as a PDF."""
    event, _manages_it, _signer = _locking_event_or_404(request, pk)
    context = selectors.audit_sheet(event)
    pdf = render_pdf("contests/audit_sheet.html", context)
    audit_record(actor=request.user, action="contest.audit_sheet", obj=event)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contest-event-{event.pk}.pdf"'
    return response
