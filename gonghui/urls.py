from django.contrib import admin
from django.urls import include, path

from gonghui.core.admin_site import restrict_admin_to_platform_admins

restrict_admin_to_platform_admins(admin.site)

urlpatterns = [
    path("", include("gonghui.core.urls")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/", include("gonghui.members.urls")),
    path("activities/", include("gonghui.activities.urls")),
    path("reports/", include("gonghui.reports.urls")),
    path("coverage/", include("gonghui.coverage.urls")),
    path("rosters/", include("gonghui.rosters.urls")),
    path("api/", include("gonghui.api.urls")),
    path("homes/", include("gonghui.homes.urls")),
    path("contests/", include("gonghui.contests.urls")),
    path("", include("gonghui.academy.urls")),  # academy/… and the public verify/<token>
    path("legal/", include("gonghui.legal.urls")),
    path("mutual-aid/", include("gonghui.mutual_aid.urls")),
    path("", include("gonghui.honours.urls")),
    path("me/", include("gonghui.selfservice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "gonghui.ops.views.server_error"
