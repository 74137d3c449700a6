"""Reads of the ledger: its columns, its lines, one LedgerRow a line (streamed), and the ledger jobs."""

from decimal import Decimal

from django.db.models import Max, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from policies import engine
from portal.core.errors import NotAllowed
from portal.core.roles import Capability
from programs.access import ProgramAccess
from subsidies import calculation
from subsidies.ledger import Layout, LedgerRow
from subsidies.models import (
    FUNDING_SOURCES,
    CalculationRun,
    CarriedFunding,
    FundingSource,
    LedgerJob,
    LineKind,
    Payment,
    RunLine,
    RunStatus,
)
from subsidies.selectors.runs import MONEY, ZERO

COMPONENT_LABELS = {
    "N": "N部分",
    "X": "X部分",
    "base": "基础部分",
    "excess": "超出部分",
    "automation": "自动化设备",
    "pilot": "试点补助",
}


def ledger_jobs(*, access: ProgramAccess, run=None, every: bool = False):
    """The program's ledger jobs (of one run, or of the whole program when `run` is None); `every`: all jobs."""
    if not access.can(Capability.EXPORT_LEDGER):
        raise NotAllowed(_("Your roles in this program do not allow this."))
    jobs = LedgerJob.objects.filter(program=access.program).select_related("requested_by", "file_record")
    return jobs if every else jobs.filter(run=run)


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
