from django.urls import path

from gonghui.academy import views

app_name = "academy"
urlpatterns = [
    path("academy/", views.course_list, name="course_list"),
    path("academy/partners/", views.partner_list, name="partner_list"),
    path("academy/courses/new/", views.course_create, name="course_create"),
    path("academy/courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("academy/courses/<int:pk>/classes/new/", views.class_create, name="class_create"),
    path("academy/classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("academy/classes/<int:pk>/enrol/", views.class_enrol, name="class_enrol"),
    path("academy/classes/<int:pk>/sessions/", views.session_add, name="session_add"),
    path("academy/classes/<int:pk>/publish/", views.class_publish, name="class_publish"),
    path("academy/classes/<int:pk>/completion/", views.class_completion, name="class_completion"),
    path("academy/enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("academy/sessions/<int:pk>/", views.session_attendance, name="session_attendance"),
    path("academy/certificates/", views.certificate_list, name="certificate_list"),
    path("academy/certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("academy/certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("academy/certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("verify/<str:token>", views.verify, name="verify"),
]
