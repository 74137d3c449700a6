"""Policy versions (read, edit a draft, validate, activate) and the subsidy calculator with what-if; re-pricing
named filings is `subsidies.views.pricing`."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies import forms, services
from policies.models import VersionStatus
from policies.quotes import QuoteInput, quote
from policies.selectors import (
    policy_parameter_changes,
    policy_track_find,
    policy_version_for_quote,
    policy_version_list,
    policy_version_rows,
)
from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import member_or_public_access
from programs.selectors import industry_names, public_industry_list
from programs.web import program_view, render_page


@program_view(Capability.VIEW_POLICIES)
def versions(request, access):
    return render_page(
        request,
        access,
        "policies/version_list.html",
        {"versions": policy_version_list(program=access.program).prefetch_related("tracks")},
    )


@program_view(Capability.VIEW_POLICIES)
def version_detail(request, access, version):
    instance = get_or_404(policy_version_list(program=access.program), version)
    names = industry_names(program=access.program)
    version_rows, track_views = policy_version_rows(version=instance, industry_names=names)
    editable = access.can(Capability.CONFIGURE) and instance.status == VersionStatus.DRAFT
    return render_page(
        request,
        access,
        "policies/version_detail.html",
        {
            "version": instance,
            "version_rows": version_rows,
            "track_views": track_views,
            "issues": services.policy_version_validate(version=instance)
            if instance.status == VersionStatus.DRAFT
            else [],
            "changes": policy_parameter_changes(version=instance),
            "editable": editable,
            "parameter_form": forms.ParameterForm() if editable else None,
            "activate_form": forms.ActivateForm() if editable else None,
            "draft_form": forms.DraftFromForm(initial={"code": f"{instance.code}-draft", "name": instance.name})
            if access.can(Capability.CONFIGURE)
            else None,
            "may_reprice": access.can(Capability.CONFIGURE) and instance.status != VersionStatus.DRAFT,
        },
    )


@program_view(Capability.CONFIGURE)
@require_POST
def parameter_set(request, access, version):
    instance = get_or_404(policy_version_list(program=access.program), version)
    form = forms.ParameterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The parameter could not be saved: fill in its value."))
        return redirect("policies:version", program=access.program.slug, version=instance.pk)
    track = None
    if form.cleaned_data["track"]:
        track = policy_track_find(version=instance, code=form.cleaned_data["track"])
        if track is None:
            raise Http404
    try:
        services.policy_parameter_set(
            access=access,
            version=instance,
            track=track,
            key=form.cleaned_data["key"],
            qualifier=form.cleaned_data["qualifier"].strip(),
            raw_value=form.cleaned_data["value"].strip(),
            reason=form.cleaned_data["reason"],
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved. The change is in the history."))
    return redirect("policies:version", program=access.program.slug, version=instance.pk)


@program_view(Capability.CONFIGURE)
@require_POST
def activate(request, access, version):
    instance = get_or_404(policy_version_list(program=access.program), version)
    form = forms.ActivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date from which the version takes effect."))
    else:
        try:
            services.policy_version_activate(
                access=access, version=instance, effective_from=form.cleaned_data["effective_from"]
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "The version is now active; the previous one is retired. Filings approved from now on are priced "
                    "under it; filings already approved keep their version."
                ),
            )
    return redirect("policies:version", program=access.program.slug, version=instance.pk)


@program_view(Capability.CONFIGURE)
@require_POST
def draft_from(request, access, version):
    instance = get_or_404(policy_version_list(program=access.program), version)
    form = forms.DraftFromForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new draft a code (letters, digits, hyphens) and a name."))
        return redirect("policies:version", program=access.program.slug, version=instance.pk)
    try:
        draft = services.policy_version_draft_from(access=access, version=instance, **form.cleaned_data)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("policies:version", program=access.program.slug, version=instance.pk)
    messages.success(request, _("Draft created from the version."))
    return redirect("policies:version", program=access.program.slug, version=draft.pk)


def calculator(request, program):
    """Everyone with a role in the program; the public too when the program publishes its calculator."""
    access = member_or_public_access(request=request, slug=program, capability=Capability.QUOTE)
    if access is None:
        return redirect_to_login(request.get_full_path())
    may_compare = access.can(Capability.COMPARE_POLICIES)
    versions = list(policy_version_list(program=access.program)) if may_compare else []
    try:
        active = policy_version_for_quote(program=access.program)
    except PortalError:
        active = None
    chosen_code = request.GET.get("version", "") if may_compare else ""
    chosen = next((v for v in versions if v.code == chosen_code), active)
    tracks = list(chosen.tracks.all()) if chosen else []
    form = forms.QuoteForm(
        request.GET or None,
        versions=versions,
        tracks=tracks,
        industries=public_industry_list(program=access.program),
        may_compare=may_compare,
    )
    results, error = [], ""
    if request.GET and form.is_valid():
        data = form.cleaned_data
        base = QuoteInput(
            track=data["track"],
            industry=data["industry"],
            scale=data["scale"],
            batch=data["batch"],
            level=data["level"],
            accepted_on=data["accepted_on"],
            version=data.get("version") or "",
            n_investment=data["n_investment"],
            x_investment=data["x_investment"],
            total_investment=data["total_investment"],
            automation_investment=data["automation_investment"],
            awards=[line.strip() for line in (data.get("awards") or "").splitlines() if line.strip()],
        )
        sides = [base]
        overrides = [line.strip() for line in (data.get("overrides") or "").splitlines() if line.strip()]
        if data.get("compare_version") or overrides:
            sides.append(
                QuoteInput(
                    **{**base.__dict__, "version": data.get("compare_version") or base.version, "overrides": overrides}
                )
            )
        try:
            results = [quote(program=access.program, data=side) for side in sides]
        except PortalError as error_:
            field_name, _sep, text = str(error_.message).partition(": ")
            if field_name in form.fields and text:
                form.add_error(field_name, text)
            else:
                error = error_.message
    difference = None
    if len(results) == 2:
        difference = results[1][1].total - results[0][1].total
    return render(
        request,
        "policies/calculator.html",
        {
            "access": access,
            "program": access.program,
            "form": form,
            "results": results,
            "error": error,
            "difference": difference,
            "active": active,
            "public_view": not access.roles,
        },
    )
