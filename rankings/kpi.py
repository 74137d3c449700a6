"""The KPI board: a program's yearly targets (seed 004, table 1, loaded as data) beside what the portal counts,
per year, for the program and for the programs of its sub-regions together (counts only: a roll-up)."""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import ExtractYear

from acceptance.models import DigitalAssessment
from filings.models import Application, Status
from portal.core.services import record_save
from programs.models import Program
from providers.models import ProviderSelection, Solution, SolutionStatus
from rankings.models import KpiSource, KpiTarget

SEED_FILE = Path(__file__).resolve().parent / "seed_data" / "kpi_targets.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def kpi_targets_load(*, program: Program) -> int:
    """Load the program's targets from the seed file once (a bureau admin edits them afterwards); returns how
    many rows were written."""
    seed = json.loads(SEED_FILE.read_text(encoding="utf-8")).get(program.slug)
    if seed is None or KpiTarget.objects.filter(program=program).exists():
        return 0
    written = 0
    for order, indicator in enumerate(seed["indicators"]):
        for year, target in zip(seed["years"], indicator["targets"], strict=True):
            record_save(
                KpiTarget(
                    program=program,
                    code=indicator["code"],
                    label=indicator["label"],
                    unit=indicator["unit"],
                    year=year,
                    target=Decimal(str(target)),
                    source=indicator["source"],
                    sort_order=order,
                ),
                acting_user=None,
                reason=seed["source_document"],
            )
            written += 1
    return written


def _approved(programs, **where):
    return (
        Application.objects.filter(program__in=programs, status=Status.APPROVED, decided_at__isnull=False, **where)
        .annotate(year=ExtractYear("decided_at", tzinfo=SHANGHAI))
        .values("year")
        .annotate(n=Count("pk"))
    )


def _assessed(programs, **where):
    return (
        DigitalAssessment.objects.filter(application__program__in=programs, phase="after", is_active=True, **where)
        .annotate(year=ExtractYear("assessed_on"))
        .values("year")
        .annotate(n=Count("application", distinct=True))
    )


def _selected(programs):
    return (
        ProviderSelection.objects.filter(membership__program__in=programs, is_active=True)
        .annotate(year=ExtractYear("selected_on"))
        .values("year")
        .annotate(n=Count("membership", distinct=True))
    )


def _chain(programs):
    from subsidies.models import AwardDecision

    return (
        AwardDecision.objects.filter(program__in=programs, kind="chain-case", is_active=True)
        .annotate(year=ExtractYear("decided_on"))
        .values("year")
        .annotate(n=Count("pk"))
    )


def _solutions(programs):
    return (
        Solution.objects.filter(program__in=programs, status=SolutionStatus.PUBLISHED, published_at__isnull=False)
        .annotate(year=ExtractYear("published_at", tzinfo=SHANGHAI))
        .values("year")
        .annotate(n=Count("pk"))
    )


COUNTERS = {
    KpiSource.APPROVED_ABOVE: lambda programs: _approved(programs, enterprise__scale="above"),
    KpiSource.APPROVED_BELOW: lambda programs: _approved(programs, enterprise__scale="below"),
    KpiSource.LITTLE_GIANTS: lambda programs: _approved(programs, enterprise__is_little_giant=True),
    KpiSource.SPECIALISED: lambda programs: _approved(programs, enterprise__is_specialised=True),
    KpiSource.LEVEL2_ABOVE: lambda programs: _assessed(programs, level__gte=2, application__enterprise__scale="above"),
    KpiSource.LEVEL2_BELOW: lambda programs: _assessed(programs, level__gte=2, application__enterprise__scale="below"),
    KpiSource.LEVEL4: lambda programs: _assessed(programs, level__gte=4),
    KpiSource.PROVIDERS: _selected,
    KpiSource.CHAIN_CASES: _chain,
    KpiSource.SOLUTIONS: _solutions,
}


@dataclass
class KpiRow:
    code: str
    label: str
    unit: str
    source: str
    source_label: str
    years: list = field(default_factory=list)  # [(year, target, actual or None, with sub-regions or None)]

    @property
    def total_target(self) -> Decimal:
        return sum((target for _year, target, _actual, _rollup in self.years), Decimal(0))

    @property
    def total_actual(self):
        if not self.source:
            return None
        return sum(actual for _year, _target, actual, _rollup in self.years)

    @property
    def total_rollup(self):
        if not self.source:
            return None
        return sum(rollup for _year, _target, _actual, rollup in self.years)


def kpi_board(program: Program, sub_programs) -> list[KpiRow]:
    """Each indicator with, per year, the target, the program's count and the count with the sub-region programs
    (one grouped query per counted source and scope)."""
    targets = list(KpiTarget.objects.filter(program=program).order_by("sort_order", "year"))
    scopes = {"own": [program], "rollup": [program, *sub_programs]}
    counted = {}
    for source in {target.source for target in targets if target.source}:
        for scope, programs in scopes.items():
            counted[(source, scope)] = {row["year"]: row["n"] for row in COUNTERS[source](programs)}
    rows: dict[str, KpiRow] = {}
    for target in targets:
        row = rows.setdefault(
            target.code,
            KpiRow(target.code, target.label, target.unit, target.source, str(KpiSource(target.source).label)),
        )
        if target.source:
            own = counted[(target.source, "own")].get(target.year, 0)
            rollup = counted[(target.source, "rollup")].get(target.year, 0)
        else:
            own = rollup = None
        row.years.append((target.year, target.target, own, rollup))
    return list(rows.values())
