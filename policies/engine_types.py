"""The policy engine's data: the policy snapshot and a project's facts going in, the result with its lines,
awards, funding and trace coming out, and the error for inputs it cannot evaluate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from policies.engine_words import _, _pct, _speaking
from portal.core.money import format_yuan, round_fen

ZERO = Decimal("0")
ZERO_FEN = Decimal("0.00")


@dataclass(frozen=True)
class Track:
    code: str
    kind: str
    name: str
    params: dict  # key → Decimal | date | int, or key → {qualifier: value} for tables
    industries: tuple[str, ...] = ()  # empty: every industry of the program
    scale: str = ""  # "above" / "below" / "" (any)


@dataclass(frozen=True)
class Policy:
    program: str
    code: str
    tracks: dict[str, Track]
    params: dict = field(default_factory=dict)  # version-wide: general rate, funding shares, award limits, dates


@dataclass(frozen=True)
class Facts:
    track: str
    industry: str = ""
    industry_name: str = ""
    scale: str = ""
    batch: int | None = None
    n_investment: Decimal | None = None
    x_investment: Decimal | None = None
    total_investment: Decimal | None = None
    automation_investment: Decimal | None = None
    level: int | None = None
    accepted_on: date | None = None
    awards: tuple[tuple[str, Decimal], ...] = ()
    # An estimate before acceptance: the day it is made, standing in for the acceptance date it cannot know.
    quoted_on: date | None = None


@dataclass(frozen=True)
class Line:
    component: str
    base: Decimal
    rate: Decimal
    amount: Decimal
    rule: str


@dataclass(frozen=True)
class AwardLine:
    kind: str
    amount: Decimal
    rule: str


@dataclass(frozen=True)
class FundingLine:
    source: str
    amount: Decimal


@dataclass
class Result:
    policy_version: str
    eligible: bool = True
    reasons: list[str] = field(default_factory=list)
    subsidy_lines: list[Line] = field(default_factory=list)
    subsidy_subtotal: Decimal = ZERO_FEN
    cap: Decimal | None = None
    subsidy: Decimal = ZERO_FEN
    award_lines: list[AwardLine] = field(default_factory=list)
    total: Decimal = ZERO_FEN
    funding_lines: list[FundingLine] = field(default_factory=list)
    trace: list = field(default_factory=list)  # notes (str) and lines (Line), in order

    def refuse(self, reason: str) -> Result:
        self.eligible = False
        self.reasons.append(reason)
        self.trace.append(reason)
        return self

    def add_line(self, component, base, rate, rule) -> Line:
        line = Line(component, round_fen(base), rate, round_fen(base * rate), rule)
        self.subsidy_lines.append(line)
        self.trace.append(line)  # rendered to words on demand: see `trace_text`
        return line

    @_speaking
    def trace_text(self) -> list[str]:
        """The trace in words: each line as base × rate = amount (rule), with every note in its place."""
        return [_line_text(item) if isinstance(item, Line) else item for item in self.trace]


def _line_text(line: Line) -> str:
    return _("%(component)s: %(base)s × %(rate)s = %(amount)s (%(rule)s)") % {
        "component": line.component,
        "base": format_yuan(line.base),
        "rate": _pct(line.rate),
        "amount": format_yuan(line.amount),
        "rule": line.rule,
    }


class PolicyError(ValueError):
    """The policy or the facts cannot be evaluated: a required figure is missing or out of range."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message
