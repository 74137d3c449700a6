"""Designating and revoking pilot enterprises (试点企业) per batch, and publishing a batch's pilot list (公示).
Views and the API call these; none repeats them."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.designations import designation_revoke, lock_program, required_text
from enterprises.models import EnterpriseProfile, OutputBand, PilotDesignation, PilotListPublication, TargetEnterprise
from enterprises.pilot_selectors import pilot_quota
from portal.core.errors import Conflict, PortalError
from portal.core.roles import Capability
from portal.core.services import record_save
from programs.access import ProgramAccess
from programs.calendar import working_days_end
from programs.models import Batch


def pilot_designate(
    *,
    access: ProgramAccess,
    target: TargetEnterprise,
    reason: str,
    reference: str = "",
    decided_on: date | None = None,
    batch: Batch | None = None,
    output_band: str = "",
) -> PilotDesignation:
    """Designate `target` a pilot of its industry, in `batch` (one of the program's, optional) and in the output
    band it was chosen by (seed 004 四8: under 100 million, 100–200 million, 200 million or more; by default the
    band of the enterprise's profile in the program, when it has one).

    Refused (nothing written) when the caller may not manage pilots (NotAllowed), the reason is empty, the batch
    is another program's, the band unknown or the industry's quota `pilot_quota_max` is reached (PortalError),
    or the target is already an active pilot (Conflict). The quota is counted under a lock on the program row, so
    concurrent designations cannot together pass it.
    """
    access.require(Capability.MANAGE_PILOTS)
    program = access.program
    if target.program_id != program.pk or not target.is_active:
        raise PortalError(_("Choose an enterprise of this program's target list."), fields={"target": [_("Invalid.")]})
    reason = required_text(reason, "reason", _("Give the reason for the designation."))
    if batch is not None and batch.program_id != program.pk:
        raise PortalError(_("Choose one of this program's batches."), fields={"batch": [_("Invalid.")]})
    output_band = (output_band or "").strip()
    if output_band and output_band not in OutputBand.values:
        raise PortalError(_("Choose one of the output bands."), fields={"output_band": [_("Invalid.")]})
    if not output_band:
        profile = EnterpriseProfile.objects.filter(program=program, organisation__uscc=target.uscc)
        output_band = profile.values_list("output_band", flat=True).first() or ""
    with transaction.atomic():
        lock_program(program.pk)
        if PilotDesignation.objects.filter(target=target, is_active=True).exists():
            raise Conflict(
                _("%(name)s is already a pilot enterprise.") % {"name": target.name},
                fields={"target": [_("Already a pilot enterprise.")]},
            )
        quota = pilot_quota(program=program)
        if quota.maximum is not None:
            count = PilotDesignation.objects.filter(program=program, industry_id=target.industry_id, is_active=True)
            if count.count() >= quota.maximum:
                industry = target.industry.display_name
                raise PortalError(
                    _(
                        "The industry %(industry)s already has %(maximum)d pilot enterprises, the quota of the "
                        "program's policy (%(maximum)d per industry). Revoke one before designating another."
                    )
                    % {"industry": industry, "maximum": quota.maximum},
                    fields={"target": [_("The industry's quota is reached.")]},
                )
        pilot = PilotDesignation(
            program=program,
            target=target,
            industry_id=target.industry_id,
            reason=reason,
            reference=(reference or "").strip(),
            decided_on=decided_on,
            batch=batch,
            output_band=output_band,
            designated_by=access.user,
        )
        return record_save(pilot, acting_user=access.user, reason=_("Pilot enterprise designated"))


def pilot_revoke(*, access: ProgramAccess, pilot: PilotDesignation, reason: str) -> PilotDesignation:
    """Revoke an active designation, keeping the row with the reason; frees a place in the industry's quota.

    Refused when the caller may not manage pilots (NotAllowed), the reason is empty (PortalError) or the
    designation was revoked already (Conflict).
    """
    access.require(Capability.MANAGE_PILOTS)
    if pilot.program_id != access.program.pk:
        raise PortalError(_("This designation is not one of this program's."))
    return designation_revoke(pilot, user=access.user, reason=reason, history_reason=_("Pilot enterprise revoked"))


def pilot_list_publish(*, access: ProgramAccess, batch: Batch, starts_on: date | None) -> PilotListPublication:
    """Publish the active pilots of `batch` (公示) from `starts_on` for the program's announcement working days,
    counted in its calendar; a later publication of the same batch supersedes the earlier one.

    Refused when the caller is not a bureau admin (NotAllowed), the batch is another program's, the start is
    missing or out of range, or the batch has no active pilot (PortalError), or the batch's current publication
    already announces exactly these pilots (Conflict).
    """
    access.require(Capability.MANAGE_PILOTS)
    access.require(Capability.CONFIGURE)
    program = access.program
    if batch is None or batch.program_id != program.pk:
        raise PortalError(_("Choose one of this program's batches."), fields={"batch": [_("Invalid.")]})
    if starts_on is None:
        raise PortalError(_("Give the first day of the announcement."), fields={"starts_on": [_("Required.")]})
    latest = timezone.localdate() + timedelta(days=366)
    if not program.starts_on <= starts_on <= latest:
        raise PortalError(
            _("The announcement starts between %(first)s and %(last)s.") % {"first": program.starts_on, "last": latest},
            fields={"starts_on": [_("Invalid.")]},
        )
    with transaction.atomic():
        lock_program(program.pk)
        pilots = set(
            PilotDesignation.objects.filter(program=program, batch=batch, is_active=True).values_list("pk", flat=True)
        )
        if not pilots:
            raise PortalError(
                _("No pilot enterprise is designated in %(batch)s: designate the batch's pilots before publishing.")
                % {"batch": batch.name},
                fields={"batch": [_("No pilot in this batch.")]},
            )
        current = PilotListPublication.objects.filter(batch=batch, is_active=True).first()
        if current is not None:
            if set(current.designations.values_list("pk", flat=True)) == pilots:
                raise Conflict(
                    _("The pilot list of %(batch)s is published already (from %(date)s) with the same pilots.")
                    % {"batch": batch.name, "date": current.starts_on.isoformat()}
                )
            current.is_active = False
            record_save(
                current,
                acting_user=access.user,
                reason=_("Superseded by a new publication"),
                update_fields=["is_active", "updated_at"],
            )
        publication = record_save(
            PilotListPublication(
                program=program,
                batch=batch,
                starts_on=starts_on,
                ends_on=working_days_end(program, starts_on, program.announcement_working_days),
                published_by=access.user,
            ),
            acting_user=access.user,
            reason=_("Pilot list published"),
        )
        publication.designations.set(pilots)
        return publication
