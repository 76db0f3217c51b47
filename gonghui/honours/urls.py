from django.urls import path

from gonghui.honours import views

app_name = "honours"
urlpatterns = [
    path("honours/", views.round_list, name="round_list"),
    path("honours/rounds/new/", views.round_create, name="round_create"),
    path("honours/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("honours/rounds/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("honours/nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("honours/nominations/<int:pk>/advance/", views.nomination_advance, name="nomination_advance"),
    path("honours/objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("honours/objections/<int:pk>/seal/", views.objection_seal, name="objection_seal"),
    path("honours/notice/<int:pk>/", views.notice, name="notice"),
    path("honours/awards/", views.award_list, name="award_list"),
    path("honours/tally/", views.tally, name="tally"),
    path("honours/rules/", views.rule_list, name="rule_list"),
    path("talent/me/", views.talent_me, name="talent_me"),
    path("talent/<int:pk>/", views.talent, name="talent"),
    path("talent/<int:pk>/nominate/", views.talent_nominate, name="talent_nominate"),
]
