"""What every program-scoped page stands on: the view decorator that resolves the program for the user, the page
renderer that hands the template its program and access, and the one page size of lists."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from portal.core.errors import NotAllowed
from portal.core.roles import Capability
from programs.access import program_access

PAGE_SIZE = 50


def program_view(capability=Capability.VIEW_PROGRAM):
    """Resolve the program from the URL for the logged-in user (404 without a role) and require `capability`."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, program, *args, **kwargs):
            access = program_access(user=request.user, slug=program)
            try:
                access.require(capability)
                if request.session.get("last_program") != access.program.slug:
                    request.session["last_program"] = access.program.slug
                return view(request, access, *args, **kwargs)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error

        return wrapper

    return decorator


def render_page(request, access, template, context=None):
    """Render a program page: the template gets `access` and `program` besides `context`."""
    return render(request, template, {"access": access, "program": access.program, **(context or {})})


def paginate(request, queryset, per_page=None):
    """The `?page=` page of `queryset`, `PAGE_SIZE` rows a page unless the list says otherwise."""
    return Paginator(queryset, per_page or PAGE_SIZE).get_page(request.GET.get("page"))
