from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

# Error pages never echo the requested path back (the language switch returns home instead).
ERROR_CONTEXT = {"language_next": "/"}


def _api_error(request, status, code, message):
    """Under /api/ an error answers in the API's one shape (portal.core.api), never as an HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"error": {"code": code, "message": str(message), "fields": {}}}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _api_error(request, 400, "bad_request", _("The request is not valid.")) or render(
        request, "errors/400.html", ERROR_CONTEXT, status=400
    )


@requires_csrf_token
def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return _api_error(request, 403, "permission_denied", message or _("You may not do this.")) or render(
        request, "errors/403.html", {**ERROR_CONTEXT, "message": message}, status=403
    )


@requires_csrf_token
def page_not_found(request, exception=None):
    return _api_error(request, 404, "not_found", _("Not found.")) or render(
        request, "errors/404.html", ERROR_CONTEXT, status=404
    )


@requires_csrf_token
def server_error(request):
    # No request context: the page must render even when the database is what failed.
    api = _api_error(request, 500, "server_error", _("Something went wrong on our side; it has been logged."))
    return api or HttpResponseServerError(loader.get_template("errors/500.html").render({}))
