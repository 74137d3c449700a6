"""Reads of rankings: the snapshots a caller may see, a snapshot's groups and entries with the change since the
previous period, the trend of every subject over the periods, a provider's own positions, which rankings a
program keeps (for the navigation), and the KPI board.

Providers read the horse race only (the published periods, and their own figures unless the program publishes
everyone's); the region rankings (townships, districts) and the KPI board are for staff."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _

from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.models import Program
from programs.selectors import subregion_programs
from rankings import charts, horse_race
from rankings.kinds import indicator_labels
from rankings.kpi import KpiRow, kpi_board
from rankings.models import KpiTarget, RankingEntry, RankingKind, RankingScheme, RankingSnapshot, SnapshotStatus

REGION_KINDS = (RankingKind.TOWNSHIP, RankingKind.DISTRICT)


def _require_reader(access: ProgramAccess, kind=RankingKind.HORSE_RACE):
    if access.can(Capability.VIEW_RANKING):
        return
    if kind == RankingKind.HORSE_RACE and access.can(Capability.VIEW_OWN_RANKING):
        return
    raise NotAllowed(_("Your roles in this program do not allow this."))


def snapshot_list(*, access: ProgramAccess, kind=RankingKind.HORSE_RACE):
    """The program's snapshots of `kind`, newest first. Staff see every snapshot; a provider sees the published
    horse-race ones and no region ranking. An unknown kind is 404."""
    if kind not in RankingKind.values:
        raise Http404
    _require_reader(access, kind)
    snapshots = RankingSnapshot.objects.filter(program=access.program, kind=kind).select_related("published_by")
    if not access.can(Capability.VIEW_RANKING):
        snapshots = snapshots.filter(status=SnapshotStatus.PUBLISHED)
    return snapshots.order_by("-period_start")


def snapshot_get(*, access: ProgramAccess, pk, kind=None) -> RankingSnapshot:
    """One snapshot of the program: of `kind`, or with `kind` None of any kind the caller may read (staff: every
    kind; a provider: the published horse-race periods). 404 alike for absent, foreign and unreadable ids."""
    if kind is not None or not access.can(Capability.VIEW_RANKING):
        return get_or_404(snapshot_list(access=access, kind=kind or RankingKind.HORSE_RACE), pk)
    return get_or_404(RankingSnapshot.objects.filter(program=access.program).select_related("published_by"), pk)


def previous_values(*, snapshot: RankingSnapshot) -> dict[int, dict]:
    """{subject id: raw indicator values} of the overall group of the period before `snapshot` (one query; none
    when there was no earlier snapshot)."""
    previous = (snapshot.inputs or {}).get("previous_period")
    if not previous:
        return {}
    return dict(
        RankingEntry.objects.filter(
            snapshot__program_id=snapshot.program_id,
            snapshot__kind=snapshot.kind,
            snapshot__period_start=previous,
            group=horse_race.OVERALL,
        ).values_list("subject_id", "values")
    )


@dataclass
class GroupView:
    code: str
    name: str
    ranked: list = field(default_factory=list)
    unranked: list = field(default_factory=list)
    chart: str = ""


def own_membership_id(access: ProgramAccess) -> int | None:
    """The pool membership of the caller's provider organisation in this program, if any."""
    from providers.models import PoolMembership

    organisation = getattr(access.user, "organisation_id", None)
    if organisation is None:
        return None
    return (
        PoolMembership.objects.filter(program=access.program, organisation_id=organisation)
        .values_list("pk", flat=True)
        .first()
    )


def snapshot_groups(*, access: ProgramAccess, snapshot: RankingSnapshot) -> list[GroupView]:
    """The overall group first, then each industry; for a provider without the program's leave to see the
    others' figures, its own entries only."""
    entries = snapshot.entries.all().order_by("group", "rank", "subject_name")
    if not access.can(Capability.VIEW_RANKING) and not snapshot.scheme.get("publish_details"):
        entries = entries.filter(subject_id=own_membership_id(access) or 0)
    groups: dict[str, GroupView] = {}
    labels = indicator_labels(snapshot.kind)
    for entry in entries:
        group = groups.setdefault(entry.group, GroupView(entry.group, entry.group_name))
        entry.indicators = [
            (code, label, entry.values.get(code), entry.normalised.get(code)) for code, label in labels.items()
        ]
        entry.change = None if entry.rank is None or entry.previous_rank is None else entry.previous_rank - entry.rank
        (group.ranked if entry.rank is not None else group.unranked).append(entry)
    for group in groups.values():
        group.chart = charts.bar_chart(
            [charts.Bar(entry.subject_name, entry.score, entry.flagged) for entry in group.ranked]
        )
    return sorted(groups.values(), key=lambda group: (group.code != horse_race.OVERALL, group.code))


def period_label(snapshot: RankingSnapshot) -> str:
    """A short label of the snapshot's period for a chart's axis: 07-21 (the horse race's period end),
    2024-06 (a month of townships), 25Q1 (a quarter of districts: short enough for the axis's last place)."""
    if snapshot.kind == RankingKind.DISTRICT:
        return f"{snapshot.period_start:%y}Q{(snapshot.period_start.month - 1) // 3 + 1}"
    if snapshot.kind == RankingKind.TOWNSHIP:
        return f"{snapshot.period_start:%Y-%m}"
    return f"{snapshot.period_end:%m-%d}"


def trends(*, access: ProgramAccess, upto: RankingSnapshot, limit: int = 24):
    """(period labels, [Series per subject]) of the overall scores over the periods of `upto`'s kind up to it."""
    snapshots = list(
        snapshot_list(access=access, kind=upto.kind)
        .filter(period_start__lte=upto.period_start)
        .order_by("-period_start")[:limit]
    )[::-1]
    labels = [period_label(snapshot) for snapshot in snapshots]
    position = {snapshot.pk: index for index, snapshot in enumerate(snapshots)}
    entries = RankingEntry.objects.filter(snapshot__in=snapshots, group=horse_race.OVERALL)
    if not access.can(Capability.VIEW_RANKING) and not upto.scheme.get("publish_details"):
        entries = entries.filter(subject_id=own_membership_id(access) or 0)
    points: dict[int, list] = defaultdict(lambda: [None] * len(snapshots))
    names = {}
    for snapshot_id, subject, name, score in entries.values_list("snapshot_id", "subject_id", "subject_name", "score"):
        points[subject][position[snapshot_id]] = score
        names[subject] = name
    series = [
        charts.Series(names[subject], points[subject])
        for subject in sorted(names, key=names.get)
        if any(point is not None for point in points[subject])  # never ranked: nothing to draw
    ]
    return labels, series


def trend_chart(*, access: ProgramAccess, upto: RankingSnapshot, title: str = "") -> str:
    labels, series = trends(access=access, upto=upto)
    return charts.line_chart(labels, series, maximum=Decimal(100), title=title or _("Overall score by period"))


def own_positions(*, access: ProgramAccess):
    """A provider's overall entries in every published period, newest first."""
    access.require(Capability.VIEW_OWN_RANKING)
    return (
        RankingEntry.objects.filter(
            snapshot__program=access.program,
            snapshot__status=SnapshotStatus.PUBLISHED,
            subject_id=own_membership_id(access) or 0,
        )
        .select_related("snapshot")
        .order_by("-snapshot__period_start", "group")
    )


# Which rankings a program keeps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingNav:
    """The ranking pages of a program beside the horse race: the region rankings it keeps, and whether it has
    KPI targets."""

    township: bool = False
    district: bool = False
    kpi: bool = False
    schemes_made: bool = True  # False: the program has no scheme yet (its defaults are made on first use)

    def keeps(self, kind) -> bool:
        return kind == RankingKind.HORSE_RACE or getattr(self, str(kind), False)


def ranking_nav(*, access: ProgramAccess) -> RankingNav | None:
    """For staff, the ranking pages the program has (one query); None for anyone else, who reads the horse
    race at most."""
    if not access.can(Capability.VIEW_RANKING):
        return None

    def scheme(kind):
        return Exists(RankingScheme.objects.filter(program=OuterRef("pk"), kind=kind))

    township, district, kpi, made = (
        Program.objects.filter(pk=access.program.pk)
        .annotate(
            has_township=scheme(RankingKind.TOWNSHIP),
            has_district=scheme(RankingKind.DISTRICT),
            has_kpi=Exists(KpiTarget.objects.filter(program=OuterRef("pk"))),
            has_scheme=Exists(RankingScheme.objects.filter(program=OuterRef("pk"))),
        )
        .values_list("has_township", "has_district", "has_kpi", "has_scheme")
        .get()
    )
    return RankingNav(township=township, district=district, kpi=kpi, schemes_made=made)


# The KPI board -----------------------------------------------------------------------------------------------


@dataclass
class KpiBoardView:
    rows: list[KpiRow]
    years: list[int]
    with_rollup: bool  # the column with the sub-region programs is shown (VIEW_ROLLUP only)
    charts: list = field(default_factory=list)  # [(year, svg)]


def kpi_percent(actual, target) -> Decimal | None:
    """The count as a percentage of the target, to 0.1 (None without a target or a count)."""
    if actual is None or not target:
        return None
    return (Decimal(100) * Decimal(actual) / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def kpi_view(*, access: ProgramAccess) -> KpiBoardView:
    """The program's KPI board for staff: each indicator's yearly targets beside the program's counts; for a
    VIEW_ROLLUP holder also the counts with the programs of the sub-regions (totals only, never records)."""
    access.require(Capability.VIEW_RANKING)
    with_rollup = access.can(Capability.VIEW_ROLLUP)
    # Without the right to read roll-ups the column is not shown, so it is not counted across programs either.
    sub_programs = list(subregion_programs(access=access)) if with_rollup else []
    rows = kpi_board(access.program, sub_programs)
    years = sorted({year for row in rows for year, *_rest in row.years})
    return KpiBoardView(rows=rows, years=years, with_rollup=with_rollup, charts=kpi_charts(rows, years))


def kpi_charts(rows: list[KpiRow], years: list[int]) -> list:
    """[(year, svg)]: per year, one bar per counted indicator, its count as a percentage of its target (the bar
    stops at 100, the label gives the real percentage)."""
    found = []
    for year in years:
        bars = []
        for number, row in enumerate(rows, start=1):
            if not row.source:
                continue
            for row_year, target, actual, _rollup in row.years:
                if row_year == year and target:
                    bars.append(charts.Bar(f"{number}. {row.label}", kpi_percent(actual, target)))
        if bars:
            title = _("%(year)s: count as a percentage of the target") % {"year": year}
            found.append((year, charts.bar_chart(bars, maximum=Decimal(100), title=title)))
    return found
