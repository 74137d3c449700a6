"""Committee arithmetic (scoring.md §1, §2): a panel's score is the mean of its members' totals, optionally
without the single highest and lowest; ties fall to the first section, then to the earlier application.

Pure functions over plain values, so the pages, the API, the stored results and the tests share one working.
Scores are rounded half-up to 0.01 once, at the mean; ranking compares the rounded (published) means.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

HUNDREDTH = Decimal("0.01")


def round_score(value: Decimal) -> Decimal:
    """Half-up to 0.01.

    >>> round_score(Decimal("85.125"))
    Decimal('85.13')
    >>> round_score(Decimal("85.124"))
    Decimal('85.12')
    """
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Sheet:
    """One submitted sheet: whose (for the working), its total and its first-section subtotal."""

    member: str
    total: Decimal
    first_section: Decimal


@dataclass(frozen=True)
class Aggregate:
    score: Decimal | None
    first_section: Decimal | None
    used: tuple[Sheet, ...]
    dropped: tuple[Sheet, ...] = ()

    @property
    def working(self) -> str:
        """The arithmetic as a reader checks it, e.g. "(80 + 85 + 90) ÷ 3 = 85.00; dropped: 95 (highest)…"."""
        if self.score is None:
            return _("No submitted sheet.")
        terms = " + ".join(f"{sheet.total:.2f}" for sheet in self.used)
        text = f"({terms}) ÷ {len(self.used)} = {self.score}"
        if self.dropped:
            high, low = self.dropped
            text += "；" + _(
                "dropped the highest %(high)s (%(high_member)s) and the lowest %(low)s (%(low_member)s)"
            ) % {
                "high": f"{high.total:.2f}",
                "high_member": high.member,
                "low": f"{low.total:.2f}",
                "low_member": low.member,
            }
        return text


def aggregate(sheets: list[Sheet], *, drop_extremes: bool, min_sheets: int) -> Aggregate:
    """The panel's score from its submitted sheets. With `drop_extremes` and at least `min_sheets` sheets, one
    highest and one lowest total are left out first (of equal totals, the member named last/first in order)."""
    if not sheets:
        return Aggregate(score=None, first_section=None, used=())
    ordered = sorted(sheets, key=lambda sheet: (sheet.total, sheet.member))
    dropped = ()
    if drop_extremes and len(ordered) >= min_sheets:
        dropped = (ordered[-1], ordered[0])
        ordered = ordered[1:-1]
    count = Decimal(len(ordered))
    return Aggregate(
        score=round_score(sum((sheet.total for sheet in ordered), Decimal("0")) / count),
        first_section=round_score(sum((sheet.first_section for sheet in ordered), Decimal("0")) / count),
        used=tuple(sorted(ordered, key=lambda sheet: sheet.member)),
        dropped=dropped,
    )


@dataclass(frozen=True)
class Candidate:
    key: object
    aggregate: Aggregate
    applied_at: datetime


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    rank: int | None  # None: no submitted sheet, not ranked
    tie_break: str = field(default="")


def rank(candidates: list[Candidate]) -> list[Ranked]:
    """Order by score, then first-section score, then earlier application; say where a tie was broken."""
    scored = [c for c in candidates if c.aggregate.score is not None]
    unscored = [c for c in candidates if c.aggregate.score is None]
    scored.sort(key=lambda c: (-c.aggregate.score, -c.aggregate.first_section, c.applied_at))
    ranked = []
    for index, candidate in enumerate(scored):
        neighbours = [scored[i] for i in (index - 1, index + 1) if 0 <= i < len(scored)]
        note = ""
        if any(n.aggregate.score == candidate.aggregate.score for n in neighbours):
            same_first = any(
                n.aggregate.score == candidate.aggregate.score
                and n.aggregate.first_section == candidate.aggregate.first_section
                for n in neighbours
            )
            note = (
                _("tied on score and first section: the earlier application ranks higher")
                if same_first
                else _("tied on score: the higher first-section score ranks higher")
            )
        ranked.append(Ranked(candidate=candidate, rank=index + 1, tie_break=note))
    ranked.extend(Ranked(candidate=c, rank=None) for c in sorted(unscored, key=lambda c: c.applied_at))
    return ranked
