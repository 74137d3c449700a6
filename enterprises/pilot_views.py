"""The pilot enterprises page: per industry the quota, the pilots, and the bureau's designate and revoke forms."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import pilot_selectors as selectors
from enterprises.pilot_forms import PilotDesignateForm, PilotRevokeForm
from enterprises.pilots import pilot_designate, pilot_revoke
from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.views import _render, program_view


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return _("The input is not valid.")


@program_view(Capability.VIEW_ALL_ENTERPRISES)
def pilots(request, access):
    program = access.program
    quota = selectors.pilot_quota(program=program)
    industries = list(selectors.pilot_industry_counts(program=program))
    by_industry = {industry.pk: [] for industry in industries}
    for pilot in selectors.pilot_list(access=access):
        by_industry.setdefault(pilot.industry_id, []).append(pilot)
    candidates = {industry.pk: [] for industry in industries}
    if access.can(Capability.MANAGE_PILOTS):
        for target in selectors.pilot_candidates(program=program):
            candidates.setdefault(target.industry_id, []).append(target)
    sections = [
        {
            "industry": industry,
            "pilots": by_industry[industry.pk],
            "candidates": candidates[industry.pk],
            "full": quota.maximum is not None and industry.pilot_count >= quota.maximum,
            "below_goal": quota.minimum is not None and industry.pilot_count < quota.minimum,
        }
        for industry in industries
    ]
    return _render(request, access, "enterprises/pilots/list.html", {"quota": quota, "sections": sections})


@program_view(Capability.MANAGE_PILOTS)
@require_POST
def pilot_designate_view(request, access):
    form = PilotDesignateForm(request.POST, program=access.program)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        data = form.cleaned_data
        try:
            pilot = pilot_designate(
                access=access,
                target=data["target"],
                reason=data["reason"],
                reference=data["reference"],
                decided_on=data["decided_on"],
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is designated a pilot enterprise.") % {"name": pilot.target.name})
    return redirect("enterprises:pilots", program=access.program.slug)


@program_view(Capability.MANAGE_PILOTS)
@require_POST
def pilot_revoke_view(request, access, pilot):
    item = selectors.pilot_get(access=access, pk=pilot)
    form = PilotRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        try:
            pilot_revoke(access=access, pilot=item, reason=form.cleaned_data["reason"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The designation of %(name)s is revoked.") % {"name": item.target.name})
    return redirect("enterprises:pilots", program=access.program.slug)
