"""Policy versions (read, edit a draft, validate, activate, re-price named filings) and the subsidy calculator
with what-if."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import member_or_public_access
from programs.models import Industry
from programs.views import program_view
from subsidies import forms, pricing, services
from subsidies.models import PolicyTrack, VersionStatus
from subsidies.quotes import QuoteInput, quote
from subsidies.selectors import (
    policy_parameter_changes,
    policy_version_for_quote,
    policy_version_list,
    policy_version_rows,
)


def _render(request, access, template, context):
    return render(request, template, {"access": access, "program": access.program, **context})


@program_view(Capability.VIEW_POLICIES)
def versions(request, access):
    return _render(
        request,
        access,
        "subsidies/version_list.html",
        {"versions": policy_version_list(program=access.program).prefetch_related("tracks")},
    )


@program_view(Capability.VIEW_POLICIES)
def version_detail(request, access, version):
    instance = get_or_404(policy_version_list(program=access.program), version)
    names = dict(Industry.objects.filter(program=access.program).values_list("code", "name"))
    version_rows, track_views = policy_version_rows(version=instance, industry_names=names)
    editable = access.can(Capability.CONFIGURE) and instance.status == VersionStatus.DRAFT
    return _render(
        request,
        access,
        "subsidies/version_detail.html",
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
        return redirect("subsidies:version", program=access.program.slug, version=instance.pk)
    track = None
    if form.cleaned_data["track"]:
        track = PolicyTrack.objects.filter(version=instance, code=form.cleaned_data["track"]).first()
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
    return redirect("subsidies:version", program=access.program.slug, version=instance.pk)


@program_view(Capability.CONFIGURE)
@require_POST
def activate(request, access, version):
    instance = get_or_404(policy_version_list(program=access.program), version)
    form = forms.ActivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date from which the version takes effect."))
    else:
        try:
            pricing.policy_version_activate(
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
    return redirect("subsidies:version", program=access.program.slug, version=instance.pk)


REPRICE_PAGE_SIZE = 50


@program_view(Capability.CONFIGURE)
def reprice(request, access, version):
    """The approved filings in no approved run with the version each is priced under; the bureau admin ticks
    some and gives the reason to price them under this version from the next calculation."""
    instance = get_or_404(policy_version_list(program=access.program), version)
    form = forms.RepriceForm(request.POST or None)
    selected = set()
    if request.method == "POST" and form.is_valid():
        selected = set(form.cleaned_data["applications"])
        try:
            done = pricing.application_reprice(
                access=access,
                applications=form.cleaned_data["applications"],
                version=instance,
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            for name in error.fields or {None: None}:
                form.add_error(name if name in form.fields else None, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s filing is now priced under this version from the next calculation.",
                    "%(count)s filings are now priced under this version from the next calculation.",
                    len(done),
                )
                % {"count": len(done)},
            )
            return redirect("subsidies:reprice", program=access.program.slug, version=instance.pk)
    search = request.GET.get("q", "").strip()[:60]
    rows = pricing.repricable_applications(access=access)
    if search:
        rows = rows.filter(Q(filing_number__icontains=search) | Q(enterprise__organisation__name__icontains=search))
    return _render(
        request,
        access,
        "subsidies/policy_reprice.html",
        {
            "version": instance,
            "form": form,
            "search": search,
            "page": Paginator(rows, REPRICE_PAGE_SIZE).get_page(request.GET.get("page")),
            "selected": selected,
        },
    )


@program_view(Capability.CONFIGURE)
@require_POST
def draft_from(request, access, version):
    instance = get_or_404(policy_version_list(program=access.program), version)
    form = forms.DraftFromForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new draft a code (letters, digits, hyphens) and a name."))
        return redirect("subsidies:version", program=access.program.slug, version=instance.pk)
    try:
        draft = services.policy_version_draft_from(access=access, version=instance, **form.cleaned_data)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("subsidies:version", program=access.program.slug, version=instance.pk)
    messages.success(request, _("Draft created from the version."))
    return redirect("subsidies:version", program=access.program.slug, version=draft.pk)


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
        industries=Industry.objects.filter(program=access.program, is_active=True),
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
        "subsidies/calculator.html",
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
