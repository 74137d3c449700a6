"""The set-password link of a login a bureau admin created: shown once to the admin, who passes it on."""

from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetCompleteView, PasswordResetConfirmView
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def password_set_path(user) -> str:
    """The path where `user` chooses a password. Nothing is stored: the link is valid until the password is set
    (the token covers the password hash) or settings.PASSWORD_RESET_TIMEOUT passes."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password-set", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


class PasswordSetView(PasswordResetConfirmView):
    """The person's first password, through the link `password_set_path` made."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password-set-done")

    def render_to_response(self, context, **kwargs):
        # A used, expired or made-up link is gone: 404, with the page that says so.
        if not context.get("validlink"):
            kwargs["status"] = 404
        return super().render_to_response(context, **kwargs)


class PasswordSetDoneView(PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"
