from django.urls import path

from gonghui.selfservice import api

urlpatterns = [
    path("activation", api.ActivateView.as_view(), name="activation"),
    path("me", api.MeView.as_view(), name="me"),
    path("me/card", api.CardView.as_view(), name="me-card"),
    path("cards/verify", api.CardVerifyView.as_view(), name="card-verify"),
    path("cards/public-key", api.PublicKeyView.as_view(), name="card-public-key"),
    path("people/<int:pk>/activation-code/", api.ActivationCodeView.as_view(), name="person-activation-code"),
]
