"""Which policy version prices a project: fixed at approval, changed only by a bureau admin re-pricing named
projects with a recorded reason (activating a version, `policies.services`, changes the filings approved after it,
never one already approved)."""

from django.db import transaction
from django.utils.translation import gettext as _

from filings.models import Application, Status
from policies.models import PolicyVersion, VersionStatus
from portal.core.errors import PortalError
from portal.core.roles import Capability
from portal.core.services import record_save
from programs.access import ProgramAccess
from subsidies.locks import lock_program_money, lock_rows, retry_when_busy
from subsidies.models import LineKind, RunLine


def repricable_applications(*, access: ProgramAccess):
    """The program's approved filings in no approved run, with the version each is priced under now."""
    access.require(Capability.CONFIGURE)
    frozen = RunLine.objects.filter(run__program=access.program, frozen=True, kind=LineKind.PROJECT).values(
        "application_id"
    )
    return (
        Application.objects.filter(program=access.program, status=Status.APPROVED)
        .exclude(pk__in=frozen)
        .select_related("enterprise__organisation", "policy_version")
        .order_by("filing_number", "pk")
    )


def _label(application) -> str:
    return application.filing_number or f"#{application.pk}"


@retry_when_busy
def application_reprice(
    *, access: ProgramAccess, applications, version: PolicyVersion, reason: str
) -> list[Application]:
    """Price the named approved filings under `version` (the program's, not a draft) from the next calculation.
    A filing already in an approved run is refused: an approved line is corrected by an adjustment in a later
    run. Each change is a history row with the acting user and `reason`; all or none are changed. Under the
    program's lock (`subsidies.locks`), so no approval freezes a filing between the check and the change."""
    access.require(Capability.CONFIGURE)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(
            _("Give the reason for re-pricing: it is kept in each filing's history."),
            fields={"reason": [_("Required.")]},
        )
    if version.program_id != access.program.pk:
        raise PortalError(_("This policy version is not one of the program's."), fields={"version": [version.code]})
    if version.status == VersionStatus.DRAFT:
        raise PortalError(
            _("“%(code)s” is a draft: only an active or retired version prices projects.") % {"code": version.code},
            fields={"version": [version.code]},
        )
    ids = sorted({item.pk if isinstance(item, Application) else item for item in applications})
    if not ids:
        raise PortalError(_("Pick at least one filing to re-price."), fields={"applications": [_("Required.")]})
    with transaction.atomic():
        lock_program_money(access.program)
        locked = lock_rows(Application.objects.filter(program=access.program, pk__in=ids))
        unknown = sorted(set(ids) - {application.pk for application in locked})
        if unknown:
            message = _("No such filing in this program: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
            raise PortalError(message, fields={"applications": [message]})
        not_approved = [application for application in locked if application.status != Status.APPROVED]
        if not_approved:
            message = _("Only approved filings are priced; not approved: %(filings)s.") % {
                "filings": ", ".join(_label(application) for application in not_approved)
            }
            raise PortalError(message, fields={"applications": [message]})
        frozen = set(
            RunLine.objects.filter(application_id__in=ids, frozen=True, kind=LineKind.PROJECT).values_list(
                "application_id", flat=True
            )
        )
        if frozen:
            message = _(
                "Already in an approved run: %(filings)s. Correct an approved line by an adjustment in a later run."
            ) % {"filings": ", ".join(_label(application) for application in locked if application.pk in frozen)}
            raise PortalError(message, fields={"applications": [message]})
        for application in locked:
            if application.policy_version_id == version.pk:
                continue  # already priced under it: no history row for a change that is none
            application.policy_version = version
            record_save(
                application, acting_user=access.user, reason=reason, update_fields=["policy_version", "updated_at"]
            )
    return locked
