from django.urls import path

from gonghui.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/register/", views.activity_register, name="activity_register"),
    path("<int:pk>/attendance/", views.activity_attendance, name="activity_attendance"),
    path("<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("welfare/", views.welfare_list, name="welfare_list"),
    path("welfare/new/", views.welfare_create, name="welfare_create"),
    path("welfare/<int:pk>/", views.welfare_detail, name="welfare_detail"),
    path("welfare/<int:pk>/recipients/", views.welfare_add_recipient, name="welfare_add_recipient"),
    path("welfare/<int:pk>/recipients/all/", views.welfare_add_all_members, name="welfare_add_all_members"),
    path(
        "welfare/<int:pk>/recipients/<int:recipient_pk>/remove/",
        views.welfare_remove_recipient,
        name="welfare_remove_recipient",
    ),
    path("welfare/<int:pk>/sign-off/", views.welfare_sign_off, name="welfare_sign_off"),
]
