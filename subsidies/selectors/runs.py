"""Reads of calculation runs: lists, one run with its approval jobs and policy versions, its current lines
with what has been paid on each, and their totals."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Aggregate, Case, CharField, Count, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from portal.core import outbox
from portal.core.errors import NotAllowed
from portal.core.progress import progress_get
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from subsidies import calculation
from subsidies.models import (
    FUNDING_SOURCES,
    CalculationRun,
    CarriedFunding,
    FundingSource,
    JobStatus,
    Payment,
    PoolAllocation,
    RunApproval,
    RunExclusion,
    RunLine,
)

ZERO = Decimal("0.00")
MONEY = {"output_field": RunLine._meta.get_field("total")}


def _readable(access: ProgramAccess):
    if not access.can(Capability.VIEW_RUNS):
        raise NotAllowed(_("Your roles in this program do not allow this."))


def run_list(*, access: ProgramAccess, status: str = ""):
    _readable(access)
    runs = CalculationRun.objects.filter(program=access.program).select_related(
        "policy_version", "created_by", "approved_by"
    )
    return runs.filter(status=status) if status else runs


def run_get(*, access: ProgramAccess, pk) -> CalculationRun:
    _readable(access)
    return get_or_404(
        CalculationRun.objects.filter(program=access.program).select_related(
            "program", "policy_version", "created_by", "reviewed_by", "approved_by"
        ),
        pk,
    )


def _approvals_newest_first():
    return RunApproval.objects.select_related("requested_by").order_by("-created_at", "-id")


def with_approvals(runs: QuerySet) -> QuerySet:
    """`runs` with their approval jobs read in one more query, for `run_approval` on every row of a list."""
    return runs.prefetch_related(Prefetch("approvals", queryset=_approvals_newest_first(), to_attr="approval_list"))


def run_approval(run: CalculationRun) -> RunApproval | None:
    """The run's latest approval job (None when it had none: a small run is approved within the request)."""
    if hasattr(run, "approval_list"):
        return run.approval_list[0] if run.approval_list else None
    return _approvals_newest_first().filter(run=run).first()


def approval_state(approval: RunApproval) -> dict:
    """An approval job as its page and the API show it: status, progress (live while under way), message, and
    whether it waits for the broker."""
    progress, message = approval.progress, approval.message
    if approval.under_way:
        live = progress_get("approval", approval.pk) or {}
        progress, message = live.get("progress", progress), approval.message or live.get("message", "")
    return {
        "id": approval.pk,
        "status": approval.status,
        "status_label": str(approval.get_status_display()),
        "progress": progress,
        "message": message,
        "queued": outbox.queued_state(approval) if approval.status == JobStatus.QUEUED else "",
        "requested_by": str(approval.requested_by),
        "requested_at": approval.created_at,
    }


class _Joined(Aggregate):
    """The distinct values of a text expression joined by commas, in no particular order."""

    function = "GROUP_CONCAT"
    allow_distinct = True
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "%(function)s(%(distinct)s%(expressions)s, ',')"
        return self.as_sql(compiler, connection, function="STRING_AGG", template=template, **extra_context)


def runs_with_versions(runs: QuerySet) -> QuerySet:
    """`runs` with `line_versions`, read in the same query: for a calculated run without a single version, the
    codes of the versions its current lines were priced under (joined by commas; see `run_versions`)."""
    codes = (
        RunLine.objects.filter(run=OuterRef("pk"), generation=OuterRef("generation"))
        .order_by()
        .values("run")
        .annotate(codes=_Joined(KT("result__policy_version"), distinct=True))
        .values("codes")[:1]
    )
    return runs.annotate(
        line_versions=Case(
            When(policy_version__isnull=True, generation__gt=0, then=Subquery(codes)),
            default=Value(""),
            output_field=CharField(),
        )
    )


def run_versions(run: CalculationRun) -> list[str]:
    """The codes of the policy versions the run's current lines were priced under, sorted: its own version when
    it has one; for a run priced under several, what `runs_with_versions` read, or else one query."""
    if run.policy_version_id:
        return [run.policy_version.code]
    if not run.generation:
        return []
    joined = getattr(run, "line_versions", None)
    if joined is None:
        return calculation.run_policy_versions(run)
    return sorted({code for code in joined.split(",") if code})


def _paid_and_later(lines):
    """`lines` with `paid` (every payment on the line, also against money funded later) and `funded_later`
    (what pools granted the line after its own approval)."""
    paid = Payment.objects.filter(line=OuterRef("pk")).values("line").annotate(s=Sum("amount")).values("s")[:1]
    later = CarriedFunding.objects.filter(line=OuterRef("pk")).values("line").annotate(s=Sum("amount")).values("s")[:1]
    return lines.annotate(
        paid=Coalesce(Subquery(paid), Value(ZERO), **MONEY),
        funded_later=Coalesce(Subquery(later), Value(ZERO), **MONEY),
    )


def run_lines(run: CalculationRun):
    """The run's current lines, in order, with what has been paid on each and what was funded later."""
    return _paid_and_later(
        RunLine.objects.filter(run=run, generation=run.generation).select_related("corrects__run")
    ).order_by("position")


def run_exclusions(run: CalculationRun):
    return RunExclusion.objects.filter(run=run, generation=run.generation).order_by("application_id")


def line_get(*, access: ProgramAccess, run: CalculationRun, pk) -> RunLine:
    _readable(access)
    return get_or_404(run_lines(run).select_related("application", "review"), pk)


def program_line_find(*, access: ProgramAccess, pk) -> RunLine | None:
    """A line of any run of the program, with its run; None for an unknown id or another program's."""
    return RunLine.objects.filter(run__program=access.program, pk=pk).select_related("run").first()


@dataclass
class Group:
    name: str
    lines: int = 0
    subsidy: Decimal = ZERO
    awards: Decimal = ZERO
    total: Decimal = ZERO


@dataclass
class RunTotals:
    by_industry: list = field(default_factory=list)
    by_township: list = field(default_factory=list)
    by_track: list = field(default_factory=list)
    by_source: list = field(default_factory=list)  # (source code, label, share, unfunded or None)
    by_stage: list = field(default_factory=list)  # (stage, count)


def run_totals(run: CalculationRun) -> RunTotals:
    """Totals of the current lines by industry, township, track and funding source (set-based, few queries)."""
    lines = RunLine.objects.filter(run=run, generation=run.generation)
    totals = RunTotals()
    for name, target in (("industry_name", "by_industry"), ("township", "by_township"), ("track", "by_track")):
        rows = (
            lines.annotate(group=KT(f"inputs__{name}"))
            .values("group")
            .annotate(n=Count("id"), subsidy=Sum("subsidy"), awards=Sum("awards"), total=Sum("total"))
            .order_by("group")
        )
        setattr(
            totals,
            target,
            [Group(row["group"] or "—", row["n"], row["subsidy"], row["awards"], row["total"]) for row in rows],
        )
    sums = lines.aggregate(**{source: Sum(source) for source in FUNDING_SOURCES})
    shortfalls = dict(
        PoolAllocation.objects.filter(line__run=run, line__generation=run.generation)
        .values("pool__source")
        .annotate(short=Sum("requested") - Sum("allocated"))
        .values_list("pool__source", "short")
    )
    totals.by_source = [
        (source, FundingSource(source).label, sums[source] or ZERO, shortfalls.get(source))
        for source in FUNDING_SOURCES
        if sums[source]
    ]
    totals.by_stage = list(
        RunExclusion.objects.filter(run=run, generation=run.generation)
        .values_list("stage")
        .annotate(n=Count("id"))
        .order_by("stage")
    )
    return totals


def line_allocations(line: RunLine):
    return PoolAllocation.objects.filter(line=line).select_related("pool").order_by("pool__source")


def line_payments(line: RunLine):
    return Payment.objects.filter(line=line).select_related("recorded_by", "carried__run").order_by("paid_on", "pk")
