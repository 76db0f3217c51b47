from django.urls import path

from gonghui.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("officers/<int:pk>/stand-down/", views.officer_stand_down, name="officer_stand_down"),
    path("<str:code>/officers/new/", views.officer_appoint, name="officer_appoint"),
    path("<str:code>/", views.organisation_detail, name="organisation_detail"),
]
