"""Reads on the provider side: the pool, who may be picked, rounds as each role may see them, conflicts,
completeness and the ranking with its working, what the round's and a provider's pages show, and the
registrations of new providers."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q
from django.utils.translation import gettext as _

from organisations.models import affiliated
from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404
from portal.core.roles import Capability, Role
from programs.access import ProgramAccess, role_holders
from programs.models import Industry
from programs.selectors import industry_list
from providers.models import (
    ApplicationStatus,
    CommitteeSheet,
    PoolMembership,
    PoolStatus,
    ProviderCase,
    ProviderDocument,
    ProviderSelection,
    ProviderSignup,
    RoundApplication,
    RoundResult,
    RoundStatus,
    SelectionRound,
    SheetScore,
)
from scoring import aggregation
from scoring.models import SheetStatus
from scoring.selectors import sheet_template_list

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


def provider_rows(*, access: ProgramAccess, industry="", status="", search="", pickable_for=""):
    """The pool as the API lists it: `provider_list` with each provider's active selections (`active_selections`);
    `pickable_for`, an industry code, keeps those a filing of that industry may pick."""
    rows = provider_list(access=access, industry=industry, status=status, search=search).prefetch_related(
        Prefetch(
            "selections",
            queryset=ProviderSelection.objects.filter(is_active=True).select_related("industry"),
            to_attr="active_selections",
        )
    )
    if pickable_for:
        found = industry_list(access=access, with_counts=False).filter(code=pickable_for).first()
        if found is None:
            return rows.none()
        rows = rows.filter(pk__in=pickable_providers(program=access.program, industry=found).values("pk"))
    return rows


def selections_of(membership):
    return ProviderSelection.objects.filter(membership=membership, is_active=True).select_related(
        "industry", "round", "decision"
    )


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


def sheet_visible_get(*, access: ProgramAccess, entry: RoundApplication, pk) -> CommitteeSheet:
    return sheets_visible(access=access, entry=entry).get(pk=pk)


def own_committee_sheet(entry: RoundApplication, member) -> CommitteeSheet | None:
    """The member's own sheet of the applicant, with its scores."""
    return entry.sheets.filter(member=member).prefetch_related("scores").first()


def committee_candidates(program):
    """Users who hold the committee role in `program` now."""
    return role_holders(program=program, role=Role.COMMITTEE_MEMBER).select_related("organisation").order_by("username")


def committee_member_get(*, program, pk):
    """The committee member `pk` of `program`, or None."""
    return committee_candidates(program).filter(pk=pk).first()


def industries_by_code(*, access: ProgramAccess, codes) -> dict:
    """{code: industry} of the program's industries among `codes`."""
    return {
        industry.code: industry for industry in industry_list(access=access, with_counts=False).filter(code__in=codes)
    }


def selection_template_get(*, program, code):
    """The program's active selection sheet `code`, or None."""
    return sheet_template_list(program=program, purpose="selection").filter(code=code, is_active=True).first()


# What the round's pages show -------------------------------------------------------------------------------


def own_application_statuses(membership, rounds) -> dict:
    """{round id: status} of the membership's applications to `rounds`."""
    return dict(
        RoundApplication.objects.filter(membership=membership, round__in=[r.pk for r in rounds]).values_list(
            "round_id", "status"
        )
    )


def round_seats(selection_round) -> list:
    """The round's committee in its seats now."""
    return list(selection_round.seats.filter(is_active=True).select_related("member__organisation"))


def seat_get(selection_round, pk):
    """A seat of the round's committee in force, with its member."""
    return get_or_404(selection_round.seats.filter(is_active=True).select_related("member"), pk)


def member_rows(selection_round, member, entries) -> list[dict]:
    """For a seated member: each applicant with the member's own sheet and any reason it may not score it."""
    sheets = {sheet.application_id: sheet for sheet in selection_round.sheets.filter(member=member)}
    declared = set(selection_round.conflicts.filter(member=member).values_list("application_id", flat=True))
    rows = []
    for entry in entries:
        sheet, conflict = sheets.get(entry.pk), member_conflict(member=member, entry=entry)
        state = "conflict" if conflict else sheet.status if sheet else "missing"
        rows.append(
            {"entry": entry, "sheet": sheet, "conflict": conflict, "declared": entry.pk in declared, "state": state}
        )
    return rows


def round_results(selection_round):
    """The stored results of a confirmed round, best rank first (unranked last), then the earlier application."""
    return selection_round.results.select_related("application__membership__organisation", "industry").order_by(
        F("rank").asc(nulls_last=True), "application__applied_at", "id"
    )


def published_results(selection_round) -> list:
    """The selected providers of a published round, per industry by rank."""
    return list(
        selection_round.results.filter(selected=True)
        .select_related("application__membership__organisation", "industry")
        .order_by("industry__sort_order", "industry__code", "rank")
    )


def own_entry(selection_round, membership) -> RoundApplication | None:
    """The membership's application to the round, whatever its status, with its industries."""
    return selection_round.applications.filter(membership=membership).prefetch_related("industries").first()


def own_submitted_entry(selection_round, membership) -> RoundApplication | None:
    return selection_round.applications.filter(membership=membership, status=ApplicationStatus.SUBMITTED).first()


def apply_initial(selection_round, membership, entry) -> dict:
    """What the application form starts from: the application's answers, else the provider's profile (its
    industries within the round's)."""
    if entry is not None:
        return {
            "industries": list(entry.industries.all()),
            "team": entry.team,
            "solution": entry.solution,
            "local_support_staff": entry.local_support_staff,
        }
    covered = set(selection_round.industries.values_list("pk", flat=True))
    return {
        "industries": [industry for industry in membership.industries.all() if industry.pk in covered],
        "team": membership.team,
        "solution": membership.services,
        "local_support_staff": membership.local_support_staff,
    }


# What a provider's pages show ------------------------------------------------------------------------------


def active_cases(membership, *, with_documents=False):
    """The provider's cases in force, with their industry (and their files when `with_documents`)."""
    cases = membership.cases.filter(is_active=True).select_related("industry")
    return cases.prefetch_related("documents") if with_documents else cases


def case_get(membership, pk) -> ProviderCase:
    return get_or_404(membership.cases.filter(is_active=True), pk)


def active_documents(membership):
    """The provider's files in force, with their case and uploader."""
    return membership.documents.filter(is_active=True).select_related("case", "uploaded_by")


def loose_documents(membership) -> list:
    """The provider's files in force that belong to no case."""
    return list(membership.documents.filter(is_active=True, case__isnull=True))


def document_get(membership, pk) -> ProviderDocument:
    return get_or_404(membership.documents.filter(is_active=True), pk)


def provider_decisions(membership) -> list:
    return list(membership.decisions.select_related("decided_by").prefetch_related("industries"))


def provider_rounds(*, access: ProgramAccess, membership) -> list[dict]:
    """The provider's applications, newest first, each with its results: bureau and audit roles see every round
    past preparation and confirmed results; the provider its own rounds; others only published rounds."""
    staff = access.can(Capability.VIEW_ALL_ENTERPRISES)
    applications = membership.round_applications.select_related("round").prefetch_related("industries")
    if staff:
        applications = applications.exclude(round__status=RoundStatus.DRAFT)
    elif membership.organisation_id != access.user.organisation_id:
        applications = applications.filter(round__status=RoundStatus.PUBLISHED)
    shown_results = (RoundStatus.CONFIRMED, RoundStatus.PUBLISHED) if staff else (RoundStatus.PUBLISHED,)
    results = {}
    for result in RoundResult.objects.filter(
        application__membership=membership, round__status__in=shown_results
    ).select_related("industry"):
        results.setdefault(result.application_id, []).append(result)
    return [{"entry": entry, "results": results.get(entry.pk, [])} for entry in applications.order_by("-applied_at")]


# Registrations of new providers ----------------------------------------------------------------------------


def provider_signups(program):
    """The program's provider registrations, newest first."""
    return (
        ProviderSignup.objects.filter(program=program)
        .select_related("user", "organisation", "decided_by")
        .prefetch_related("industries")
        .order_by("-created_at", "-id")
    )


def provider_signup_get(*, program, pk) -> ProviderSignup:
    return get_or_404(ProviderSignup.objects.filter(program=program), pk)


def signup_industries(program, codes) -> list:
    """The program's active industries among `codes`."""
    return list(Industry.objects.filter(program=program, is_active=True, code__in=codes))
