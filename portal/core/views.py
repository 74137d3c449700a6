from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from programs.access import programs_for_user


@login_required
def home(request):
    """Straight to the last program used, or the only one; otherwise the chooser."""
    programs = list(programs_for_user(user=request.user))
    slugs = [program.slug for program in programs]
    last = request.session.get("last_program")
    if last in slugs:
        return redirect("programs:dashboard", program=last)
    if len(programs) == 1:
        return redirect("programs:dashboard", program=slugs[0])
    return render(request, "core/program_chooser.html", {"programs": programs})


@login_required
def program_chooser(request):
    return render(request, "core/program_chooser.html", {"programs": list(programs_for_user(user=request.user))})


# Error pages never echo the requested path back (the language switch returns home instead).
ERROR_CONTEXT = {"language_next": "/"}


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "errors/400.html", ERROR_CONTEXT, status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {**ERROR_CONTEXT, "message": message}, status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", ERROR_CONTEXT, status=404)


@requires_csrf_token
def server_error(request):
    # No request context: the page must render even when the database is what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))
