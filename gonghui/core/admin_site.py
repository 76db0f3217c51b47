from gonghui.core.scoping import is_platform_admin


def restrict_admin_to_platform_admins(site) -> None:
    """Django's admin is the platform admins' tool only; it never stands in for a scoped page."""
    site.has_permission = lambda request: is_platform_admin(request.user)
    site.site_header = site.site_title = "gonghui 平台管理"
