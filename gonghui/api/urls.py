from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from gonghui.api import errors, pages, views

app_name = "api"

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")

urlpatterns = [
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("v1/docs/", pages.docs, name="docs"),
    path("v1/kpis", views.KpiView.as_view(), name="kpis"),
    path("tokens/", pages.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("v1/", include("gonghui.selfservice.api_urls")),
    path("v1/", include(router.urls)),
    re_path(r"^(?P<rest>.*)$", errors.not_found, name="not_found"),
]
