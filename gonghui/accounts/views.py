from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts import second_factor as sf
from gonghui.accounts.forms import EnrolmentForm, RoleForm, SecondFactorForm, UserSearchForm
from gonghui.accounts.models import User
from gonghui.accounts.passwords import must_change_password, password_set
from gonghui.accounts.services import account_unlock, role_set
from gonghui.core import keyset
from gonghui.core.audit import client_ip
from gonghui.core.qr import qr_svg
from gonghui.core.scope import NotInScope, get_or_404, scope_of


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")


@login_required
def second_factor(request):
    """The second step of a staff sign-in: a code from the authenticator (or a recovery code); on the
    first sign-in, enrolment with a QR code and ten recovery codes shown once."""
    user = request.user
    if not user.needs_second_factor or sf.is_verified(request.session):
        return redirect(_next(request))
    if sf.device_of(user) is None:
        return _enrol(request, user)
    return _verify(request, step_up=False)


def _verify(request, *, step_up: bool):
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        try:
            sf.second_factor_verify(
                user=request.user,
                code=form.cleaned_data["code"],
                ip=client_ip(request),
                session=request.session,
            )
        except sf.SecondFactorRefused as refused:
            form.add_error("code", refused.message)
        else:
            return redirect(_next(request))
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next(request), "step_up": step_up}
    )


def _enrol(request, user):
    device = sf.enrolment_device(user)
    form = EnrolmentForm(request.POST or None)
    if form.is_valid():
        try:
            codes = sf.enrolment_confirm(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request), session=request.session
            )
        except sf.SecondFactorRefused as refused:
            form.add_error("code", refused.message)
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": qr_svg(device.config_url),
            "secret": sf.secret_of(device),
            "next": _next(request),
        },
    )


@login_required
def step_up(request):
    """A fresh second factor before a bulk release of personal data (STEP_UP_WINDOW)."""
    if sf.device_of(request.user) is None:
        raise NotInScope
    return _verify(request, step_up=True)


@login_required
def recovery_codes(request):
    """Ten new recovery codes for one's own second factor, after a fresh one (the step-up page):
    the page says how many are left; its button voids them all and shows the new ones once."""
    user = request.user
    if sf.device_of(user) is None:
        raise NotInScope
    step_up_url = f"{reverse('accounts:step_up')}?{urlencode({'next': request.path})}"
    if request.method != "POST":
        if not sf.is_fresh(request.session):
            return redirect(step_up_url)
        return render(request, "accounts/recovery_codes_new.html", {"left": sf.recovery_codes_left(user)})
    try:
        codes = sf.recovery_codes_regenerate(user=user, session=request.session, ip=client_ip(request))
    except sf.StepUpRequired:
        return redirect(step_up_url)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("core:home"), "renewed": True},
    )


@login_required
def password_change(request):
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if form.is_valid():
        try:
            password_set(user=user, password=form.cleaned_data["new_password1"], by=user)
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            update_session_auth_hash(request, user)  # this session goes on; every other one ends
            messages.success(request, _("密码已修改，其他设备上的登录已全部退出。"))
            return redirect(_next(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "must_change": must_change_password(user), "next": _next(request)},
    )


# The security administrator's pages: roles, second factors, unlocks.


@login_required
def security_users(request):
    scope_of(request.user).require("security.manage")
    form = UserSearchForm(request.GET or None)
    users = User.objects.select_related("organisation").order_by("username")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q))
    page = keyset.page_of(request, users, ["username", "pk"], jump="")
    return render(request, "accounts/security_users.html", {"form": form, "page": page})


@login_required
def security_user(request, pk):
    scope_of(request.user).require("security.manage")
    target = get_or_404(User.objects.select_related("organisation"), pk=pk)
    form = RoleForm(
        request.POST or None,
        initial={
            "role": target.role,
            "organisation": target.organisation.code if target.organisation_id else "",
        },
    )
    if form.is_valid():
        try:
            role_set(
                user=target,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已变更%(user)s的角色。") % {"user": target.username})
            return redirect("accounts:security_user", pk=target.pk)
    return render(
        request,
        "accounts/security_user.html",
        {
            "target": target,
            "form": form,
            "enrolled": sf.device_of(target) is not None,
            "recovery_codes_left": sf.recovery_codes_left(target),
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_POST
@login_required
def security_reset(request, pk):
    scope_of(request.user).require("security.manage")
    target = get_or_404(User.objects.all(), pk=pk)
    try:
        sf.second_factor_reset(user=target, by=request.user)
    except sf.SecondFactorRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("已重置%(user)s的动态验证码，其下次登录时须重新绑定。") % {"user": target.username}
        )
    return redirect("accounts:security_user", pk=target.pk)


@require_POST
@login_required
def security_unlock(request, pk):
    scope_of(request.user).require("security.manage")
    target = get_or_404(User.objects.all(), pk=pk)
    try:
        failures = account_unlock(user=target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("已解除%(user)s的登录锁定（清除%(n)d次失败记录）。") % {"user": target.username, "n": failures},
        )
    return redirect("accounts:security_user", pk=target.pk)
