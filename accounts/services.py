"""Creating logins from the public sign-up pages (enterprises and providers)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.core.errors import PortalError


def account_check(account: dict):
    """An unsaved user for `account` (username, display_name, email, phone, password), refused when the
    username is taken or the password too weak. Nothing is written."""
    User = get_user_model()
    if User.objects.filter(username=account["username"]).exists():
        raise PortalError(_("This username is taken."), fields={"username": [_("Taken.")]})
    user = User(
        username=account["username"],
        display_name=account.get("display_name", ""),
        email=account.get("email", ""),
        phone=account.get("phone", ""),
    )
    try:
        validate_password(account["password"], user)
    except ValidationError as error:
        raise PortalError(" ".join(error.messages), fields={"password": error.messages}) from error
    return user


def account_create(user, *, password: str, organisation):
    """Save the user `account_check` prepared, acting for `organisation`; it holds no role yet."""
    user.organisation = organisation
    user.set_password(password)
    user._history_user = None
    user.save()
    return user
