"""Login lock-out on top of django-axes: failures count per (username, address), so that five wrong passwords
from an attacker's address lock the account there and not at its owner's desk; and the failures of one address
over all usernames count against a higher limit, so that spraying one password over many usernames is stopped.
The same handler serves the login page and the API's token endpoint."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def address_failures(ip_address, *, since) -> int:
    """Failed logins from `ip_address` since `since`, whatever the username."""
    if not ip_address:
        return 0
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address-wide limit added to its (username, address) limit."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        since = get_cool_off_threshold(request)
        return address_failures(request.axes_ip_address, since=since) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes marks a lock-out from its own count only; the address-wide one needs marking here too, so that the
        # refusal is the lock-out answer (429) and not "wrong password".
        if request is not None and not getattr(request, "axes_locked_out", False) and self.is_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lockout_response(request, original_response=None, credentials=None):
    """429 for a locked login: JSON in the API's error shape on /api/, the lock-out page otherwise."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    if request.path.startswith("/api/"):
        message = _("Too many failed logins: try again in %(minutes)s minutes.") % {"minutes": minutes}
        response = JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": cool_off,
        "minutes": minutes,
        "username": get_client_username(request, credentials) or "",
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
