from django.urls import path

from gonghui.core import calendar_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/corrections/<int:pk>/remove/", calendar_views.calendar_remove, name="calendar_remove"),
    path("calendar/years/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
]
