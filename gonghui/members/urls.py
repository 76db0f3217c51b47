from django.urls import path

from gonghui.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("join/", views.join, name="join"),
    path("me/", views.me, name="me"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/reveal-id/", views.reveal_id, name="reveal_id"),
    path("memberships/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("memberships/<int:pk>/leave/", views.leave, name="leave"),
]
