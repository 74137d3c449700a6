"""Provider registration pages: the public sign-up form and the bureau's list of registrations to decide."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.api import signup_program
from enterprises.forms import SignupDecisionForm
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.web import paginate, program_view
from providers import forms, selectors
from providers.signup import provider_sign_up, provider_signup_decide


@require_http_methods(["GET", "POST"])
def provider_signup(request, program):
    """Public: a person registers its service provider for a published program."""
    target = signup_program(program)
    form = forms.ProviderSignupForm(request.POST or None, program=target)
    if request.method == "POST" and form.is_valid():
        try:
            provider_sign_up(program=target, account=form.account(), provider=form.provider())
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("Registered. The bureau checks your organisation before it enters the resource pool."),
            )
            return redirect("accounts:login")
    return render(request, "providers/signup.html", {"form": form, "target": target})


@program_view(Capability.MANAGE_POOL)
def signups(request, access):
    rows = selectors.provider_signups(access.program)
    return render(
        request,
        "providers/signups.html",
        {
            "access": access,
            "program": access.program,
            "page": paginate(request, rows),
        },
    )


@program_view(Capability.MANAGE_POOL)
@require_POST
def signup_decide(request, access, provider_signup):
    item = selectors.provider_signup_get(program=access.program, pk=provider_signup)
    form = SignupDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        try:
            provider_signup_decide(
                access=access,
                signup=item,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("providers:signups", program=access.program.slug)
