from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import LoginForm
from accounts.onboarding import PasswordSetDoneView, PasswordSetView
from accounts.throttles import address_limited

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        address_limited("login")(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html",
                authentication_form=LoginForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    # A login a bureau admin created: its person chooses the first password through the link shown once.
    path(
        "password/set/<uidb64>/<token>/",
        PasswordSetView.as_view(),
        name="password-set",
    ),
    path("password/set/done/", PasswordSetDoneView.as_view(), name="password-set-done"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password-changed",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token>/revoke/", views.token_revoke, name="token-revoke"),
]
