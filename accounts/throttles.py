"""API throttles, and the same per-address limit for the login, sign-up and calculator pages. Rates come from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], read at each request so that a deployment's settings (and a test's
override_settings) take effect. The address is the one django-axes sees (its proxy settings), so lock-outs and
rate limits agree on who a client is."""

import logging
from functools import wraps

from axes.helpers import get_client_ip_address
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 — the cache is down: serve the request (lock-outs live in the database)
            logger.warning("Rate limit %s not checked: the cache does not answer", self.scope, exc_info=True)
            return True

    def get_ident(self, request):
        return get_client_ip_address(getattr(request, "_request", request)) or ""


class AnonThrottle(RatesFromSettings, AnonRateThrottle):
    """Calls without a login, per address ("anon")."""


class UserThrottle(RatesFromSettings, UserRateThrottle):
    """Calls with a login, per user ("user"); without one the anonymous rate applies instead."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class AddressThrottle(RatesFromSettings, SimpleRateThrottle):
    """Per address, whoever is logged in, for the rate named `scope` ("login", "signup", "quote")."""

    def __init__(self, scope: str | None = None):
        if scope is not None:
            self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(AddressThrottle):
    scope = "login"


class SignupThrottle(AddressThrottle):
    scope = "signup"


def address_limited(scope: str, *, applies=lambda request: request.method == "POST"):
    """A page view limited to the `scope` rate per address, for the requests `applies` picks (POSTs by default);
    over the rate, a 429 page that says when to try again."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if applies(request):
                throttle = AddressThrottle(scope)
                if not throttle.allow_request(request, None):
                    wait = int(throttle.wait() or 60)
                    response = render(
                        request,
                        "accounts/too_many_requests.html",
                        {"minutes": max(1, (wait + 59) // 60)},
                        status=429,
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
