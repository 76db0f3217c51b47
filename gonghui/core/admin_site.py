from functools import wraps

from gonghui.core.audit import audit_record
from gonghui.core.scope import scope_of


def restrict_admin_to_platform_admins(site) -> None:
    """Django's admin is the platform admins' tool only, and every page they open there is audited."""
    site.has_permission = lambda request: scope_of(request.user).everything
    site.site_header = site.site_title = "gonghui 平台管理"
    admin_view = site.admin_view

    def audited_admin_view(view, cacheable=False):
        @wraps(view)
        def inner(request, *args, **kwargs):
            if scope_of(request.user).everything:
                audit_record(
                    actor=request.user,
                    action="admin.access",
                    detail={"method": request.method, "path": request.path},
                )
            return view(request, *args, **kwargs)

        return admin_view(inner, cacheable)

    site.admin_view = audited_admin_view
