from functools import wraps

from gonghui.core.audit import audit_record
from gonghui.core.scope import scope_of


def _admits(request) -> bool:
    """The system administrator, signed in with the second factor (三权分立: the security and audit
    administrators have their own pages, not Django's admin)."""
    from gonghui.accounts.second_factor import is_verified

    return scope_of(request.user).everything and is_verified(request.session)


def restrict_admin_to_platform_admins(site) -> None:
    """Django's admin is the system administrator's tool only, behind the second factor; every page
    opened there is audited. Second factors are the security administrator's: not in this admin."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.has_permission = _admits
    site.site_header = site.site_title = "gonghui 平台管理"
    admin_view = site.admin_view

    def audited_admin_view(view, cacheable=False):
        @wraps(view)
        def inner(request, *args, **kwargs):
            if _admits(request):
                audit_record(
                    actor=request.user,
                    action="admin.access",
                    detail={"method": request.method, "path": request.path},
                )
            return view(request, *args, **kwargs)

        return admin_view(inner, cacheable)

    site.admin_view = audited_admin_view
