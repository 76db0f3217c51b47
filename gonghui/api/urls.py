from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from gonghui.api import errors, pages, rights, skills, views, work

app_name = "api"

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("rosters/jobs", work.ImportJobViewSet, basename="import-job")
router.register("academy/courses", skills.CourseViewSet, basename="course")
router.register("academy/classes", skills.ClassViewSet, basename="class")
router.register("academy/enrolments", skills.EnrolmentViewSet, basename="enrolment")
router.register("contests/events", skills.ContestEventViewSet, basename="contest-event")
router.register("contests/registrations", skills.RegistrationViewSet, basename="contest-registration")
router.register("contests/scores", skills.ScoreViewSet, basename="score")
router.register("contests", skills.ContestViewSet, basename="contest")
router.register("honours/nominations", skills.NominationViewSet, basename="nomination")
router.register("mutual-aid/plans", rights.PlanViewSet, basename="aid-plan")
router.register("mutual-aid/enrolments", rights.BatchViewSet, basename="aid-enrolment")
router.register("mutual-aid/claims", rights.ClaimViewSet, basename="claim")
router.register("legal/consultations", rights.ConsultationViewSet, basename="consultation")
router.register("legal/aid-cases", rights.AidCaseViewSet, basename="aid-case")
router.register("legal/disputes", rights.DisputeViewSet, basename="dispute")
router.register("events/registrations", work.EventRegistrationViewSet, basename="event-registration")
router.register("events", work.EventViewSet, basename="event")

urlpatterns = [
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("v1/docs/", pages.docs, name="docs"),
    path("v1/kpis", views.KpiView.as_view(), name="kpis"),
    path(
        "v1/academy/certificates/verify/<str:token>",
        skills.CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
    path("tokens/", pages.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("v1/", include("gonghui.selfservice.api_urls")),
    path("v1/", include(router.urls)),
    re_path(r"^(?P<rest>[\s\S]*)$", errors.not_found, name="not_found"),  # a newline in the path too
]
