"""Reads of rankings: the snapshots a caller may see, a snapshot's groups and entries with the change since the
previous period, the trend of every provider over all periods, and a provider's own positions."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from rankings import charts, horse_race
from rankings.kinds import indicator_labels
from rankings.models import RankingEntry, RankingKind, RankingSnapshot, SnapshotStatus


def _require_reader(access: ProgramAccess):
    if not (access.can(Capability.VIEW_RANKING) or access.can(Capability.VIEW_OWN_RANKING)):
        raise NotAllowed(_("Your roles in this program do not allow this."))


def snapshot_list(*, access: ProgramAccess, kind=RankingKind.HORSE_RACE):
    """Staff see every snapshot; a provider sees the published ones."""
    _require_reader(access)
    snapshots = RankingSnapshot.objects.filter(program=access.program, kind=kind).select_related("published_by")
    if not access.can(Capability.VIEW_RANKING):
        snapshots = snapshots.filter(status=SnapshotStatus.PUBLISHED)
    return snapshots.order_by("-period_start")


def snapshot_get(*, access: ProgramAccess, pk) -> RankingSnapshot:
    return get_or_404(snapshot_list(access=access), pk)


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


def trends(*, access: ProgramAccess, upto: RankingSnapshot, limit: int = 24):
    """(period labels, [Series per provider]) of the overall scores over the periods up to `upto`."""
    snapshots = list(
        snapshot_list(access=access).filter(period_start__lte=upto.period_start).order_by("-period_start")[:limit]
    )[::-1]
    labels = [f"{snapshot.period_end:%m-%d}" for snapshot in snapshots]
    position = {snapshot.pk: index for index, snapshot in enumerate(snapshots)}
    entries = RankingEntry.objects.filter(snapshot__in=snapshots, group=horse_race.OVERALL)
    if not access.can(Capability.VIEW_RANKING) and not upto.scheme.get("publish_details"):
        entries = entries.filter(subject_id=own_membership_id(access) or 0)
    points: dict[int, list] = defaultdict(lambda: [None] * len(snapshots))
    names = {}
    for snapshot_id, subject, name, score in entries.values_list("snapshot_id", "subject_id", "subject_name", "score"):
        points[subject][position[snapshot_id]] = score
        names[subject] = name
    series = [charts.Series(names[subject], points[subject]) for subject in sorted(names, key=names.get)]
    return labels, series


def trend_chart(*, access: ProgramAccess, upto: RankingSnapshot) -> str:
    labels, series = trends(access=access, upto=upto)
    return charts.line_chart(labels, series, maximum=Decimal(100), title=_("Overall score by period"))


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
