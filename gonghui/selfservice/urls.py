from django.urls import path

from gonghui.selfservice import views

app_name = "selfservice"
urlpatterns = [
    path("", views.home, name="home"),
    path("activate/", views.activate, name="activate"),
    path("membership/", views.membership, name="membership"),
    path("card/", views.card, name="card"),
    path("training/", views.training, name="training"),
    path("training/classes/<int:pk>/enrol/", views.training_enrol, name="training_enrol"),
    path("training/enrolments/<int:pk>/cancel/", views.training_cancel, name="training_cancel"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/registrations/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("contests/", views.contest_list, name="contests"),
    path("contests/<int:pk>/register/", views.contest_register, name="contest_register"),
    path("welfare/", views.welfare, name="welfare"),
    path("mutual-aid/", views.mutual_aid, name="mutual_aid"),
    path("legal/", views.legal_help, name="legal"),
    path("talent/", views.talent, name="talent"),
    path("activation-code/<int:pk>/", views.activation_code, name="activation_code"),
    path("door/<int:pk>/", views.door, name="door"),
]
