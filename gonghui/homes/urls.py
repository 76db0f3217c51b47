from django.urls import path

from gonghui.homes import views

app_name = "homes"
urlpatterns = [
    path("", views.home_list, name="home_list"),
    path("new/", views.home_create, name="home_create"),
    path("<int:pk>/", views.home_detail, name="home_detail"),
    path("<int:pk>/edit/", views.home_edit, name="home_edit"),
    path("<int:pk>/awards/", views.home_award, name="home_award"),
    path("<int:pk>/photos/", views.home_photo_add, name="home_photo_add"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/quotas/", views.quota_set, name="quota_set"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path(
        "events/<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("events/<int:pk>/check-in/", views.event_checkin, name="event_checkin"),
]
