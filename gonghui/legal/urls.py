from django.urls import path

from gonghui.legal import views

app_name = "legal"
urlpatterns = [
    path("lawyers/", views.lawyer_list, name="lawyer_list"),
    path("lawyers/new/", views.lawyer_create, name="lawyer_create"),
]
for prefix, kind in (("consultations", "consultation"), ("aid", "aid"), ("disputes", "dispute")):
    urlpatterns += [
        path(f"{prefix}/", views.case_list, {"kind": kind}, name=f"{kind}_list"),
        path(f"{prefix}/new/", views.case_create, {"kind": kind}, name=f"{kind}_create"),
        path(f"{prefix}/<int:pk>/", views.case_detail, {"kind": kind}, name=f"{kind}_detail"),
    ]
    if kind != "consultation":
        urlpatterns.append(
            path(
                f"{prefix}/<int:pk>/documents/",
                views.case_document_add,
                {"kind": kind},
                name=f"{kind}_document_add",
            )
        )
    urlpatterns.append(
        path(f"{prefix}/<int:pk>/<str:action>/", views.case_advance, {"kind": kind}, name=f"{kind}_advance")
    )
urlpatterns += [
    path("disputes/<int:pk>/letter.pdf", views.dispute_letter, name="dispute_letter"),
    path("mine/", views.mine, name="mine"),
    path("mine/ask/", views.ask, name="ask"),
]
