"""Reads on the provider side: the pool, who may be picked, rounds as each role may see them, conflicts,
completeness and the ranking with its working."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from organisations.models import affiliated
from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from providers.models import (
    ApplicationStatus,
    CommitteeSheet,
    PoolMembership,
    PoolStatus,
    ProviderSelection,
    RoundApplication,
    RoundStatus,
    SelectionRound,
    SheetScore,
)
from scoring import aggregation
from scoring.models import SheetStatus

PICKABLE = (PoolStatus.SELECTED, PoolStatus.WARNED)


def provider_list(*, access: ProgramAccess, industry="", status="", search=""):
    """Providers of the program's resource pool; removed ones only for bureau and audit roles."""
    access.require(Capability.VIEW_PROVIDERS)
    qs = (
        PoolMembership.objects.filter(program=access.program)
        .select_related("organisation")
        .prefetch_related("industries")
        .annotate(
            selected_count=Count("selections", filter=Q(selections__is_active=True), distinct=True),
        )
        .order_by("organisation__name", "pk")
    )
    if not access.can(Capability.VIEW_ALL_ENTERPRISES):
        qs = qs.exclude(status=PoolStatus.REMOVED)
    if industry:
        qs = qs.filter(industries__code=industry)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(organisation__name__icontains=search) | Q(organisation__uscc__icontains=search.upper()))
    return qs.distinct() if industry else qs


def provider_get(*, access: ProgramAccess, pk) -> PoolMembership:
    return get_or_404(provider_list(access=access), pk)


def pickable_providers(*, program, industry):
    """The providers an enterprise of `industry` may pick: selected for that industry by a published round or
    a later-admission decision, and neither removed nor deselected since."""
    return (
        PoolMembership.objects.filter(
            program=program,
            status__in=PICKABLE,
            selections__industry=industry,
            selections__is_active=True,
        )
        .select_related("organisation")
        .distinct()
    )


def selections_of(membership):
    return ProviderSelection.objects.filter(membership=membership, is_active=True).select_related("industry", "round")


# Rounds ------------------------------------------------------------------------------------------------


def round_list(*, access: ProgramAccess):
    """Rounds the caller may see: all for bureau and audit roles; those it sits on for a committee member;
    rounds past preparation for a provider."""
    access.require(Capability.VIEW_SELECTION)
    qs = SelectionRound.objects.filter(program=access.program)
    if not access.can(Capability.VIEW_ALL_ENTERPRISES):
        visible = Q(pk__in=[])
        if access.can(Capability.SCORE_SELECTION):
            visible |= Q(seats__member=access.user, seats__is_active=True)
        if access.can(Capability.APPLY_SELECTION):
            visible |= ~Q(status=RoundStatus.DRAFT)
        qs = qs.filter(visible).distinct()
    return (
        qs.select_related("template")
        .prefetch_related("industries")
        .annotate(
            applicant_count=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED), distinct=True
            ),
            seat_count=Count("seats", filter=Q(seats__is_active=True), distinct=True),
        )
        .order_by("-opens_on", "-pk")
    )


def round_get(*, access: ProgramAccess, pk) -> SelectionRound:
    return get_or_404(round_list(access=access), pk)


def round_applicants(selection_round, *, access: ProgramAccess | None = None):
    """Submitted applications of the round; a provider sees only its own."""
    qs = selection_round.applications.filter(status=ApplicationStatus.SUBMITTED)
    if access is not None and not _sees_all_applicants(access, selection_round):
        qs = qs.filter(membership__organisation_id=access.user.organisation_id)
    return qs.select_related("membership__organisation").prefetch_related("industries")


def _sees_all_applicants(access, selection_round) -> bool:
    if access.can(Capability.VIEW_ALL_ENTERPRISES):
        return True
    return access.can(Capability.SCORE_SELECTION) and is_seated(selection_round, access.user)


def entry_get(*, access: ProgramAccess, selection_round, pk) -> RoundApplication:
    return get_or_404(round_applicants(selection_round, access=access), pk)


def is_seated(selection_round, user) -> bool:
    return selection_round.seats.filter(member=user, is_active=True).exists()


def member_conflict(*, member, entry: RoundApplication) -> str:
    """Why `member` may not score `entry` ("" when it may): a declared link, or its own organisation being the
    provider or an affiliate of it."""
    if entry.conflicts.filter(member=member).exists():
        return _("You declared a link to %(provider)s: you do not score it.") % {"provider": entry}
    organisation = entry.membership.organisation
    own = member.organisation
    if own is not None and affiliated(own.pk, own.group_id, organisation.pk, organisation.group_id):
        return _("Your organisation is %(provider)s or affiliated with it: you do not score it.") % {"provider": entry}
    return ""


@dataclass
class Cell:
    """One (member, applicant) pair of the completeness grid."""

    member: object
    entry: RoundApplication
    conflict: str = ""
    sheet: CommitteeSheet | None = None

    @property
    def state(self) -> str:
        if self.conflict:
            return "conflict"
        if self.sheet is None:
            return "missing"
        return self.sheet.status


def completeness(selection_round) -> list[list[Cell]]:
    """Rows per seated member, one cell per applicant: conflicted, missing, draft or submitted."""
    entries = list(round_applicants(selection_round).select_related("membership__organisation__group"))
    seats = list(selection_round.seats.filter(is_active=True).select_related("member__organisation"))
    sheets = {(s.member_id, s.application_id): s for s in selection_round.sheets.all()}
    declared = set(selection_round.conflicts.values_list("member_id", "application_id"))
    grid = []
    for seat in seats:
        member, own = seat.member, seat.member.organisation
        row = []
        for entry in entries:
            provider = entry.membership.organisation
            conflict = ""
            if (member.pk, entry.pk) in declared:
                conflict = _("declared link")
            elif own is not None and affiliated(own.pk, own.group_id, provider.pk, provider.group_id):
                conflict = _("own organisation or affiliate")
            row.append(Cell(member=member, entry=entry, conflict=conflict, sheet=sheets.get((member.pk, entry.pk))))
        grid.append(row)
    return grid


def missing_sheets(selection_round) -> list[tuple]:
    """(member, applicant) pairs that should have a submitted sheet and do not."""
    return [
        (cell.member, cell.entry)
        for row in completeness(selection_round)
        for cell in row
        if cell.state in ("missing", SheetStatus.DRAFT)
    ]


@dataclass
class RankingRow:
    entry: RoundApplication
    aggregate: aggregation.Aggregate
    rank: int | None
    tie_break: str
    proposed: bool
    sheets: list = field(default_factory=list)


@dataclass
class RankingTable:
    industry: object
    rows: list[RankingRow]


def round_ranking(selection_round) -> list[RankingTable]:
    """The ranking per industry from the submitted, eligible sheets, with the top `places` proposed.
    A sheet that became ineligible (a link declared after saving a draft) never counts: only submitted ones do."""
    program = selection_round.program
    entries = list(round_applicants(selection_round))
    submitted = (
        selection_round.sheets.filter(status=SheetStatus.SUBMITTED)
        .select_related("member")
        .order_by("member__username")
    )
    by_entry = {}
    for sheet in submitted:
        by_entry.setdefault(sheet.application_id, []).append(sheet)
    aggregates = {
        entry.pk: aggregation.aggregate(
            [
                aggregation.Sheet(member=str(sheet.member), total=sheet.total, first_section=sheet.first_section)
                for sheet in by_entry.get(entry.pk, [])
            ],
            drop_extremes=program.selection_drop_extremes,
            min_sheets=program.selection_drop_min_sheets,
        )
        for entry in entries
    }
    tables = []
    for industry in selection_round.industries.all():
        candidates = [
            aggregation.Candidate(key=entry, aggregate=aggregates[entry.pk], applied_at=entry.applied_at)
            for entry in entries
            if any(i.pk == industry.pk for i in entry.industries.all())
        ]
        rows = [
            RankingRow(
                entry=ranked.candidate.key,
                aggregate=ranked.candidate.aggregate,
                rank=ranked.rank,
                tie_break=ranked.tie_break,
                proposed=ranked.rank is not None and ranked.rank <= selection_round.places,
                sheets=by_entry.get(ranked.candidate.key.pk, []),
            )
            for ranked in aggregation.rank(candidates)
        ]
        tables.append(RankingTable(industry=industry, rows=rows))
    return tables


def may_see_ranking(access: ProgramAccess, selection_round) -> bool:
    """Bureau and audit roles always; a committee member once it has no sheet left to submit; a provider once
    the result is published."""
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or selection_round.status == RoundStatus.PUBLISHED:
        return True
    if access.can(Capability.SCORE_SELECTION) and is_seated(selection_round, access.user):
        return not [pair for pair in missing_sheets(selection_round) if pair[0].pk == access.user.pk]
    return False


def sheets_visible(*, access: ProgramAccess, entry: RoundApplication):
    """The sheets of one applicant the caller may read: all for bureau and audit roles; for a member, its own,
    and the others' only once its own sheet for this applicant is submitted; none for providers."""
    qs = entry.sheets.select_related("member").prefetch_related(
        Prefetch("scores", queryset=SheetScore.objects.select_related("item__section"))
    )
    if access.can(Capability.VIEW_ALL_ENTERPRISES):
        return qs
    if access.can(Capability.SCORE_SELECTION):
        own_submitted = entry.sheets.filter(member=access.user, status=SheetStatus.SUBMITTED).exists()
        return (
            qs.filter(Q(member=access.user) | Q(status=SheetStatus.SUBMITTED))
            if own_submitted
            else qs.filter(member=access.user)
        )
    raise NotAllowed(_("Your roles in this program do not allow this."))
