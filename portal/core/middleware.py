from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the person chose another language with the switch (the language cookie).

    The browser's Accept-Language is ignored on purpose: a bureau's pages read the same on every office PC.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """A NUL character in a query string or form is never meant: refuse it with a clear 400 before any view
    (PostgreSQL cannot store or compare it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = list(request.GET.lists())
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            params += list(request.POST.lists())
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in params):
            message = translation.gettext("The request contains a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "invalid", "message": message, "fields": {}}}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def content_security_policy(overrides=None) -> str:
    """The Content-Security-Policy header text of settings.CONTENT_SECURITY_POLICY ({directive: [sources]}),
    with `overrides` replacing whole directives (a page that needs more, such as the API reference)."""
    directives = {**settings.CONTENT_SECURITY_POLICY, **(overrides or {})}
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Every response carries the Content-Security-Policy and Permissions-Policy of the settings, in every
    environment, so the browser tests run under the policy production serves. A response that already names
    its own policy keeps it; PDFs get none (a policy can stop the browser's PDF viewer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("application/pdf"):
            return response
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy()
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = ", ".join(
                f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PERMISSIONS_POLICY.items()
            )
        return response
