"""The provider's own profile: its facts, its cases and its documents."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.web import program_view, render_page
from providers import forms, selectors, services
from providers.models import DocumentKind, PoolStatus


def _profile_redirect(access):
    return redirect("providers:profile", program=access.program.slug)


@program_view(Capability.APPLY_SELECTION)
@require_http_methods(["GET", "POST"])
def profile(request, access):
    membership = services.own_membership(access)
    removed = membership.status == PoolStatus.REMOVED
    form = forms.ProfileForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_profile_update(
                access=access,
                data=form.profile_data(),
                industries=list(form.cleaned_data["industries"]),
                reason=form.cleaned_data["change_reason"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Saved. The change is in the history."))
            return _profile_redirect(access)
    cases = list(selectors.active_cases(membership, with_documents=True))
    return render_page(
        request,
        access,
        "providers/profile.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "removed": removed,
            "form": form,
            "cases": cases,
            "documents": selectors.active_documents(membership),
            "document_kinds": forms.UPLOAD_KINDS,
            "case_kind": DocumentKind.CASE,
        },
    )


@program_view(Capability.APPLY_SELECTION)
@require_http_methods(["GET", "POST"])
def case_edit(request, access, case=None):
    membership = services.own_membership(access)
    instance = selectors.case_get(membership, case) if case is not None else None
    form = forms.CaseForm(request.POST or None, program=access.program, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_case_save(access=access, fields=form.case_fields(), case=instance)
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Case saved."))
            return _profile_redirect(access)
    return render_page(
        request,
        access,
        "providers/case_form.html",
        {"form": form, "case": instance, "membership": membership},
    )


@program_view(Capability.APPLY_SELECTION)
@require_POST
def case_close(request, access, case):
    membership = services.own_membership(access)
    instance = selectors.case_get(membership, case)
    try:
        services.provider_case_close(access=access, case=instance)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Case withdrawn from your profile."))
    return _profile_redirect(access)


@program_view(Capability.APPLY_SELECTION)
@require_POST
def document_upload(request, access):
    membership = services.own_membership(access)
    form = forms.DocumentForm(request.POST, request.FILES, membership=membership)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}：{' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        ]
        messages.error(request, _("The file is not uploaded. %(problems)s") % {"problems": "；".join(problems)})
        return _profile_redirect(access)
    try:
        services.provider_document_add(
            access=access,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            case=form.cleaned_data["case"],
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File uploaded."))
    return _profile_redirect(access)


@program_view(Capability.APPLY_SELECTION)
@require_POST
def document_remove(request, access, document):
    membership = services.own_membership(access)
    item = selectors.document_get(membership, document)
    try:
        services.provider_document_remove(access=access, document=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File removed from your profile."))
    return _profile_redirect(access)
