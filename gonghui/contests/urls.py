from django.urls import path

from gonghui.contests import views

app_name = "contests"
urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("new/", views.contest_create, name="contest_create"),
    path("mine/", views.my_contests, name="mine"),
    path("<int:pk>/", views.contest_detail, name="contest_detail"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/scheme/", views.event_scheme, name="event_scheme"),
    path("events/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("events/<int:pk>/judges/", views.judges, name="judges"),
    path("events/<int:pk>/score/", views.score_list, name="score_list"),
    path("events/<int:pk>/score/<int:registration_pk>/", views.score_sheet, name="score_sheet"),
    path("events/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("events/<int:pk>/lock/", views.lock, name="lock"),
    path("events/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("events/<int:pk>/publish/", views.publish, name="publish"),
    path("events/<int:pk>/audit.pdf", views.audit_sheet, name="audit_sheet"),
]
