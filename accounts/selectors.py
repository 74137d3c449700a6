"""Reads of API tokens and login locks: a user's own, and those of a program's members for its bureau admin."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from accounts.models import ApiToken
from portal.core.roles import Capability
from programs.access import active_assignments


def api_token_list_own(*, user):
    """The user's tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).select_related("revoked_by")


def program_member_ids(*, access):
    """Users holding a role in force in the access's program (the people its bureau admin looks after)."""
    return active_assignments().filter(program=access.program).values("user_id")


def api_token_list_for_program(*, access, include_inactive=False):
    """The tokens of the program's members, for whoever manages its roles; usable ones only unless asked."""
    access.require(Capability.MANAGE_ROLES)
    rows = ApiToken.objects.filter(user_id__in=program_member_ids(access=access)).select_related("user", "revoked_by")
    if not include_inactive:
        rows = rows.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return rows


def login_lock_list(*, access):
    """The program's members locked out of logging in: one row per (username, address) whose failures within the
    cool-off reach AXES_FAILURE_LIMIT, with the count and the last failure."""
    access.require(Capability.MANAGE_ROLES)
    usernames = active_assignments().filter(program=access.program).values("user__username")
    return (
        AccessAttempt.objects.filter(
            username__in=usernames, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username", "ip_address")
    )
