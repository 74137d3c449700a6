"""A program's members (the bureau admin's page): who holds which role, granting and revoking roles, and a login
made for a person of a participating organisation with its set-password link."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.onboarding import password_set_path
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs import forms, selectors, services
from programs.web import paginate, program_view, render_page


@program_view(Capability.VIEW_MEMBERS)
def members(request, access):
    show_revoked = request.GET.get("revoked") == "1"
    rows = selectors.role_assignment_list(access=access, include_revoked=show_revoked)
    return render_page(
        request,
        access,
        "accounts/members.html",
        {
            "page": paginate(request, rows),
            "show_revoked": show_revoked,
        },
    )


@program_view(Capability.MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def member_grant(request, access):
    form = forms.RoleGrantForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(
                access=access,
                program=access.program,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("members:list", program=access.program.slug)
    return render_page(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Grant a role"),
            "back_url": "members:list",
        },
    )


@program_view(Capability.MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def member_onboard(request, access):
    """A login for a person of an organisation taking part in the program, with its first role; the answer shows
    the set-password link once (it is not stored, and not put in a message that a reload would show again)."""
    form = forms.MemberOnboardForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.member_onboard(
                access=access,
                organisation=data["organisation"],
                role=data["role"],
                username=data["username"],
                display_name=data["display_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            response = render_page(
                request,
                access,
                "accounts/member_onboarded.html",
                {
                    "assignment": assignment,
                    "set_password_url": request.build_absolute_uri(password_set_path(assignment.user)),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return render_page(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Create a login"),
            "back_url": "members:list",
        },
    )


@program_view(Capability.MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def member_revoke(request, access, assignment):
    instance = get_or_404(selectors.role_assignment_list(access=access), assignment)
    form = forms.RoleRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_revoke(access=access, assignment=instance, reason=form.cleaned_data["reason"])
        except PortalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Role revoked."))
            return redirect("members:list", program=access.program.slug)
    return render_page(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Revoke role: %(assignment)s") % {"assignment": instance},
            "back_url": "members:list",
            "danger": True,
        },
    )
