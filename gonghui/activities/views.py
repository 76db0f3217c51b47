from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.activities import selectors, services
from gonghui.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    AttendanceForm,
    CancelForm,
    MemberKeyForm,
    RecipientForm,
    SignOffForm,
    WelfareForm,
    YearFilterForm,
)
from gonghui.activities.models import Activity, WelfareDistribution
from gonghui.core import keyset
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404, scope_of
from gonghui.orgs.models import Organisation
from gonghui.orgs.selectors import managed_unions


def _filters(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


# --- activities ---


@login_required
def activity_list(request):
    scope_of(request.user).require("activities.manage")
    form = ActivityFilterForm(request.GET or None)
    page = keyset.page_of(
        request, selectors.activity_list(request.user, **_filters(form)), ["-held_on", "-pk"]
    )
    return render(request, "activities/activity_list.html", {"form": form, "page": page})


@login_required
def activity_create(request):
    organisers = Organisation.objects.writable_by(request.user).filter(dissolved_on__isnull=True)
    if not organisers.exists():
        raise Http404
    form = ActivityForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        activity = run_service(form, services.activity_create, by=request.user, **form.cleaned_data)
        if activity is not None:
            messages.success(request, _("已登记活动：%(title)s") % {"title": activity.title})
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form})


def _activity_or_404(user, pk):
    return get_or_404(Activity.objects.visible_to(user).select_related("organiser"), pk=pk)


def _activity_page(request, activity, *, register_form=None, attendance_form=None, cancel_form=None):
    registrations = list(selectors.registrations_of(activity))
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "registrations": registrations,
            "present": sum(r.attended for r in registrations),
            "register_form": register_form or MemberKeyForm(),
            "attendance_form": attendance_form or AttendanceForm(registrations=registrations),
            "cancel_form": cancel_form or CancelForm(),
        },
    )


@login_required
def activity_detail(request, pk):
    return _activity_page(request, _activity_or_404(request.user, pk))


@login_required
@require_POST
def activity_register(request, pk):
    activity = _activity_or_404(request.user, pk)
    form = MemberKeyForm(request.POST)
    if form.is_valid():
        person = selectors.person_by_key(root=activity.organiser, key=form.cleaned_data["person"])
        if person is None:
            form.add_error(None, services.not_registrable_error(activity.organiser))
        elif run_service(form, services.activity_register, activity=activity, person=person, by=request.user):
            messages.success(request, _("%(name)s已报名") % {"name": person.name})
            return redirect("activities:activity_detail", pk=activity.pk)
    return _activity_page(request, activity, register_form=form)


@login_required
@require_POST
def activity_attendance(request, pk):
    activity = _activity_or_404(request.user, pk)
    form = AttendanceForm(request.POST, registrations=selectors.registrations_of(activity))
    if form.is_valid() and run_service(
        form, services.activity_record_attendance, activity=activity, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("已记录签到：%(n)d人参加") % {"n": len(form.cleaned_data["attended"])})
        return redirect("activities:activity_detail", pk=activity.pk)
    return _activity_page(request, activity, attendance_form=form)


@login_required
@require_POST
def activity_cancel(request, pk):
    activity = _activity_or_404(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid() and run_service(
        form, services.activity_cancel, activity=activity, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("活动已取消"))
        return redirect("activities:activity_detail", pk=activity.pk)
    return _activity_page(request, activity, cancel_form=form)


# --- welfare distributions ---


def _welfare_unions_or_404(user):
    unions = managed_unions(user)
    if not unions.exists():
        raise Http404
    return unions


@login_required
def welfare_list(request):
    scope_of(request.user).require("activities.manage")
    form = YearFilterForm(request.GET or None)
    page = keyset.page_of(
        request, selectors.welfare_list(request.user, **_filters(form)), ["-distributed_on", "-pk"]
    )
    return render(request, "activities/welfare_list.html", {"form": form, "page": page})


@login_required
def welfare_create(request):
    form = WelfareForm(request.POST or None, unions=_welfare_unions_or_404(request.user))
    if request.method == "POST" and form.is_valid():
        distribution = run_service(form, services.welfare_create, by=request.user, **form.cleaned_data)
        if distribution is not None:
            messages.success(request, _("已登记福利发放：%(title)s") % {"title": distribution.title})
            return redirect("activities:welfare_detail", pk=distribution.pk)
    return render(request, "activities/welfare_form.html", {"form": form})


def _distribution_or_404(user, pk):
    return get_or_404(
        WelfareDistribution.objects.visible_to(user).select_related("union", "created_by", "signed_off_by"),
        pk=pk,
    )


def _welfare_page(request, distribution, *, recipient_form=None, sign_off_form=None):
    return render(
        request,
        "activities/welfare_detail.html",
        {
            "distribution": distribution,
            "recipients": selectors.recipients_of(distribution),
            "totals": selectors.welfare_totals(distribution),
            "recipient_form": recipient_form or RecipientForm(),
            "sign_off_form": sign_off_form or SignOffForm(),
            "may_sign_off": distribution.is_draft and distribution.created_by_id != request.user.pk,
        },
    )


@login_required
def welfare_detail(request, pk):
    return _welfare_page(request, _distribution_or_404(request.user, pk))


@login_required
@require_POST
def welfare_add_recipient(request, pk):
    distribution = _distribution_or_404(request.user, pk)
    form = RecipientForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        person = selectors.person_by_key(root=distribution.union, key=data["person"])
        if person is None:
            form.add_error(None, services.not_a_member_error(distribution.union))
        elif run_service(
            form,
            services.welfare_add_recipient,
            distribution=distribution,
            person=person,
            by=request.user,
            item=data["item"],
            amount=data["amount"],
        ):
            messages.success(request, _("已登记%(name)s领取") % {"name": person.name})
            return redirect("activities:welfare_detail", pk=distribution.pk)
    return _welfare_page(request, distribution, recipient_form=form)


@login_required
@require_POST
def welfare_add_all_members(request, pk):
    distribution = _distribution_or_404(request.user, pk)
    form = RecipientForm()
    added = run_service(form, services.welfare_add_all_members, distribution=distribution, by=request.user)
    if added is None:
        return _welfare_page(request, distribution, recipient_form=form)
    messages.success(request, _("已将%(n)d名在册会员加入领取名单") % {"n": added})
    return redirect("activities:welfare_detail", pk=distribution.pk)


@login_required
@require_POST
def welfare_remove_recipient(request, pk, recipient_pk):
    distribution = _distribution_or_404(request.user, pk)
    recipient = get_or_404(distribution.recipients.select_related("person"), pk=recipient_pk)
    form = RecipientForm()
    if run_service(form, services.welfare_remove_recipient, recipient=recipient, by=request.user) is None:
        return _welfare_page(request, distribution, recipient_form=form)
    messages.success(request, _("已将%(name)s从领取名单中移除") % {"name": recipient.person.name})
    return redirect("activities:welfare_detail", pk=distribution.pk)


@login_required
@require_POST
def welfare_sign_off(request, pk):
    distribution = _distribution_or_404(request.user, pk)
    form = SignOffForm(request.POST)
    if run_service(form, services.welfare_sign_off, distribution=distribution, by=request.user) is None:
        return _welfare_page(request, distribution, sign_off_form=form)
    messages.success(request, _("已签批，领取名单不能再修改"))
    return redirect("activities:welfare_detail", pk=distribution.pk)
