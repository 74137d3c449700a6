"""Reads of pilot enterprises (试点企业): the quota, the pilots per industry, their counts and their credit codes."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from enterprises.models import EnterpriseProfile, PilotDesignation, PilotListPublication, TargetEnterprise
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.models import Batch, Industry


@dataclass(frozen=True)
class PilotQuota:
    """Pilots per industry under the program's active policy; None where the policy sets no number."""

    minimum: int | None = None
    maximum: int | None = None

    @property
    def is_set(self) -> bool:
        return self.minimum is not None or self.maximum is not None


def pilot_quota(*, program) -> PilotQuota:
    """The active policy's `pilot_quota_min` / `pilot_quota_max` (one query); no quota where it has none."""
    from policies.models import PolicyParameter, VersionStatus

    found = dict(
        PolicyParameter.objects.filter(
            version__program=program,
            version__status=VersionStatus.ACTIVE,
            track__isnull=True,
            key__in=("pilot_quota_min", "pilot_quota_max"),
            value__isnull=False,
        ).values_list("key", "value")
    )
    minimum, maximum = found.get("pilot_quota_min"), found.get("pilot_quota_max")
    return PilotQuota(
        minimum=None if minimum is None else int(minimum), maximum=None if maximum is None else int(maximum)
    )


def pilot_list(*, access: ProgramAccess, batch=None):
    """The program's active pilots, with what their rows show, of one batch when `batch` (an id) is given;
    staff readers only."""
    access.require(Capability.VIEW_ALL_ENTERPRISES)
    pilots = PilotDesignation.objects.filter(program=access.program, is_active=True)
    if batch is not None:
        pilots = pilots.filter(batch_id=batch)
    return pilots.select_related("target__township", "industry", "designated_by", "batch").order_by(
        "industry__sort_order", "industry__code", "target__name"
    )


def pilot_get(*, access: ProgramAccess, pk) -> PilotDesignation:
    """One designation of the program (active or revoked); 404 alike for absent and another program's."""
    access.require(Capability.VIEW_ALL_ENTERPRISES)
    qs = PilotDesignation.objects.filter(program=access.program).select_related("target__township", "industry")
    return get_or_404(qs.select_related("designated_by", "batch"), pk)


def pilot_candidates(*, program):
    """Active target enterprises of the program that are not an active pilot, each with `profile_band`: the
    output band of the enterprise's profile in the program (matched by credit code), empty without one."""
    band = EnterpriseProfile.objects.filter(program=program, organisation__uscc=OuterRef("uscc")).values("output_band")[
        :1
    ]
    return (
        TargetEnterprise.objects.filter(program=program, is_active=True)
        .exclude(pilot_designations__is_active=True)
        .annotate(profile_band=Subquery(band))
        .select_related("township")
        .order_by("industry_id", "name")
    )


def pilot_batches(*, program):
    """The program's batches, to designate pilots in and publish their lists (one query)."""
    return Batch.objects.filter(program=program).order_by("number")


def pilot_publication_list(*, access: ProgramAccess):
    """Every publication of the program's pilot lists, current and superseded, newest first; staff readers."""
    access.require(Capability.VIEW_ALL_ENTERPRISES)
    return (
        PilotListPublication.objects.filter(program=access.program)
        .select_related("batch", "published_by")
        .annotate(pilot_count=Count("designations"))
        .order_by("batch__number", "-created_at", "-id")
    )


def pilot_announcement(*, program):
    """The current publication of each batch, with its pilots still designated (two queries)."""
    pilots = (
        PilotDesignation.objects.filter(is_active=True)
        .select_related("target", "industry")
        .order_by("industry__sort_order", "industry__code", "target__name")
    )
    return (
        PilotListPublication.objects.filter(program=program, is_active=True)
        .select_related("batch")
        .prefetch_related(Prefetch("designations", queryset=pilots, to_attr="pilots"))
        .order_by("batch__number")
    )


def pilot_industry_counts(*, program):
    """The program's active industries, each with `pilot_count` (its active pilots): one query."""
    return (
        Industry.objects.filter(program=program, is_active=True)
        .annotate(pilot_count=Count("pilot_designations", filter=Q(pilot_designations__is_active=True)))
        .order_by("sort_order", "code")
    )


def pilot_summary(*, program) -> dict:
    """The dashboard's figures: total pilots, the quota, and per industry the count and whether it meets the goal."""
    quota = pilot_quota(program=program)
    industries = list(pilot_industry_counts(program=program))
    return {
        "total": sum(industry.pilot_count for industry in industries),
        "quota": quota,
        "industries": industries,
        "at_goal": sum(1 for i in industries if quota.minimum is not None and i.pilot_count >= quota.minimum),
    }


def pilot_usccs(*, program) -> frozenset[str]:
    """Credit codes of the program's active pilots, to mark an enterprise wherever it appears (one query)."""
    if program is None:
        return frozenset()
    rows = PilotDesignation.objects.filter(program=program, is_active=True).values_list("target__uscc", flat=True)
    return frozenset(rows)
