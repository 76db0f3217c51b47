from django.urls import path

from gonghui.coverage import views

app_name = "coverage"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/export.xlsx", views.campaign_export, name="campaign_export"),
    path("campaigns/<int:pk>/refresh/", views.campaign_refresh, name="campaign_refresh"),
    path("targets/<int:pk>/assign/", views.target_assign, name="target_assign"),
    path("enterprises/<int:enterprise_pk>/founding/", views.founding_start, name="founding_start"),
    path("enterprises/<int:enterprise_pk>/visits/new/", views.visit_add, name="visit_add"),
    path("foundings/<int:pk>/", views.founding_detail, name="founding_detail"),
    path("foundings/<int:pk>/step/", views.founding_step, name="founding_step"),
    path("foundings/<int:pk>/drop/", views.founding_drop, name="founding_drop"),
    path("foundings/<int:pk>/recruits/new/", views.recruit_add, name="recruit_add"),
    path("documents/<int:pk>/", views.document_download, name="document"),
]
