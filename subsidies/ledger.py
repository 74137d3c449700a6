"""The auditors' Excel ledger (台账): a pure function from ledger rows to xlsx bytes.

One detail sheet (a row per run line, a totals row) and one summary sheet (by industry and by township), Chinese
headers, the header row frozen, filters on, amounts in 元 with two decimals. Written with openpyxl's write-only
mode, row by row, so memory stays flat however many rows there are. Totals are the Decimal sums of the rows,
exactly the figures the pages show.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portal.core import xlsx

MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"
ZERO = Decimal("0.00")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(bold=True)
LEDGER_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class LedgerRow:
    run: int
    run_status: str
    policy_version: str
    position: int
    kind: str
    corrects: str
    enterprise: str
    uscc: str
    township: str
    industry: str
    track: str
    provider: str
    filing_number: str
    batch: int | None
    audited: tuple[Decimal, ...]  # N software, N hardware, X software, X hardware, automation
    components: dict  # component code → (base, rate, amount)
    subsidy_subtotal: Decimal
    cap: Decimal | None
    subsidy: Decimal
    awards: Decimal
    total: Decimal
    funding: dict  # source code → amount
    unfunded: Decimal  # what the pools could not cover at the run's approval
    paid: Decimal  # every payment on the line, also against money funded later
    payment_status: str
    paid_dates: str
    funded_later: Decimal = ZERO  # of `unfunded`: what later runs' approvals funded first
    funded_later_runs: str = ""  # the runs that funded it, e.g. "#2" or "#2—#4"
    paid_later: Decimal = ZERO  # of `paid`: paid against the money funded later

    @property
    def still_unfunded(self) -> Decimal:
        return self.unfunded - self.funded_later


@dataclass(frozen=True)
class Layout:
    """Which subsidy components and funding sources get columns (from the program's policy)."""

    components: list[tuple[str, str]]  # (code, label)
    sources: list[tuple[str, str]]


@dataclass
class _Sums:
    count: int = 0
    subsidy: Decimal = ZERO
    awards: Decimal = ZERO
    total: Decimal = ZERO
    unfunded: Decimal = ZERO
    funded_later: Decimal = ZERO
    paid: Decimal = ZERO
    paid_later: Decimal = ZERO

    def add(self, row: LedgerRow):
        self.count += 1
        self.subsidy += row.subsidy
        self.awards += row.awards
        self.total += row.total
        self.unfunded += row.unfunded
        self.funded_later += row.funded_later
        self.paid += row.paid
        self.paid_later += row.paid_later

    @property
    def still_unfunded(self) -> Decimal:
        return self.unfunded - self.funded_later


@dataclass
class _Summary:
    all: _Sums = field(default_factory=_Sums)
    industries: dict = field(default_factory=dict)
    townships: dict = field(default_factory=dict)
    audited: list = field(default_factory=lambda: [ZERO] * 5)
    components: dict = field(default_factory=dict)
    funding: dict = field(default_factory=dict)

    def add(self, row: LedgerRow):
        self.all.add(row)
        self.industries.setdefault(row.industry, _Sums()).add(row)
        self.townships.setdefault(row.township or "—", _Sums()).add(row)
        self.audited = [a + b for a, b in zip(self.audited, row.audited, strict=True)]
        for code, (_base, _rate, amount) in row.components.items():
            self.components[code] = self.components.get(code, ZERO) + amount
        for source, amount in row.funding.items():
            self.funding[source] = self.funding.get(source, ZERO) + amount


def build_ledger(
    rows: Iterable[LedgerRow], *, title: str, layout: Layout, progress: Callable[[int], None] | None = None
) -> bytes:
    """The workbook as bytes. `progress(done)` is called every 1,000 rows."""
    with translation.override(LEDGER_LANGUAGE):
        workbook = Workbook(write_only=True)
        summary_sheet = workbook.create_sheet(_("Summary"))
        detail = workbook.create_sheet(_("Ledger"))
        headers = _detail_headers(layout)
        _prepare(detail, headers)
        money = _styler(detail, MONEY_FORMAT)
        rate = _styler(detail, RATE_FORMAT)
        summary = _Summary()
        count = 0
        for row in rows:
            xlsx.append(detail, _detail_cells(row, layout, money, rate))
            summary.add(row)
            count += 1
            if progress and count % 1000 == 0:
                progress(count)
        xlsx.append(detail, _totals_cells(summary, layout, detail))
        detail.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
        _write_summary(summary_sheet, summary, title)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _prepare(sheet, headers):
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    alignment = Alignment(wrap_text=True, vertical="center")
    cells = [
        xlsx.cell(sheet, header, font=HEADER_FONT, fill=HEADER_FILL, alignment=alignment) for header, _width in headers
    ]
    xlsx.append(sheet, cells)


def _styler(sheet, number_format):
    def cell(value):
        if value is None:
            return None
        return xlsx.cell(sheet, value, number_format=number_format)

    return cell


def _detail_headers(layout: Layout) -> list[tuple[str, int]]:
    headers = [
        (_("Run"), 8),
        (_("Run status"), 10),
        (_("Policy version"), 22),
        (_("Line"), 7),
        (_("Line kind"), 8),
        (_("Corrects"), 12),
        (_("Enterprise"), 28),
        (_("Unified social credit code"), 20),
        (_("Township"), 12),
        (_("Industry"), 10),
        (_("Track"), 14),
        (_("Service provider"), 24),
        (_("Filing number"), 18),
        (_("Batch"), 6),
        (_("Audited N software"), 14),
        (_("Audited N hardware"), 14),
        (_("Audited X software"), 14),
        (_("Audited X hardware"), 14),
        (_("Audited automation equipment"), 14),
    ]
    for _code, label in layout.components:
        headers += [
            (_("%(component)s base") % {"component": label}, 14),
            (_("%(component)s rate") % {"component": label}, 9),
            (_("%(component)s amount") % {"component": label}, 14),
        ]
    headers += [
        (_("Subsidy subtotal"), 14),
        (_("Cap applied"), 14),
        (_("Subsidy"), 14),
        (_("Awards"), 14),
        (_("Total"), 14),
    ]
    headers += [(label, 14) for _code, label in layout.sources]
    headers += [
        (_("Unfunded"), 14),
        (_("Funded later"), 14),
        (_("Funded later in run"), 10),
        (_("Still unfunded"), 14),
        (_("Paid"), 14),
        (_("Of which paid on later funding"), 14),
        (_("Payment status"), 10),
        (_("Paid on"), 22),
    ]
    return headers


def _detail_cells(row: LedgerRow, layout: Layout, money, rate) -> list:
    cells = [
        row.run,
        row.run_status,
        row.policy_version,
        row.position,
        row.kind,
        row.corrects,
        row.enterprise,
        row.uscc,
        row.township,
        row.industry,
        row.track,
        row.provider,
        row.filing_number,
        row.batch,
        *(money(amount) for amount in row.audited),
    ]
    for code, _label in layout.components:
        found = row.components.get(code)
        if found is None:
            cells += [None, None, None]
        else:
            cells += [money(found[0]), rate(found[1]), money(found[2])]
    cells += [money(row.subsidy_subtotal), money(row.cap), money(row.subsidy), money(row.awards), money(row.total)]
    cells += [money(row.funding.get(code, ZERO)) for code, _label in layout.sources]
    cells += [
        money(row.unfunded),
        money(row.funded_later),
        row.funded_later_runs,
        money(row.still_unfunded),
        money(row.paid),
        money(row.paid_later),
        row.payment_status,
        row.paid_dates,
    ]
    return cells


def _bold(sheet, value, number_format=None):
    return xlsx.cell(sheet, value, font=TOTAL_FONT, number_format=number_format or None)


def _totals_cells(summary: _Summary, layout: Layout, sheet) -> list:
    money = lambda value: _bold(sheet, value, MONEY_FORMAT)  # noqa: E731
    cells = [_bold(sheet, _("Total")), *([None] * 13), *(money(amount) for amount in summary.audited)]
    for code, _label in layout.components:
        cells += [None, None, money(summary.components.get(code, ZERO))]
    sums = summary.all
    cells += [None, None, money(sums.subsidy), money(sums.awards), money(sums.total)]
    cells += [money(summary.funding.get(code, ZERO)) for code, _label in layout.sources]
    cells += [
        money(sums.unfunded),
        money(sums.funded_later),
        None,
        money(sums.still_unfunded),
        money(sums.paid),
        money(sums.paid_later),
    ]
    return cells


def _write_summary(sheet, summary: _Summary, title: str):
    sheet.column_dimensions["A"].width = 24
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 16
    xlsx.append(sheet, [_bold(sheet, title)])
    xlsx.append(sheet, [])
    for heading, groups in ((_("By industry"), summary.industries), (_("By township"), summary.townships)):
        xlsx.append(sheet, [_bold(sheet, heading)])
        xlsx.append(
            sheet,
            [
                _bold(sheet, value)
                for value in (
                    heading,
                    _("Lines"),
                    _("Subsidy"),
                    _("Awards"),
                    _("Total"),
                    _("Unfunded"),
                    _("Funded later"),
                    _("Still unfunded"),
                    _("Paid"),
                )
            ],
        )
        for name in sorted(groups):
            xlsx.append(sheet, _sum_cells(sheet, name, groups[name], bold=False))
        xlsx.append(sheet, _sum_cells(sheet, _("Total"), summary.all, bold=True))
        xlsx.append(sheet, [])


def _sum_cells(sheet, name, sums: _Sums, *, bold: bool):
    def money(value):
        return xlsx.cell(sheet, value, number_format=MONEY_FORMAT, font=TOTAL_FONT if bold else None)

    label = _bold(sheet, name) if bold else name
    amounts = (
        sums.subsidy,
        sums.awards,
        sums.total,
        sums.unfunded,
        sums.funded_later,
        sums.still_unfunded,
        sums.paid,
    )
    return [label, sums.count, *(money(value) for value in amounts)]
