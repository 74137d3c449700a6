"""Reads of calculation runs: lists, a run's lines and totals, pools, awards, payments, the ledger's rows, and
what-ifs of a run under another policy (evaluated in memory, written nowhere)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from policies import engine
from policies.selectors import apply_override, parse_override, policy_snapshot, policy_version_for_quote
from portal.core import outbox
from portal.core.errors import NotAllowed
from portal.core.progress import progress_get
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from subsidies import calculation
from subsidies.ledger import Layout, LedgerRow
from subsidies.models import (
    FUNDING_SOURCES,
    AwardDecision,
    CalculationRun,
    CarriedFunding,
    FundingPool,
    FundingSource,
    JobStatus,
    LedgerJob,
    LineKind,
    Payment,
    PoolAllocation,
    RunApproval,
    RunExclusion,
    RunLine,
    RunStatus,
)

ZERO = Decimal("0.00")
MONEY = {"output_field": RunLine._meta.get_field("total")}

COMPONENT_LABELS = {
    "N": "N部分",
    "X": "X部分",
    "base": "基础部分",
    "excess": "超出部分",
    "automation": "自动化设备",
    "pilot": "试点补助",
}


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


def run_exclusions(run: CalculationRun):
    return RunExclusion.objects.filter(run=run, generation=run.generation).order_by("application_id")


def line_get(*, access: ProgramAccess, run: CalculationRun, pk) -> RunLine:
    _readable(access)
    return get_or_404(run_lines(run).select_related("application", "review"), pk)


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


def ledger_jobs(*, access: ProgramAccess, run=None, every: bool = False):
    """The program's ledger jobs (of one run, or of the whole program when `run` is None); `every`: all jobs."""
    if not access.can(Capability.EXPORT_LEDGER):
        raise NotAllowed(_("Your roles in this program do not allow this."))
    jobs = LedgerJob.objects.filter(program=access.program).select_related("requested_by", "file_record")
    return jobs if every else jobs.filter(run=run)


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


# --- the ledger -------------------------------------------------------------------------------------------


def payment_state(funded: Decimal, paid: Decimal) -> tuple[str, str]:
    """(code, label) of what has been paid on a line against what the pools funded: the pages and the ledger."""
    if funded == 0:
        return "none", _("Nothing to pay")
    if paid == funded:
        return "paid", _("Paid")
    if paid:
        return "partly", _("Partly paid")
    return "unpaid", _("Unpaid")


def ledger_layout(program) -> Layout:
    """Columns for the components the program's policy versions produce, and the funding sources."""
    kinds = list(
        dict.fromkeys(
            program.policy_versions.filter(tracks__isnull=False)
            .values_list("tracks__kind", flat=True)
            .order_by("tracks__kind")
        )
    )
    codes = list(dict.fromkeys(code for kind in sorted(kinds) for code in engine.COMPONENTS.get(kind, ())))
    return Layout(
        components=[(code, COMPONENT_LABELS.get(code, code)) for code in codes],
        sources=[(source, str(FundingSource(source).label)) for source in FUNDING_SOURCES],
    )


def ledger_lines(program, run: CalculationRun | None = None):
    """The lines a ledger lists: a run's current lines, or every approved and paid run's lines of the program."""
    if run is not None:
        lines = RunLine.objects.filter(run=run, generation=run.generation)
    else:
        lines = RunLine.objects.filter(run__program=program, frozen=True)
    return lines


def ledger_count(program, run=None) -> int:
    return ledger_lines(program, run).count()


LEDGER_COLUMNS = (
    "run__number",
    "run__status",
    "position",
    "kind",
    "corrects__run__number",
    "corrects__position",
    "inputs",
    "result",
    "subsidy",
    "awards",
    "total",
    *FUNDING_SOURCES,
    "unfunded",
    "paid",
    "first_paid",
    "last_paid",
    "funded_later",
    "later_first_run",
    "later_last_run",
    "paid_later",
)


def ledger_rows(program, run=None, *, chunk_size=2000):
    """LedgerRow per line, streamed (for 100,000 lines the memory stays flat)."""
    payments = Payment.objects.filter(line=OuterRef("pk")).values("line")
    later = CarriedFunding.objects.filter(line=OuterRef("pk")).values("line")
    lines = (
        ledger_lines(program, run)
        .annotate(
            paid=Coalesce(Subquery(payments.annotate(s=Sum("amount")).values("s")[:1]), Value(ZERO), **MONEY),
            first_paid=Subquery(payments.annotate(d=Min("paid_on")).values("d")[:1]),
            last_paid=Subquery(payments.annotate(d=Max("paid_on")).values("d")[:1]),
            funded_later=Coalesce(Subquery(later.annotate(s=Sum("amount")).values("s")[:1]), Value(ZERO), **MONEY),
            later_first_run=Subquery(later.annotate(n=Min("run__number")).values("n")[:1]),
            later_last_run=Subquery(later.annotate(n=Max("run__number")).values("n")[:1]),
            paid_later=Coalesce(
                Subquery(payments.filter(carried__isnull=False).annotate(s=Sum("amount")).values("s")[:1]),
                Value(ZERO),
                **MONEY,
            ),
        )
        .order_by("run__number", "position")
    )
    statuses = dict(RunStatus.choices)
    kinds = dict(LineKind.choices)
    for values in lines.values_list(*LEDGER_COLUMNS).iterator(chunk_size=chunk_size):
        row = dict(zip(LEDGER_COLUMNS, values, strict=True))
        yield _ledger_row(row, statuses, kinds)


def _ledger_row(row, statuses, kinds) -> LedgerRow:
    inputs, result = row["inputs"], row["result"]
    paid = row["paid"]
    _code, status = payment_state(row["total"] - row["unfunded"] + row["funded_later"], paid)
    first_run, last_run = row["later_first_run"], row["later_last_run"]
    later_runs = "" if first_run is None else f"#{first_run}" if first_run == last_run else f"#{first_run}—#{last_run}"
    first, last = row["first_paid"], row["last_paid"]
    dates = "" if first is None else first.isoformat() if first == last else f"{first.isoformat()} — {last.isoformat()}"
    corrects = f"#{row['corrects__run__number']}-{row['corrects__position']}" if row["corrects__run__number"] else ""
    return LedgerRow(
        run=row["run__number"],
        run_status=str(statuses.get(row["run__status"], row["run__status"])),
        policy_version=result.get("policy_version") or inputs.get("policy_version", ""),
        position=row["position"],
        kind=str(kinds.get(row["kind"], row["kind"])),
        corrects=corrects,
        enterprise=inputs.get("enterprise", ""),
        uscc=inputs.get("uscc", ""),
        township=inputs.get("township", ""),
        industry=inputs.get("industry_name", ""),
        track=inputs.get("track", ""),
        provider=inputs.get("provider", ""),
        filing_number=inputs.get("filing_number", ""),
        batch=inputs.get("batch"),
        audited=tuple(Decimal(inputs[name]) for name in calculation.AUDIT_FIELDS),
        components={
            line["component"]: (Decimal(line["base"]), Decimal(line["rate"]), Decimal(line["amount"]))
            for line in result.get("subsidy_lines", [])
        },
        subsidy_subtotal=Decimal(result["subsidy_subtotal"]),
        cap=None if result.get("cap") is None else Decimal(result["cap"]),
        subsidy=row["subsidy"],
        awards=row["awards"],
        total=row["total"],
        funding={source: row[source] for source in FUNDING_SOURCES},
        unfunded=row["unfunded"],
        paid=paid,
        payment_status=str(status),
        paid_dates=dates,
        funded_later=row["funded_later"],
        funded_later_runs=later_runs,
        paid_later=row["paid_later"],
    )


# --- what-if ----------------------------------------------------------------------------------------------


@dataclass
class WhatIfRow:
    line: RunLine
    current: Decimal
    other: Decimal | None  # None: not eligible or not computable under the other policy
    note: str = ""

    @property
    def difference(self) -> Decimal:
        return (self.other or ZERO) - self.current


@dataclass
class WhatIf:
    version: str
    overrides: list
    rows: list
    current_total: Decimal = ZERO
    other_total: Decimal = ZERO
    changed: int = 0

    @property
    def difference(self) -> Decimal:
        return self.other_total - self.current_total


def run_what_if(*, access: ProgramAccess, run: CalculationRun, version: str = "", overrides=(), show: int = 200):
    """The run's project lines under another policy version and/or changed parameters, side by side: nothing is
    written. `show`: how many changed rows to keep for display (the totals cover every line)."""
    access.require(Capability.COMPARE_POLICIES)
    chosen = policy_version_for_quote(program=run.program, code=version)
    policy = policy_snapshot(version=chosen)
    kinds = {track.kind for track in policy.tracks.values()}
    for text in overrides:
        policy = apply_override(policy, *_parse_for_any(text, kinds))
    found = WhatIf(version=chosen.code, overrides=list(overrides), rows=[])
    for line in run_lines(run).filter(kind=LineKind.PROJECT).iterator(chunk_size=2000):
        result, problem = calculation.evaluate(policy, line.inputs)
        other = result.total if result is not None and result.eligible else None
        note = problem or ("" if result is None or result.eligible else "；".join(result.reasons))
        found.current_total += line.total
        found.other_total += other or ZERO
        if other != line.total:
            found.changed += 1
            if len(found.rows) < show:
                found.rows.append(WhatIfRow(line, line.total, other, note))
    return found


def _parse_for_any(text, kinds):
    error = None
    for kind in sorted(kinds) or [""]:
        try:
            return parse_override(text, track_kind=kind)
        except Exception as problem:  # noqa: BLE001 — try the next kind; the last refusal is the answer
            error = problem
    raise error
