"""The pilot enterprises page: per industry the quota, the pilots, and the bureau's designate and revoke forms;
the publications of each batch's pilot list and its printable public announcement (公示)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import pilot_selectors as selectors
from enterprises.models import OutputBand
from enterprises.pilot_forms import PilotDesignateForm, PilotPublishForm, PilotRevokeForm
from enterprises.pilots import pilot_designate, pilot_list_publish, pilot_revoke
from portal.core.errors import PortalError
from portal.core.forms import first_error
from portal.core.roles import Capability
from programs.access import member_or_public_access
from programs.web import program_view, render_page

BAND_LABELS = dict(OutputBand.choices)


def _batch_filter(request, batches) -> int | None:
    wanted = request.GET.get("batch", "")
    return next((batch.pk for batch in batches if str(batch.pk) == wanted), None)


@program_view(Capability.VIEW_ALL_ENTERPRISES)
def pilots(request, access):
    program = access.program
    quota = selectors.pilot_quota(program=program)
    industries = list(selectors.pilot_industry_counts(program=program))
    batches = list(selectors.pilot_batches(program=program))
    batch = _batch_filter(request, batches)
    by_industry = {industry.pk: [] for industry in industries}
    for pilot in selectors.pilot_list(access=access, batch=batch):
        by_industry.setdefault(pilot.industry_id, []).append(pilot)
    candidates = {industry.pk: [] for industry in industries}
    if access.can(Capability.MANAGE_PILOTS):
        for target in selectors.pilot_candidates(program=program):
            target.band_label = BAND_LABELS.get(target.profile_band, "")
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
    context = {
        "quota": quota,
        "sections": sections,
        "batches": batches,
        "batch": batch,
        "bands": OutputBand.choices,
        "publications": list(selectors.pilot_publication_list(access=access)),
        "may_publish": access.can(Capability.MANAGE_PILOTS) and access.can(Capability.CONFIGURE),
    }
    return render_page(request, access, "enterprises/pilots/list.html", context)


@program_view(Capability.MANAGE_PILOTS)
@require_POST
def pilot_designate_view(request, access):
    form = PilotDesignateForm(request.POST, program=access.program)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        data = form.cleaned_data
        try:
            pilot = pilot_designate(
                access=access,
                target=data["target"],
                reason=data["reason"],
                reference=data["reference"],
                decided_on=data["decided_on"],
                batch=data["batch"],
                output_band=data["output_band"],
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
        messages.error(request, first_error(form))
    else:
        try:
            pilot_revoke(access=access, pilot=item, reason=form.cleaned_data["reason"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The designation of %(name)s is revoked.") % {"name": item.target.name})
    return redirect("enterprises:pilots", program=access.program.slug)


@program_view(Capability.CONFIGURE)
@require_POST
def pilot_publish_view(request, access):
    form = PilotPublishForm(request.POST, program=access.program)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            publication = pilot_list_publish(
                access=access, batch=form.cleaned_data["batch"], starts_on=form.cleaned_data["starts_on"]
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The pilot list of %(batch)s is published from %(starts)s to %(ends)s.")
                % {
                    "batch": publication.batch.name,
                    "starts": publication.starts_on.isoformat(),
                    "ends": publication.ends_on.isoformat(),
                },
            )
    return redirect("enterprises:pilots", program=access.program.slug)


def pilot_announcement(request, program):
    """The public announcement (公示) of the pilot lists: everyone with a role in the program, and the public
    when the program is public."""
    access = member_or_public_access(request=request, slug=program, capability=Capability.VIEW_ANNOUNCEMENT)
    if access is None:
        return redirect_to_login(request.get_full_path())
    publications = list(selectors.pilot_announcement(program=access.program))
    for publication in publications:
        for pilot in publication.pilots:
            pilot.band_label = BAND_LABELS.get(pilot.output_band, "")
    return render_page(
        request,
        access,
        "enterprises/pilots/announcement.html",
        {
            "publications": publications,
            "today": timezone.localdate(),
            "sees_all": access.can(Capability.VIEW_ALL_ENTERPRISES),
        },
    )
