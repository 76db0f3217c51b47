from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.activities.selectors import person_by_key
from gonghui.activities.services import not_registrable_error
from gonghui.core import keyset
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404, scope_of
from gonghui.homes import selectors, services
from gonghui.homes.forms import (
    AwardForm,
    CancelForm,
    CheckInForm,
    CheckInSearchForm,
    EventFilterForm,
    EventForm,
    HomeEditForm,
    HomeFilterForm,
    HomeForm,
    MemberKeyForm,
    PhotoForm,
    QuotaForm,
)
from gonghui.homes.models import Event, EventRegistration, HomePhoto, WorkerHome
from gonghui.orgs.models import Organisation

PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _filters(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


def _acting_for(user):
    """The standing organisations the user acts for (a union admin's union; a federation's subtree)."""
    organisations = Organisation.objects.writable_by(user).filter(dissolved_on__isnull=True)
    if not organisations.exists():
        raise Http404
    return organisations


# --- worker homes ---


@login_required
def home_list(request):
    scope_of(request.user).require("homes.manage")
    form = HomeFilterForm(request.GET or None)
    page = keyset.page_of(
        request, selectors.home_list(request.user, **_filters(form)), ["union__path", "name", "pk"], jump=""
    )
    return render(request, "homes/home_list.html", {"form": form, "page": page})


@login_required
def home_create(request):
    scope_of(request.user).require("homes.manage")
    form = HomeForm(request.POST or None, unions=_acting_for(request.user))
    if request.method == "POST" and form.is_valid():
        home = run_service(form, services.home_create, by=request.user, **form.cleaned_data)
        if home is not None:
            messages.success(request, _("已登记职工之家：%(name)s") % {"name": home.name})
            return redirect("homes:home_detail", pk=home.pk)
    return render(request, "homes/home_form.html", {"form": form, "title": _("登记职工之家")})


def _home_or_404(user, pk):
    return get_or_404(WorkerHome.objects.visible_to(user).select_related("union"), pk=pk)


def _home_page(request, home, *, award_form=None, photo_form=None):
    scope = scope_of(request.user)
    return render(
        request,
        "homes/home_detail.html",
        {
            "home": home,
            "awards": home.awards.order_by("-level", "-year", "pk"),
            "photos": home.photos.all(),
            "may_edit": scope.can("homes.manage")
            and WorkerHome.objects.writable_by(request.user).filter(pk=home.pk).exists(),
            "may_award": scope.can("homes.award"),
            "award_form": award_form or AwardForm(),
            "photo_form": photo_form or PhotoForm(),
        },
    )


@login_required
def home_detail(request, pk):
    scope_of(request.user).require("homes.manage")
    return _home_page(request, _home_or_404(request.user, pk))


@login_required
def home_edit(request, pk):
    scope_of(request.user).require("homes.manage")
    home = get_or_404(WorkerHome.objects.writable_by(request.user).select_related("union"), pk=pk)
    initial = {f: getattr(home, f) for f in services.HOME_FIELDS}
    form = HomeEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, services.home_update, home=home, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("已保存"))
        return redirect("homes:home_detail", pk=home.pk)
    return render(
        request,
        "homes/home_form.html",
        {"form": form, "title": _("修改职工之家：%(name)s") % {"name": home.name}},
    )


@login_required
@require_POST
def home_award(request, pk):
    home = _home_or_404(request.user, pk)
    form = AwardForm(request.POST)
    if form.is_valid():
        award = run_service(form, services.home_award, home=home, by=request.user, **form.cleaned_data)
        if award is not None:
            messages.success(request, _("已登记命名：%(award)s") % {"award": award})
            return redirect("homes:home_detail", pk=home.pk)
    return _home_page(request, home, award_form=form)


@login_required
@require_POST
def home_photo_add(request, pk):
    home = _home_or_404(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form, services.home_photo_add, home=home, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("照片已上传"))
        return redirect("homes:home_detail", pk=home.pk)
    return _home_page(request, home, photo_form=form)


@login_required
def photo(request, pk):
    record = get_or_404(HomePhoto.objects.visible_to(request.user), pk=pk)
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = PHOTO_TYPES.get(PurePosixPath(record.file.name).suffix.lower(), "application/octet-stream")
    return FileResponse(handle, content_type=content_type)


@login_required
@require_POST
def photo_remove(request, pk):
    record = get_or_404(HomePhoto.objects.visible_to(request.user).select_related("home"), pk=pk)
    form = PhotoForm()
    home = run_service(form, services.home_photo_remove, photo=record, by=request.user)
    if home is None:
        return _home_page(request, record.home, photo_form=form)
    messages.success(request, _("照片已删除"))
    return redirect("homes:home_detail", pk=home.pk)


# --- events ---


@login_required
def event_list(request):
    scope_of(request.user).require("events.manage")
    form = EventFilterForm(request.GET or None)
    page = keyset.page_of(
        request, selectors.event_list(request.user, **_filters(form)), ["-starts_at", "-pk"]
    )
    return render(request, "homes/event_list.html", {"form": form, "page": page, "now": timezone.now()})


@login_required
def event_create(request):
    scope_of(request.user).require("events.manage")
    form = EventForm(request.POST or None, organisers=_acting_for(request.user))
    if request.method == "POST" and form.is_valid():
        event = run_service(form, services.event_create, by=request.user, **form.cleaned_data)
        if event is not None:
            messages.success(request, _("已登记文体活动：%(title)s") % {"title": event.title})
            return redirect("homes:event_detail", pk=event.pk)
    return render(request, "homes/event_form.html", {"form": form})


def _event_or_404(user, pk):
    return get_or_404(Event.objects.visible_to(user).select_related("organiser"), pk=pk)


def _event_page(request, event, *, register_form=None, quota_form=None, cancel_form=None):
    scope = scope_of(request.user)
    organising = (
        scope.can("events.manage")
        and Organisation.objects.writable_by(request.user).filter(pk=event.organiser_id).exists()
    )
    quota_unions = Organisation.objects.grassroots().filter(
        path__startswith=event.organiser.path, dissolved_on__isnull=True
    )
    now = timezone.now()
    return render(
        request,
        "homes/event_detail.html",
        {
            "event": event,
            "manages": scope.can("events.manage"),
            "organising": organising,
            "registration_open": event.registration_opens_at <= now <= event.registration_closes_at,
            "started": now >= event.starts_at,
            "pools": selectors.pools_of(event, request.user) if scope.can("events.manage") else [],
            "registrations": selectors.registrations_of(event, request.user),
            "register_form": register_form or MemberKeyForm(),
            "quota_form": quota_form or QuotaForm(unions=quota_unions),
            "cancel_form": cancel_form,
            "may_check_in": scope.can("events.checkin"),
        },
    )


@login_required
def event_detail(request, pk):
    return _event_page(request, _event_or_404(request.user, pk))


@login_required
@require_POST
def quota_set(request, pk):
    scope_of(request.user).require("events.manage")
    event = _event_or_404(request.user, pk)
    unions = Organisation.objects.grassroots().filter(path__startswith=event.organiser.path)
    form = QuotaForm(request.POST, unions=unions)
    if form.is_valid():
        quota = run_service(form, services.quota_set, event=event, by=request.user, **form.cleaned_data)
        if quota is not None:
            messages.success(
                request, _("已为%(union)s分配%(n)d个名额") % {"union": quota.union.name, "n": quota.seats}
            )
            return redirect("homes:event_detail", pk=event.pk)
    return _event_page(request, event, quota_form=form)


@login_required
@require_POST
def event_register(request, pk):
    scope_of(request.user).require("events.manage")
    event = _event_or_404(request.user, pk)
    form = MemberKeyForm(request.POST)
    if form.is_valid():
        person = person_by_key(root=event.organiser, key=form.cleaned_data["person"])
        if person is None:
            form.add_error(None, not_registrable_error(event.organiser))
        else:
            registration = run_service(
                form, services.registration_create, event=event, person=person, by=request.user
            )
            if registration is not None:
                text = (
                    _("%(name)s已报名")
                    if registration.status == EventRegistration.Status.CONFIRMED
                    else _("名额已满，%(name)s已进入候补名单")
                )
                messages.success(request, text % {"name": person.name})
                return redirect("homes:event_detail", pk=event.pk)
    return _event_page(request, event, register_form=form)


@login_required
@require_POST
def registration_cancel(request, pk, registration_pk):
    event = _event_or_404(request.user, pk)
    registration = get_or_404(
        EventRegistration.objects.visible_to(request.user).filter(event=event).select_related("person"),
        pk=registration_pk,
    )
    form = CancelForm(request.POST)
    if form.is_valid():
        promoted = run_service(
            form,
            services.registration_cancel,
            registration=registration,
            by=request.user,
            **form.cleaned_data,
        )
        if not form.errors:
            messages.success(request, _("已取消%(name)s的报名") % {"name": registration.person.name})
            if promoted is not None:
                messages.success(
                    request, _("%(name)s已由候补递补为正式报名") % {"name": promoted.person.name}
                )
            return redirect("homes:event_detail", pk=event.pk)
    return _event_page(request, event, cancel_form=form)


@login_required
def event_checkin(request, pk):
    """The door: search by name or pinyin initials, one tap checks a person in (phone-first)."""
    scope_of(request.user).require("events.checkin")
    event = _event_or_404(request.user, pk)
    search = CheckInSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration = (
            EventRegistration.objects.writable_by(request.user)
            .filter(event=event, person_id=form.cleaned_data["person"])
            .select_related("person")
            .first()
        )
        person = registration.person if registration else None
        if person is None:
            form.add_error(None, _("该人员未报名本次活动，不能签到"))
        elif run_service(form, services.checkin_create, event=event, person=person, by=request.user):
            messages.success(request, _("%(name)s签到成功") % {"name": person.name})
            return redirect(reverse("homes:event_checkin", args=[event.pk]))
    return render(
        request,
        "homes/event_checkin.html",
        {
            "event": event,
            "search": search,
            "q": q,
            "form": form,
            "results": selectors.checkin_search(event, request.user, q),
            "counts": selectors.checkin_counts(event, request.user),
        },
    )
