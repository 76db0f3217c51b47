from django.contrib.auth import views as auth_views
from django.urls import path

from gonghui.accounts import views
from gonghui.accounts.forms import SignInForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("step-up/", views.step_up, name="step_up"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("password/", views.password_change, name="password_change"),
    path("security/users/", views.security_users, name="security_users"),
    path("security/users/<int:pk>/", views.security_user, name="security_user"),
    path("security/users/<int:pk>/reset-second-factor/", views.security_reset, name="security_reset"),
    path("security/users/<int:pk>/unlock/", views.security_unlock, name="security_unlock"),
]
