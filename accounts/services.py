"""Creating logins from the public sign-up pages (enterprises and providers); issuing and revoking API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import ApiToken, LockLift
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Capability
from portal.core.services import record_save

LAST_USED_GRANULARITY = timedelta(minutes=1)


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


def api_token_lifetime(user) -> timedelta:
    """How long a token issued to `user` lasts: the shortest `api_token_days` of the programs where the user holds a
    role, or the platform's API_TOKEN_DAYS for a user with none."""
    from programs.access import programs_for_user

    days = programs_for_user(user=user).aggregate(days=Min("api_token_days"))["days"]
    return timedelta(days=days or settings.API_TOKEN_DAYS)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user` (each login makes another), and its key, which is not kept and cannot be shown
    again. The token expires after `api_token_lifetime(user)`."""
    if not user.is_active:
        raise NotAllowed(_("This account is disabled."))
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip(),
        key_hash=_hash(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + api_token_lifetime(user),
        password_hash_mac=user.get_session_auth_hash(),
    )
    record_save(token, acting_user=user, reason=_("Token issued"))
    return token, key


def api_token_for_key(key: str) -> ApiToken | None:
    """The usable (unrevoked, unexpired) token with this key and an active user whose password has not changed
    since it was issued, or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    if not constant_time_compare(token.password_hash_mac, token.user.get_session_auth_hash()):
        return None
    return token


def api_token_touch(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (not a change worth a history row)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_token_revoke(*, token: ApiToken, acting_user, reason: str) -> ApiToken:
    """Revoke `token`; who may (its owner, a bureau admin of the owner's program) is the caller's check. Revoking
    a token already revoked or expired is refused as a conflict."""
    reason = reason.strip()
    if not reason:
        raise PortalError(_("Give the reason for revoking the token."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not locked.is_usable():
            raise Conflict(_("This token is already revoked or expired."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.revoke_reason = reason[:200]
        record_save(locked, acting_user=acting_user, reason=reason)
    return locked


def api_tokens_revoke_all(*, user, acting_user, reason: str) -> int:
    """Revoke every usable token of `user` (on a password change, a role's revocation); returns how many."""
    count = 0
    with transaction.atomic():
        for token in ApiToken.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ):
            token.revoked_at = timezone.now()
            token.revoked_by = acting_user
            token.revoke_reason = str(reason)[:200]
            record_save(token, acting_user=acting_user, reason=reason)
            count += 1
    return count


def password_changed(*, user) -> int:
    """After `user` changed the password: their API tokens stop working. Returns how many were revoked."""
    return api_tokens_revoke_all(user=user, acting_user=user, reason=_("Password changed"))


def login_lock_lift(*, access, username: str, ip_address: str | None, reason: str) -> LockLift:
    """Lift the lock of a program member's username at `ip_address` (a bureau admin, for its own program's
    members only). Axes forgets the failures; the lift is recorded with who, when and why."""
    from axes.models import AccessAttempt

    from accounts.selectors import login_lock_list

    access.require(Capability.MANAGE_ROLES)
    reason = reason.strip()
    if not reason:
        raise PortalError(_("Give the reason for lifting the lock."), fields={"reason": [_("Required.")]})
    lock = next(
        (
            row
            for row in login_lock_list(access=access)
            if (row["username"], row["ip_address"]) == (username, ip_address)
        ),
        None,
    )
    if lock is None:
        raise Http404(_("No such lock on a member of this program."))
    with transaction.atomic():
        lift = LockLift(
            program=access.program,
            username=username,
            ip_address=ip_address,
            failures=lock["failures"],
            lifted_by=access.user,
            reason=reason[:200],
        )
        record_save(lift, acting_user=access.user, reason=reason)
        AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
    return lift
