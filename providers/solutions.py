"""Writes on the solution library (“小快轻准”产品库): a provider keeps its own solutions (draft → published →
withdrawn), and the bureau marks a published one as an excellent product by decision.

Every write checks the caller's role through `ProgramAccess`, locks the row it changes, and leaves a history
row with who, when and why (`record_save`). Nothing is deleted.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.selectors import policy_snapshot, policy_version_for_quote
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.money import format_yuan, parse_amount, round_fen
from portal.core.roles import Capability
from portal.core.services import record_save
from programs.access import ProgramAccess
from providers.models import PoolMembership, PoolStatus, Solution, SolutionAward, SolutionStatus

SOLUTION_FIELDS = ("name", "description", "price_min", "price_max", "deployment", "cases")
EDITABLE = (SolutionStatus.DRAFT, SolutionStatus.PUBLISHED)
AWARD_KIND = "excellent-product"


def solution_membership(access: ProgramAccess) -> PoolMembership:
    """The caller's organisation's place in the program's pool, which its solutions belong to."""
    access.require(Capability.PUBLISH_SOLUTION)
    membership = PoolMembership.objects.filter(
        program=access.program, organisation_id=access.user.organisation_id
    ).first()
    if membership is None:
        raise NotAllowed(_("Your organisation is not in this program's resource pool."))
    if membership.status == PoolStatus.REMOVED:
        raise NotAllowed(_("Your organisation was removed from this program's resource pool."))
    return membership


def _locked_own(access, solution) -> Solution:
    """The caller's own solution, locked; another provider's is refused alike whether it exists or not."""
    membership = solution_membership(access)
    locked = Solution.objects.select_for_update().filter(pk=solution.pk, program=access.program).first()
    if locked is None or locked.membership_id != membership.pk:
        raise NotAllowed(_("This solution belongs to another provider."))
    return locked


def _check_catalogue(access, industries, modules):
    if any(industry.program_id != access.program.pk for industry in industries):
        raise PortalError(_("The industry is not one of this program's."), fields={"industries": [_("Invalid.")]})
    if any(module.program_id != access.program.pk for module in modules):
        raise PortalError(_("The scenario module is not one of this program's."), fields={"modules": [_("Invalid.")]})


@transaction.atomic
def solution_save(
    *, access: ProgramAccess, fields: dict, industries, modules, solution: Solution | None = None, reason=""
) -> Solution:
    """Create a draft (no `solution`) or change one's own draft or published solution. `fields` holds any of
    SOLUTION_FIELDS; prices are Decimal yuan or None (both None: agreed on request). A price range whose top is
    below its bottom is refused on `price_max`."""
    unknown = set(fields) - set(SOLUTION_FIELDS)
    if unknown:
        raise PortalError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    industries, modules = list(industries), list(modules)
    _check_catalogue(access, industries, modules)
    if solution is None:
        membership = solution_membership(access)
        solution = Solution(program=access.program, membership=membership, created_by=access.user)
        reason = reason or _("Solution drafted")
    else:
        solution = _locked_own(access, solution)
        if solution.status not in EDITABLE:
            raise Conflict(_("A withdrawn solution cannot be changed."))
        reason = reason or _("Solution changed")
    for name, value in fields.items():
        if name in ("price_min", "price_max") and value is not None:
            value = round_fen(value)
        setattr(solution, name, value)
    record_save(solution, acting_user=access.user, reason=reason)
    solution.industries.set(industries)
    solution.modules.set(modules)
    return solution


@transaction.atomic
def solution_publish(*, access: ProgramAccess, solution: Solution, reason="") -> Solution:
    """Show a draft in the library; `published_at` dates it for the KPI board."""
    solution = _locked_own(access, solution)
    if solution.status != SolutionStatus.DRAFT:
        raise Conflict(
            _("Only a draft can be published; this solution is “%(status)s”.")
            % {"status": solution.get_status_display()}
        )
    solution.status = SolutionStatus.PUBLISHED
    solution.published_at = timezone.now()
    return record_save(solution, acting_user=access.user, reason=reason or _("Published in the library"))


@transaction.atomic
def solution_withdraw(*, access: ProgramAccess, solution: Solution, reason: str) -> Solution:
    """Take a draft or published solution out of the library for good, saying why. It stays on record."""
    solution = _locked_own(access, solution)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_("Say why the solution is withdrawn."), fields={"reason": [_("This field is required.")]})
    if solution.status == SolutionStatus.WITHDRAWN:
        raise Conflict(_("This solution is already withdrawn."))
    solution.status, solution.withdrawn_reason = SolutionStatus.WITHDRAWN, reason
    return record_save(solution, acting_user=access.user, reason=reason)


# Excellent-product awards ----------------------------------------------------------------------------------


def excellent_product_limit(program) -> Decimal | None:
    """The active policy's highest excellent-product award, or None when the policy grants none."""
    try:
        version = policy_version_for_quote(program=program)
    except PortalError:
        return None
    limit = (policy_snapshot(version=version).params.get("award_max") or {}).get(AWARD_KIND)
    return None if limit is None else round_fen(limit)


def solution_award_grant(
    *, access: ProgramAccess, solution: Solution, amount, reference: str, decided_on: date, reason=""
) -> SolutionAward:
    """Mark a published solution as an excellent product by decision, within the active policy's
    `award_max["excellent-product"]`. A solution holds one active award at a time."""
    access.require(Capability.GRANT_AWARD)
    if solution.program_id != access.program.pk:
        raise NotAllowed(_("This solution belongs to another program."))
    amount = parse_amount(amount, "amount")
    reference = (reference or "").strip()
    if not reference:
        raise PortalError(_("Give the decision's reference."), fields={"reference": [_("This field is required.")]})
    if decided_on is None:
        raise PortalError(_("Give the decision's date."), fields={"decided_on": [_("This field is required.")]})
    limit = excellent_product_limit(access.program)
    if limit is None:
        raise PortalError(
            _("The program's active policy grants no excellent-product award, so none can be decided here.")
        )
    if amount > limit:
        message = _("The award cannot exceed %(limit)s yuan (the active policy's excellent-product maximum).") % {
            "limit": format_yuan(limit)
        }
        raise PortalError(message, fields={"amount": [message]})
    with transaction.atomic():
        locked = Solution.objects.select_for_update().get(pk=solution.pk)
        if locked.status != SolutionStatus.PUBLISHED:
            raise Conflict(_("Only a published solution can be awarded."))
        if locked.awards.filter(is_active=True).exists():
            raise Conflict(_("This solution already holds an excellent-product award."))
        return record_save(
            SolutionAward(
                solution=locked,
                amount=amount,
                reference=reference,
                decided_on=decided_on,
                reason=(reason or "").strip(),
                granted_by=access.user,
            ),
            acting_user=access.user,
            reason=reason or _("Excellent-product award granted"),
        )


@transaction.atomic
def solution_award_withdraw(*, access: ProgramAccess, award: SolutionAward, reason: str) -> SolutionAward:
    """End an active award, saying why; the award stays on record."""
    access.require(Capability.GRANT_AWARD)
    award = SolutionAward.objects.select_for_update().select_related("solution").get(pk=award.pk)
    if award.solution.program_id != access.program.pk:
        raise NotAllowed(_("This award belongs to another program."))
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_("Say why the award is withdrawn."), fields={"reason": [_("This field is required.")]})
    if not award.is_active:
        raise Conflict(_("This award is already withdrawn."))
    award.is_active, award.withdrawn_reason = False, reason
    return record_save(award, acting_user=access.user, reason=reason)
