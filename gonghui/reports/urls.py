from django.urls import path

from gonghui.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.kpis, name="kpis"),
    path("download/", views.download, name="download"),
    path("rows/<slug:key>/", views.rows, name="rows"),
    path("rows/<slug:key>/download/", views.rows_download, name="rows_download"),
    path("charts/<str:key>.svg", views.chart, name="chart"),
]
