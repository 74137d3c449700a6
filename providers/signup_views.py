"""Provider registration pages: the public sign-up form and the bureau's list of registrations to decide."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enterprises.forms import SignupDecisionForm
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.models import Program, ProgramStatus
from programs.web import paginate, program_view
from providers import forms
from providers.models import ProviderSignup
from providers.signup import provider_sign_up, provider_signup_decide


@require_http_methods(["GET", "POST"])
def provider_signup(request, program):
    """Public: a person registers its service provider for a published program."""
    target = Program.objects.filter(slug=program, is_public=True, status=ProgramStatus.ACTIVE).first()
    if target is None:
        raise Http404
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
    rows = (
        ProviderSignup.objects.filter(program=access.program)
        .select_related("user", "organisation", "decided_by")
        .prefetch_related("industries")
    )
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
    item = get_or_404(ProviderSignup.objects.filter(program=access.program), provider_signup)
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
