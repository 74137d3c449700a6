"""Writes on the provider side: the pool and its decisions, the provider's own profile, selection rounds
(set-up, applications, conflicts, committee sheets, confirmation, publication).

Every write checks the caller's role through `ProgramAccess`, locks what it changes, and leaves history.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.files import stored_file_save
from portal.core.roles import Capability, Role
from portal.core.services import record_save
from portal.core.tasks import queue_after_commit
from programs.access import ProgramAccess, program_roles
from providers import selectors
from providers.models import (
    ApplicationStatus,
    CommitteeSeat,
    CommitteeSheet,
    ConflictDeclaration,
    DecisionKind,
    PoolDecision,
    PoolMembership,
    PoolStatus,
    ProviderCase,
    ProviderDocument,
    ProviderSelection,
    RoundApplication,
    RoundResult,
    RoundStatus,
    SelectionRound,
    SheetScore,
)
from providers.workflow import NEXT_STATUS, ROUND
from scoring.models import SheetPurpose, SheetStatus
from scoring.sheets import sheet_fill, sheet_scores_save


def pool_membership_add(*, program, organisation, industries, joined_on, acting_user=None, **facts):
    """Put a provider into the program's resource pool, qualified for `industries` of the program."""
    _check_industries(program, industries)
    membership = PoolMembership(program=program, organisation=organisation, joined_on=joined_on, **facts)
    with transaction.atomic():
        record_save(membership, acting_user=acting_user, reason=_("Added to the resource pool"))
        membership.industries.set(industries)
    return membership


def _check_industries(program, industries, *, within=None, field="industries"):
    if any(industry.program_id != program.pk for industry in industries):
        raise PortalError(_("The industry is not one of this program's."), fields={field: [_("Invalid.")]})
    if within is not None and any(industry.pk not in within for industry in industries):
        raise PortalError(_("The round does not cover that industry."), fields={field: [_("Invalid.")]})


# The provider's own profile ------------------------------------------------------------------------------

PROFILE_FIELDS = ("local_support_staff", "qualifications", "team", "services")


def own_membership(access: ProgramAccess) -> PoolMembership:
    """The caller's organisation's place in the program's pool (providers only)."""
    access.require(Capability.APPLY_SELECTION)
    membership = PoolMembership.objects.filter(
        program=access.program, organisation_id=access.user.organisation_id
    ).first()
    if membership is None:
        raise NotAllowed(_("Your organisation is not in this program's resource pool."))
    return membership


def _own_open_membership(access):
    membership = own_membership(access)
    if membership.status == PoolStatus.REMOVED:
        raise NotAllowed(_("Your organisation was removed from this program's resource pool."))
    return membership


@transaction.atomic
def provider_profile_update(*, access: ProgramAccess, data: dict, industries=None, reason: str = "") -> PoolMembership:
    """The provider keeps its own profile: staff, qualifications, team, services, and the industries it serves."""
    membership = _own_open_membership(access)
    membership = PoolMembership.objects.select_for_update().get(pk=membership.pk)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(membership, name, data[name])
    record_save(membership, acting_user=access.user, reason=reason or _("Profile updated"))
    if industries is not None:
        _check_industries(access.program, industries)
        if not industries:
            raise PortalError(_("Choose at least one industry."), fields={"industries": [_("Required.")]})
        membership.industries.set(industries)
    return membership


def provider_case_save(*, access: ProgramAccess, fields: dict, case: ProviderCase | None = None) -> ProviderCase:
    membership = _own_open_membership(access)
    industry = fields.get("industry")
    if industry is not None:
        _check_industries(access.program, [industry], field="industry")
    if case is not None and case.membership_id != membership.pk:
        raise NotAllowed(_("Only the provider itself may change its cases."))
    case = case or ProviderCase(membership=membership)
    for name, value in fields.items():
        setattr(case, name, value)
    return record_save(case, acting_user=access.user, reason=_("Case saved"))


def provider_case_close(*, access: ProgramAccess, case: ProviderCase) -> ProviderCase:
    membership = _own_open_membership(access)
    if case.membership_id != membership.pk:
        raise NotAllowed(_("Only the provider itself may change its cases."))
    case.is_active = False
    return record_save(
        case, acting_user=access.user, reason=_("Case withdrawn"), update_fields=["is_active", "updated_at"]
    )


def provider_document_add(*, access: ProgramAccess, kind: str, upload, case=None) -> ProviderDocument:
    """A document of the provider's profile (qualification, case evidence…). A refused upload stores nothing."""
    membership = _own_open_membership(access)
    if kind not in dict(ProviderDocument._meta.get_field("kind").choices):
        raise PortalError(_("Choose what the file is."), fields={"kind": [_("Invalid.")]})
    if case is not None and case.membership_id != membership.pk:
        raise NotAllowed(_("Only the provider itself may change its cases."))
    return stored_file_save(
        ProviderDocument(membership=membership, kind=kind, case=case),
        upload=upload,
        acting_user=access.user,
        reason=_("Uploaded"),
    )


def provider_document_remove(*, access: ProgramAccess, document: ProviderDocument) -> ProviderDocument:
    membership = _own_open_membership(access)
    if document.membership_id != membership.pk:
        raise NotAllowed(_("Only the provider itself may change its documents."))
    document.is_active = False
    return record_save(
        document, acting_user=access.user, reason=_("Removed"), update_fields=["is_active", "updated_at"]
    )


# Decisions on the pool -----------------------------------------------------------------------------------


@transaction.atomic
def pool_decide(
    *,
    access: ProgramAccess,
    membership: PoolMembership,
    kind: str,
    reason: str,
    decided_on: date | None = None,
    industries=(),
    reference: str = "",
) -> PoolDecision:
    """Admit later (增选, for `industries`), warn, or remove a provider, by a recorded decision."""
    access.require(Capability.MANAGE_POOL)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_("Record the reason for the decision."), fields={"reason": [_("Required.")]})
    if kind not in DecisionKind.values:
        raise PortalError(_("Choose a decision."), fields={"kind": [_("Invalid.")]})
    locked = PoolMembership.objects.select_for_update().get(pk=membership.pk, program=access.program)
    before = locked.status
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate() or decided_on < access.program.starts_on:
        raise PortalError(
            _("The decision date lies between the program's start and today."), fields={"decided_on": [_("Invalid.")]}
        )
    if kind == DecisionKind.ADMIT:
        industries = list(industries)
        if not industries:
            raise PortalError(_("Choose the industries it is admitted for."), fields={"industries": [_("Required.")]})
        _check_industries(access.program, industries)
        after = PoolStatus.WARNED if before == PoolStatus.WARNED else PoolStatus.SELECTED
    elif kind == DecisionKind.WARN:
        if before not in (PoolStatus.SELECTED, PoolStatus.WARNED):
            raise Conflict(_("Only a selected provider can be warned."))
        after = PoolStatus.WARNED
    else:
        if before == PoolStatus.REMOVED:
            raise Conflict(_("The provider has already been removed."))
        after = PoolStatus.REMOVED
    decision = record_save(
        PoolDecision(
            membership=locked,
            kind=kind,
            reason=reason,
            reference=reference,
            decided_on=decided_on,
            decided_by=access.user,
            status_before=before,
            status_after=after,
        ),
        acting_user=access.user,
        reason=reason,
    )
    if kind == DecisionKind.ADMIT:
        decision.industries.set(industries)
        locked.industries.add(*industries)
        for industry in industries:
            _select(locked, industry, on=decided_on, decision=decision, actor=access.user)
    if kind == DecisionKind.REMOVE:
        for selection in locked.selections.filter(is_active=True):
            selection.is_active = False
            record_save(selection, acting_user=access.user, reason=reason, update_fields=["is_active", "updated_at"])
    locked.status = after
    record_save(locked, acting_user=access.user, reason=f"{decision.get_kind_display()}：{reason}")
    queue_after_commit("notifications.tasks.selection_event_task", "decision", decision.pk)
    return decision


def _select(membership, industry, *, on, actor, round=None, decision=None):
    if membership.selections.filter(industry=industry, is_active=True).exists():
        return None
    return record_save(
        ProviderSelection(membership=membership, industry=industry, round=round, decision=decision, selected_on=on),
        acting_user=actor,
        reason=_("Selected"),
    )


# Selection rounds: set-up --------------------------------------------------------------------------------

ROUND_FIELDS = ("title", "opens_on", "closes_on", "places", "template", "notes")


def _lock_round(access, selection_round) -> SelectionRound:
    locked = SelectionRound.objects.select_for_update().filter(pk=selection_round.pk, program=access.program).first()
    if locked is None:
        raise NotAllowed(_("The round is not one of this program's."))
    return locked


def _check_round_fields(access, fields, industries):
    template = fields.get("template")
    if template is not None and (
        template.program_id != access.program.pk or template.purpose != SheetPurpose.SELECTION
    ):
        raise PortalError(_("Choose one of the program's selection sheets."), fields={"template": [_("Invalid.")]})
    if not industries:
        raise PortalError(_("Choose at least one industry."), fields={"industries": [_("Required.")]})
    _check_industries(access.program, industries)


@transaction.atomic
def round_create(*, access: ProgramAccess, fields: dict, industries) -> SelectionRound:
    """A new round in preparation; the committee is seated and the window opened afterwards."""
    access.require(Capability.RUN_SELECTION)
    industries = list(industries)
    _check_round_fields(access, fields, industries)
    selection_round = record_save(
        SelectionRound(program=access.program, created_by=access.user, **fields),
        acting_user=access.user,
        reason=_("Round created"),
    )
    selection_round.industries.set(industries)
    return selection_round


@transaction.atomic
def round_update(*, access: ProgramAccess, selection_round: SelectionRound, fields: dict, industries, reason=""):
    """Change a round before scoring starts; the sheet and places are fixed once a sheet exists."""
    access.require(Capability.RUN_SELECTION)
    locked = _lock_round(access, selection_round)
    ROUND.require("update", locked.status)
    industries = list(industries)
    _check_round_fields(access, fields, industries)
    kept = {industry.pk for industry in industries}
    applied = set(locked.applications.filter(status=ApplicationStatus.SUBMITTED).values_list("industries", flat=True))
    if applied - kept:
        raise PortalError(
            _("Providers have applied in an industry you removed; keep it in the round."),
            fields={"industries": [_("Invalid.")]},
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    record_save(locked, acting_user=access.user, reason=reason or _("Round changed"))
    locked.industries.set(industries)
    return locked


@transaction.atomic
def round_seat(*, access: ProgramAccess, selection_round: SelectionRound, member, capacity: str = "") -> CommitteeSeat:
    """Seat a committee member (a user holding the committee role in the program) before scoring ends."""
    access.require(Capability.RUN_SELECTION)
    locked = _lock_round(access, selection_round)
    ROUND.require("seat", locked.status)
    if Role.COMMITTEE_MEMBER not in program_roles(user=member, program=access.program):
        raise PortalError(
            _("%(user)s holds no committee role in this program.") % {"user": member},
            fields={"member": [_("Invalid.")]},
        )
    seat = locked.seats.filter(member=member).first()
    if seat is not None and seat.is_active:
        raise Conflict(_("%(user)s already sits on this committee.") % {"user": member})
    seat = seat or CommitteeSeat(round=locked, member=member)
    seat.capacity, seat.is_active = capacity, True
    record_save(seat, acting_user=access.user, reason=_("Seated"))
    queue_after_commit("notifications.tasks.selection_event_task", "seat", seat.pk)
    return seat


@transaction.atomic
def round_unseat(*, access: ProgramAccess, seat: CommitteeSeat, reason: str) -> CommitteeSeat:
    access.require(Capability.RUN_SELECTION)
    locked = _lock_round(access, seat.round)
    ROUND.require("unseat", locked.status)
    if not (reason or "").strip():
        raise PortalError(_("Record why the member leaves."), fields={"reason": [_("Required.")]})
    seat.is_active = False
    return record_save(seat, acting_user=access.user, reason=reason, update_fields=["is_active", "updated_at"])


@transaction.atomic
def round_advance(
    *, access: ProgramAccess, selection_round: SelectionRound, expected_status: str = ""
) -> SelectionRound:
    """Open the round for applications, then close applications and start scoring."""
    access.require(Capability.RUN_SELECTION)
    locked = _lock_round(access, selection_round)
    if expected_status and locked.status != expected_status:
        raise Conflict(_("The round is already “%(status)s”.") % {"status": locked.get_status_display()})
    ROUND.require("advance", locked.status)
    target = NEXT_STATUS[locked.status]
    if target == RoundStatus.SCORING:
        if not locked.seats.filter(is_active=True).exists():
            raise PortalError(_("Seat the committee before scoring starts."))
        if not locked.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
            raise PortalError(_("No provider has applied: scoring cannot start."))
    before = locked.get_status_display()
    locked.status = target
    record_save(locked, acting_user=access.user, reason=f"{before} → {locked.get_status_display()}")
    return locked


# Selection rounds: applications and conflicts -------------------------------------------------------------


@transaction.atomic
def round_apply(
    *,
    access: ProgramAccess,
    selection_round: SelectionRound,
    industries,
    team: str,
    solution: str,
    local_support_staff: int,
) -> RoundApplication:
    """The provider applies (or revises its application) while the round is open and inside its window."""
    membership = _own_open_membership(access)
    locked = _lock_round(access, selection_round)
    ROUND.require("apply", locked.status)
    today = timezone.localdate()
    if not (locked.opens_on <= today <= locked.closes_on):
        raise Conflict(
            _("The round takes applications from %(opens)s to %(closes)s while it is open.")
            % {"opens": locked.opens_on, "closes": locked.closes_on}
        )
    industries = list(industries)
    if not industries:
        raise PortalError(_("Choose at least one industry."), fields={"industries": [_("Required.")]})
    _check_industries(access.program, industries, within=set(locked.industries.values_list("pk", flat=True)))
    entry = locked.applications.filter(membership=membership).first() or RoundApplication(
        round=locked, membership=membership
    )
    entry.team, entry.solution, entry.local_support_staff = team, solution, local_support_staff
    if entry.applied_at is None or entry.status == ApplicationStatus.WITHDRAWN:
        entry.applied_at = timezone.now()  # a withdrawn application that returns queues anew for tie-breaks
    entry.status = ApplicationStatus.SUBMITTED
    record_save(entry, acting_user=access.user, reason=_("Applied"))
    entry.industries.set(industries)
    return entry


@transaction.atomic
def round_withdraw(*, access: ProgramAccess, entry: RoundApplication) -> RoundApplication:
    membership = own_membership(access)
    locked = _lock_round(access, entry.round)
    if entry.membership_id != membership.pk:
        raise NotAllowed(_("Only the provider itself may withdraw its application."))
    ROUND.require("withdraw", locked.status)
    entry.status = ApplicationStatus.WITHDRAWN
    return record_save(entry, acting_user=access.user, reason=_("Withdrawn"), update_fields=["status", "updated_at"])


def _seat_of(locked, user) -> CommitteeSeat:
    seat = locked.seats.filter(member=user, is_active=True).first()
    if seat is None:
        raise NotAllowed(_("You do not sit on this round's committee."))
    return seat


@transaction.atomic
def conflict_declare(
    *, access: ProgramAccess, selection_round: SelectionRound, entry: RoundApplication, kind: str, note: str = ""
) -> ConflictDeclaration:
    """A member declares a link to an applicant and is excluded from scoring it. A submitted sheet stands."""
    access.require(Capability.SCORE_SELECTION)
    locked = _lock_round(access, selection_round)
    _seat_of(locked, access.user)
    if entry.round_id != locked.pk:
        raise PortalError(_("The provider did not apply to this round."))
    ROUND.require("conflict_declare", locked.status)
    if entry.sheets.filter(member=access.user, status=SheetStatus.SUBMITTED).exists():
        raise Conflict(_("You have already submitted a sheet for this provider; tell the bureau."))
    if entry.conflicts.filter(member=access.user).exists():
        raise Conflict(_("You have already declared a link to this provider."))
    return record_save(
        ConflictDeclaration(round=locked, member=access.user, application=entry, kind=kind, note=note),
        acting_user=access.user,
        reason=_("Conflict of interest declared"),
    )


# Selection rounds: committee sheets -----------------------------------------------------------------------


@transaction.atomic
def sheet_save(
    *,
    access: ProgramAccess,
    selection_round: SelectionRound,
    entry: RoundApplication,
    scores: dict,
    comment: str = "",
    submit: bool = False,
) -> CommitteeSheet:
    """Save the caller's sheet for one applicant, item by item within each item's maximum; `submit` makes it final
    and needs every item. Refused for a member conflicted with the applicant, by declaration or by organisation."""
    access.require(Capability.SCORE_SELECTION)
    locked = _lock_round(access, selection_round)
    _seat_of(locked, access.user)
    entry = (
        RoundApplication.objects.select_related("membership__organisation")
        .filter(pk=entry.pk, round=locked, status=ApplicationStatus.SUBMITTED)
        .first()
    )
    if entry is None:
        raise PortalError(_("The provider is not an applicant of this round."))
    ROUND.require("sheet_save", locked.status)
    conflict = selectors.member_conflict(member=access.user, entry=entry)
    if conflict:
        raise NotAllowed(conflict)
    sheet = CommitteeSheet.objects.select_for_update().filter(
        application=entry, member=access.user
    ).first() or CommitteeSheet(round=locked, application=entry, member=access.user)
    if sheet.status == SheetStatus.SUBMITTED:
        raise Conflict(_("Your sheet for this provider is submitted and final."))
    filled = sheet_fill(locked.template, scores, complete=submit)
    sheet.comment = comment
    sheet.total, sheet.first_section = filled.total, filled.first_section
    if submit:
        sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, timezone.now()
    record_save(sheet, acting_user=access.user, reason=_("Sheet submitted") if submit else _("Sheet saved"))
    sheet_scores_save(sheet, filled, score_model=SheetScore, acting_user=access.user)
    return sheet


# Selection rounds: confirmation and publication ------------------------------------------------------------


@transaction.atomic
def round_confirm(*, access: ProgramAccess, selection_round: SelectionRound, reason: str = "") -> SelectionRound:
    """Fix the ranking: the top `places` of each industry are the selected list. Refused while an eligible sheet
    is missing, unless `reason` says why the bureau goes on without it."""
    access.require(Capability.RUN_SELECTION)
    locked = _lock_round(access, selection_round)
    ROUND.require("confirm", locked.status)
    reason = (reason or "").strip()
    missing = selectors.missing_sheets(locked)
    if missing and not reason:
        raise PortalError(
            _(
                "%(count)d sheet(s) are missing: %(pairs)s. "
                "Wait for them, or record why the round is confirmed without them."
            )
            % {"count": len(missing), "pairs": "；".join(f"{member} → {entry}" for member, entry in missing[:10])},
            fields={"reason": [_("Required while sheets are missing.")]},
        )
    for table in selectors.round_ranking(locked):
        for row in table.rows:
            record_save(
                RoundResult(
                    round=locked,
                    application=row.entry,
                    industry=table.industry,
                    rank=row.rank,
                    score=row.aggregate.score,
                    first_section=row.aggregate.first_section,
                    sheets_used=len(row.aggregate.used),
                    working=row.aggregate.working,
                    tie_break=row.tie_break,
                    selected=row.proposed,
                ),
                acting_user=access.user,
            )
    locked.status = RoundStatus.CONFIRMED
    locked.confirmed_at, locked.confirmed_by = timezone.now(), access.user
    locked.missing_sheets_reason = reason if missing else ""
    record_save(locked, acting_user=access.user, reason=reason or _("Result confirmed"))
    return locked


@transaction.atomic
def round_publish(*, access: ProgramAccess, selection_round: SelectionRound, published_on: date) -> SelectionRound:
    """Publish the confirmed list on `published_on`: from then on its providers may be picked in their industries."""
    access.require(Capability.RUN_SELECTION)
    locked = _lock_round(access, selection_round)
    ROUND.require("publish", locked.status)
    if published_on is None:
        raise PortalError(_("Give the publication date."), fields={"published_on": [_("Required.")]})
    results = locked.results.filter(selected=True).select_related("application__membership", "industry")
    for result in results:
        membership = PoolMembership.objects.select_for_update().get(pk=result.application.membership_id)
        if membership.status == PoolStatus.REMOVED:
            continue
        membership.industries.add(result.industry)
        _select(membership, result.industry, on=published_on, round=locked, actor=access.user)
        if membership.status == PoolStatus.POOL:
            membership.status = PoolStatus.SELECTED
            record_save(membership, acting_user=access.user, reason=_("Selected in “%(round)s”") % {"round": locked})
    locked.status, locked.published_on = RoundStatus.PUBLISHED, published_on
    record_save(locked, acting_user=access.user, reason=_("Result published"))
    queue_after_commit("notifications.tasks.selection_event_task", "publish", locked.pk)
    return locked
