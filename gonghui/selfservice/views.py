"""The worker's own pages, phone-first, and the two officer pages of self-service (the activation
code, the door). Thin: reads go through the owning apps' selectors, writes through their services,
which check that a worker acts only for themself."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.academy import selectors as academy_selectors
from gonghui.academy import services as academy
from gonghui.academy.models import Certificate, Enrolment
from gonghui.activities.models import WelfareRecipient
from gonghui.contests import selectors as contest_selectors
from gonghui.contests import services as contests
from gonghui.core.audit import client_ip
from gonghui.core.forms import run_service
from gonghui.core.qr import qr_svg
from gonghui.core.scope import get_or_404, scope_of
from gonghui.homes import selectors as event_selectors
from gonghui.homes import services as homes
from gonghui.homes.models import Event, EventRegistration
from gonghui.honours import selectors as honours_selectors
from gonghui.legal import selectors as legal_selectors
from gonghui.legal import services as legal
from gonghui.legal.forms import AskForm
from gonghui.members import selectors as member_selectors
from gonghui.members.models import Person
from gonghui.mutual_aid import selectors as aid_selectors
from gonghui.selfservice import cards, services
from gonghui.selfservice.forms import ActivateForm, TokenForm
from gonghui.selfservice.models import ActivationCode


def worker_only(view):
    """A page of the worker's own: signed in as a worker with a person record, else 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        services.require_worker(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _page(request, template, context=None):
    return render(request, f"selfservice/{template}", context or {})


@worker_only
def home(request):
    return _page(request, "home.html", {"person": request.user.person})


@worker_only
def membership(request):
    person = request.user.person
    return _page(
        request, "membership.html", {"person": person, "history": member_selectors.person_history(person)}
    )


@worker_only
def card(request):
    event = None
    if request.GET.get("event"):
        event = get_or_404(Event.objects.visible_to(request.user), pk=request.GET["event"])
    try:
        member_card, token = services.member_card(user=request.user, event=event)
    except ValidationError as error:
        return _page(request, "card.html", {"event": event, "problem": " ".join(error.messages)})
    passes = (
        event_selectors.own_registrations(request.user)
        .filter(status=EventRegistration.Status.CONFIRMED, event__ends_at__gte=timezone.now())
        .order_by("event__starts_at")
    )
    return _page(
        request,
        "card.html",
        {"event": event, "card": member_card, "token": token, "qr": qr_svg(token, scale=5), "passes": passes},
    )


@worker_only
def training(request):
    certificates = Certificate.objects.visible_to(request.user).select_related("training_class__course")
    return _page(
        request,
        "training.html",
        {
            "enrolments": academy_selectors.own_enrolments(request.user),
            "certificates": certificates.order_by("-issued_on", "-pk"),
            "hours": certificates.filter(revoked_at__isnull=True).aggregate(total=Sum("hours"))["total"] or 0,
            "open_classes": academy_selectors.classes_open_to(request.user),
        },
    )


def _report(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _act(request, back: str, call, said):
    """Runs a service for the worker; said(result) → (level, text) on success, the error otherwise."""
    try:
        result = call()
    except ValidationError as error:
        _report(request, error)
    else:
        level, text = said(result)
        messages.add_message(request, level, text)
    return redirect(back)


def _signed_up(waiting_status: str, done: str, waiting: str):
    return lambda row: (
        (messages.WARNING, waiting) if row.status == waiting_status else (messages.SUCCESS, done)
    )


def _cancelled(_result):
    return messages.SUCCESS, _("已取消报名")


@worker_only
@require_POST
def training_enrol(request, pk):
    training_class = get_or_404(academy_selectors.classes_open_to(request.user), pk=pk)
    return _act(
        request,
        "selfservice:training",
        lambda: academy.enrolment_create(
            training_class=training_class, person=request.user.person, by=request.user
        ),
        _signed_up(
            Enrolment.Status.WAITING,
            _("报名成功：%(name)s") % {"name": training_class.course.title},
            _("名额已满，您已列入候补名单"),
        ),
    )


@worker_only
@require_POST
def training_cancel(request, pk):
    enrolment = get_or_404(Enrolment.objects.visible_to(request.user), pk=pk)
    return _act(
        request,
        "selfservice:training",
        lambda: academy.enrolment_cancel(enrolment=enrolment, by=request.user, reason=_("本人取消")),
        _cancelled,
    )


@worker_only
def events(request):
    return _page(
        request,
        "events.html",
        {
            "registrations": event_selectors.own_registrations(request.user),
            "open_events": event_selectors.events_open_to(request.user),
        },
    )


@worker_only
@require_POST
def event_register(request, pk):
    event = get_or_404(event_selectors.events_open_to(request.user), pk=pk)
    return _act(
        request,
        "selfservice:events",
        lambda: homes.registration_create(event=event, person=request.user.person, by=request.user),
        _signed_up(
            EventRegistration.Status.WAITING,
            _("报名成功：%(title)s") % {"title": event.title},
            _("名额已满，您已进入候补名单"),
        ),
    )


@worker_only
@require_POST
def event_cancel(request, pk):
    registration = get_or_404(EventRegistration.objects.visible_to(request.user), pk=pk)
    return _act(
        request,
        "selfservice:events",
        lambda: homes.registration_cancel(registration=registration, by=request.user, reason=_("本人取消")),
        _cancelled,
    )


@worker_only
def contest_list(request):
    return _page(
        request,
        "contests.html",
        {
            "entries": contest_selectors.my_entries(request.user),
            "open_events": contest_selectors.open_events_for(request.user),
        },
    )


@worker_only
@require_POST
def contest_register(request, pk):
    event = get_or_404(contest_selectors.open_events_for(request.user), pk=pk)
    return _act(
        request,
        "selfservice:contests",
        lambda: contests.registration_create(event=event, person=request.user.person, by=request.user),
        lambda _registration: (messages.SUCCESS, _("报名成功：%(name)s") % {"name": event.name}),
    )


@worker_only
def welfare(request):
    received = (
        WelfareRecipient.objects.visible_to(request.user)
        .select_related("distribution__union")
        .order_by("-distribution__distributed_on", "-pk")
    )
    return _page(request, "welfare.html", {"received": received})


@worker_only
def mutual_aid(request):
    return _page(
        request,
        "mutual_aid.html",
        {
            "enrolments": aid_selectors.own_enrolments(request.user),
            "claims": aid_selectors.own_claims(request.user),
        },
    )


@worker_only
def legal_help(request):
    form = AskForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, legal.consultation_request, person=request.user.person, by=request.user, **form.cleaned_data
        )
    ):
        messages.success(request, _("已提交咨询申请，工会将尽快答复"))
        return redirect("selfservice:legal")
    return _page(request, "legal.html", {"form": form, **legal_selectors.mine(request.user)})


@worker_only
def talent(request):
    columns = honours_selectors.talent_record(request.user.person)
    return _page(request, "talent.html", {"columns": columns})


# --- activation ---


def activate(request):
    """Anyone not signed in: the mobile number, the activation code and a new password."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(
            form,
            services.activation_redeem,
            mobile=form.cleaned_data["mobile"],
            code=form.cleaned_data["code"],
            password=form.cleaned_data["password"],
            ip=client_ip(request),
        )
        if user is not None:
            login(request, user, backend="gonghui.accounts.backends.LockoutModelBackend")
            messages.success(
                request, _("账号已激活。以后请用手机号码%(mobile)s和新密码登录。") % {"mobile": user.username}
            )
            return redirect("selfservice:home")
    return _page(request, "activate.html", {"form": form})


@login_required
def activation_code(request, pk):
    """An officer's page for one member: the state of their code; POST issues a new one, shown once."""
    person = get_or_404(Person.objects.writable_by(request.user), pk=pk)
    code = None
    if request.method == "POST":
        try:
            _row, code = services.activation_code_issue(person=person, by=request.user)
        except ValidationError as error:
            _report(request, error)
    latest = ActivationCode.objects.visible_to(request.user).filter(person=person).first()
    return _page(
        request,
        "activation_code.html",
        {
            "person": person,
            "code": services.printed(code) if code else None,
            "latest": latest,
            "now": timezone.now(),
            "activate_url": request.build_absolute_uri(reverse("selfservice:activate")),
        },
    )


# --- the door ---


def _door_event(request, pk) -> Event:
    scope_of(request.user).require("events.checkin")
    return get_or_404(Event.objects.visible_to(request.user), pk=pk)


@login_required
def door(request, pk):
    """The officer's phone at the door: checks a card in the browser (offline, public key only);
    online, checks the holder in."""
    event = _door_event(request, pk)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check_in = run_service(
            form, services.card_check_in, token=form.cleaned_data["token"], event=event, by=request.user
        )
        if check_in is not None:
            messages.success(request, _("%(name)s签到成功") % {"name": check_in.registration.person.name})
            return redirect(reverse("selfservice:door", args=[event.pk]))
    return _page(
        request,
        "door.html",
        {
            "event": event,
            "form": form,
            "public_key": cards.public_key_b64(),
            "counts": event_selectors.checkin_counts(event, request.user),
        },
    )
