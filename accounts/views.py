"""Account pages: the password change (which ends the API tokens), a user's own API tokens, and for a program's
bureau admin the tokens and login locks of its members. Thin: each calls a selector or a service."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import forms, selectors, services
from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import program_view, render_page


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, after which the user's API tokens no longer work."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-changed")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


@login_required
def tokens(request):
    """The user's API tokens; a new one can be made here (its key is shown once, on this response only)."""
    form = forms.TokenCreateForm(request.POST or None)
    issued_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, issued_key = services.api_token_issue(user=request.user, name=form.cleaned_data["name"])
        except PortalError as error:
            form.add_error(None, error.message)
        else:
            form = forms.TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": selectors.api_token_list_own(user=request.user)[:100],
            "form": form,
            "issued_key": issued_key,
            "lifetime_days": services.api_token_lifetime(request.user).days,
        },
    )


@login_required
def token_revoke(request, token):
    instance = get_or_404(selectors.api_token_list_own(user=request.user), token)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _revoke_posted(request, instance)
    return redirect("accounts:tokens")


def _revoke_posted(request, token):
    """Revoke `token` with the reason posted; the outcome as a message."""
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking the token."))
        return
    try:
        services.api_token_revoke(token=token, acting_user=request.user, reason=form.cleaned_data["reason"])
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Token revoked."))


@program_view(Capability.MANAGE_ROLES)
def program_sign_in(request, access):
    """The members' usable API tokens and their login locks (bureau admin)."""
    return render_page(
        request,
        access,
        "accounts/program_sign_in.html",
        {
            "tokens": selectors.api_token_list_for_program(access=access).order_by("user__username", "-created_at"),
            "locks": list(selectors.login_lock_list(access=access)),
        },
    )


@program_view(Capability.MANAGE_ROLES)
@require_POST
def program_token_revoke(request, access, token):
    _revoke_posted(request, get_or_404(selectors.api_token_list_for_program(access=access), token))
    return redirect("members:sign-in", program=access.program.slug)


@program_view(Capability.MANAGE_ROLES)
@require_POST
def program_lock_lift(request, access):
    form = forms.LockLiftForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.login_lock_lift(
                access=access, username=data["username"], ip_address=data["ip_address"] or None, reason=data["reason"]
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Lock lifted."))
    else:
        messages.error(request, _("Give the reason for lifting the lock."))
    return redirect("members:sign-in", program=access.program.slug)
