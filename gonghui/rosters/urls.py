from django.urls import path

from gonghui.rosters import views

app_name = "rosters"
urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="confirm"),
    path("jobs/<int:pk>/report/", views.job_report, name="report"),
    path("template/", views.template_download, name="template"),
    path("export/", views.export, name="export"),
]
