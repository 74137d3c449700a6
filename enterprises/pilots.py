"""Designating and revoking pilot enterprises (试点企业). Views and the API call these; none repeats them."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import PilotDesignation, TargetEnterprise
from enterprises.pilot_selectors import pilot_quota
from portal.core.errors import Conflict, PortalError
from portal.core.roles import Capability
from portal.core.services import record_save
from programs.access import ProgramAccess
from programs.models import Program


def _required_reason(reason, field: str, message) -> str:
    text = (reason or "").strip()
    if not text:
        raise PortalError(message, fields={field: [_("This field is required.")]})
    return text


def _lock_program(program: Program) -> None:
    # Every designation and revocation of a program takes this lock first, so quota checks run one at a time.
    Program.objects.select_for_update().filter(pk=program.pk).first()


def pilot_designate(
    *,
    access: ProgramAccess,
    target: TargetEnterprise,
    reason: str,
    reference: str = "",
    decided_on: date | None = None,
) -> PilotDesignation:
    """Designate `target` a pilot of its industry.

    Refused (nothing written) when the caller may not manage pilots (NotAllowed), the reason is empty or the
    industry's quota `pilot_quota_max` is reached (PortalError), or the target is already an active pilot
    (Conflict). The quota is counted under a lock on the program row, so concurrent designations cannot
    together pass it.
    """
    access.require(Capability.MANAGE_PILOTS)
    program = access.program
    if target.program_id != program.pk or not target.is_active:
        raise PortalError(_("Choose an enterprise of this program's target list."), fields={"target": [_("Invalid.")]})
    reason = _required_reason(reason, "reason", _("Give the reason for the designation."))
    with transaction.atomic():
        _lock_program(program)
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
    reason = _required_reason(reason, "reason", _("Give the reason for the revocation."))
    with transaction.atomic():
        _lock_program(access.program)
        current = PilotDesignation.objects.select_for_update().get(pk=pilot.pk)
        if not current.is_active:
            raise Conflict(_("This designation was revoked already."))
        current.is_active = False
        current.revoked_reason = reason
        current.revoked_by = access.user
        current.revoked_at = timezone.now()
        return record_save(
            current,
            acting_user=access.user,
            reason=_("Pilot enterprise revoked"),
            update_fields=["is_active", "revoked_reason", "revoked_by", "revoked_at", "updated_at"],
        )
