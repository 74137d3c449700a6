"""Reads of the money a run's lines got: what the pools funded at approval and later (carried fundings),
what has been paid and what is outstanding, pools, awards and an enterprise's own lines."""

from collections import defaultdict

from django.db.models import OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from portal.core.errors import NotAllowed
from portal.core.roles import Capability
from programs.access import ProgramAccess
from subsidies.models import (
    FUNDING_SOURCES,
    AwardDecision,
    CalculationRun,
    CarriedFunding,
    FundingPool,
    Payment,
    PoolAllocation,
    RunLine,
)
from subsidies.selectors.runs import MONEY, ZERO, _paid_and_later, _readable


def _carried(fundings):
    paid = Payment.objects.filter(carried=OuterRef("pk")).values("carried").annotate(s=Sum("amount")).values("s")[:1]
    return fundings.select_related("pool", "run", "line__run", "allocated_by").annotate(
        paid=Coalesce(Subquery(paid), Value(ZERO), **MONEY)
    )


def carried_by_run(run: CalculationRun):
    """The fundings this run's approval gave earlier runs' lines (their shortfalls), first accepted first, with
    what has been paid on each."""
    return _carried(CarriedFunding.objects.filter(run=run)).order_by(
        "line__accepted_at", "line__application_id", "line_id", "pool__source"
    )


def carried_to_run(run: CalculationRun):
    """The fundings this run's lines got after their approval (from later runs), with what has been paid."""
    return _carried(CarriedFunding.objects.filter(line__run=run, line__generation=run.generation)).order_by(
        "line__position", "run__number", "pool__source"
    )


def line_carried(line: RunLine):
    """What later runs funded on this line, with what has been paid on each."""
    return _carried(CarriedFunding.objects.filter(line=line)).order_by("run__number", "pool__source")


def carried_outstanding(run: CalculationRun) -> dict:
    """{carried funding id: funded later by this run but not yet paid}, only those with something left."""
    paid = defaultdict(lambda: ZERO)
    for carried_id, amount in Payment.objects.filter(carried__run=run).values_list("carried_id", "amount"):
        paid[carried_id] += amount
    return {
        pk: amount - paid[pk]
        for pk, amount in CarriedFunding.objects.filter(run=run).values_list("pk", "amount")
        if amount - paid[pk]
    }


def funded_amounts(lines) -> dict:
    """{(line id, source): the part of the line's share the pools granted (all of it for unpooled sources)}.
    `lines`: a queryset of lines, or a few lines."""
    lines = _line_queryset(lines)
    shortfalls = defaultdict(lambda: ZERO)
    for line_id, source, requested, allocated in PoolAllocation.objects.filter(line__in=lines.values("pk")).values_list(
        "line_id", "pool__source", "requested", "allocated"
    ):
        shortfalls[(line_id, source)] += requested - allocated
    return {
        (pk, source): share - shortfalls[(pk, source)]
        for pk, *shares in lines.values_list("pk", *FUNDING_SOURCES).iterator(chunk_size=5000)
        for source, share in zip(FUNDING_SOURCES, shares, strict=True)
        if share
    }


def paid_amounts(lines) -> dict:
    """{(line id, source): paid against what the pools granted at the line's approval (payments against money
    funded later are counted with that funding: see `carried_outstanding`)}."""
    paid = defaultdict(lambda: ZERO)
    for line_id, source, amount in Payment.objects.filter(
        line__in=_line_queryset(lines).values("pk"), carried__isnull=True
    ).values_list("line_id", "source", "amount"):
        paid[(line_id, source)] += amount
    return paid


def outstanding(lines) -> dict:
    """{(line id, source): funded at approval but not yet paid}, only the pairs with something left."""
    paid = paid_amounts(lines)
    return {key: amount - paid[key] for key, amount in funded_amounts(lines).items() if amount - paid[key]}


def _line_queryset(lines):
    if isinstance(lines, QuerySet):
        return lines
    return RunLine.objects.filter(pk__in=[line.pk for line in lines])


def pool_list(*, access: ProgramAccess):
    _readable(access)
    return FundingPool.objects.filter(program=access.program).order_by("source")


def pool_exists(*, access: ProgramAccess, source: str) -> bool:
    """Whether the program has opened the pool of funding `source` (the caller has checked its right)."""
    return FundingPool.objects.filter(program=access.program, source=source).exists()


def pool_carried(pool: FundingPool, *, limit: int = 200):
    """What the pool gave lines after their approval (their shortfalls), in the order drawn."""
    return _carried(CarriedFunding.objects.filter(pool=pool)).order_by("sequence")[:limit]


def pool_allocations(pool: FundingPool, *, limit: int = 200):
    return (
        PoolAllocation.objects.filter(pool=pool)
        .select_related("line__run", "line__application")
        .order_by("sequence")[:limit]
    )


def award_list(*, access: ProgramAccess):
    if not access.can(Capability.VIEW_RUNS):
        raise NotAllowed(_("Your roles in this program do not allow this."))
    return AwardDecision.objects.filter(program=access.program).select_related(
        "application__enterprise__organisation", "application__enterprise__industry", "granted_by"
    )


def award_candidates(*, access: ProgramAccess):
    """Projects of the program that went through acceptance: those an award can be granted to."""
    from django.db.models import Exists

    from acceptance.models import AcceptanceReview
    from filings.models import Application

    return (
        Application.objects.filter(program=access.program)
        .filter(Exists(AcceptanceReview.objects.filter(application=OuterRef("pk"))))
        .select_related("enterprise__organisation")
        .order_by("enterprise__organisation__name", "pk")
    )


def own_subsidy_lines(*, access: ProgramAccess):
    """An enterprise's own lines in approved or paid runs, with what has been paid."""
    access.require(Capability.VIEW_OWN_SUBSIDY)
    organisation = getattr(access.user, "organisation_id", None)
    if organisation is None:
        return RunLine.objects.none()
    return (
        _paid_and_later(
            RunLine.objects.filter(
                run__program=access.program, frozen=True, application__enterprise__organisation_id=organisation
            )
        )
        .select_related("run", "application")
        .order_by("-run__number", "position")
    )
