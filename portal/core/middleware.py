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
