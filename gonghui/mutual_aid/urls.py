from django.urls import path

from gonghui.mutual_aid import views

app_name = "mutual_aid"
urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/move/", views.claim_move, name="claim_move"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim_pay"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("enrolments/", views.batch_list, name="batch_list"),
    path("enrolments/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("ledger/", views.ledger, name="ledger"),
    path("mine/", views.mine, name="mine"),
]
