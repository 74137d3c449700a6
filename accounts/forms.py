from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is wrong. After %(limit)s failed attempts the account is locked for a while."
        ),
    }

    def get_invalid_login_error(self):
        from django.conf import settings
        from django.core.exceptions import ValidationError

        return ValidationError(
            self.error_messages["invalid_login"] % {"limit": settings.AXES_FAILURE_LIMIT},
            code="invalid_login",
        )


class AccountSignupForm(forms.Form):
    """The person's login on a public sign-up page; the organisation's fields come from the subclass."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=40,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        help_text=_("Letters, digits and _ . @ + - only."),
    )
    display_name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    ACCOUNT_FIELDS = ["username", "display_name", "phone", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisation first, then the person.
        self.order_fields([name for name in self.fields if name not in self.ACCOUNT_FIELDS] + self.ACCOUNT_FIELDS)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data

    def account(self) -> dict:
        data = self.cleaned_data
        return {
            "username": data["username"],
            "display_name": data["display_name"],
            "email": data["email"],
            "phone": data["phone"],
            "password": data["password1"],
        }


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, required=False, help_text=_("What the token is for, e.g. the script using it.")
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class LockLiftForm(ReasonForm):
    username = forms.CharField(widget=forms.HiddenInput, max_length=255)
    ip_address = forms.GenericIPAddressField(widget=forms.HiddenInput, required=False)
