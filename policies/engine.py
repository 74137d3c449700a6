"""The subsidy rule engine: (policy snapshot, project facts) → result with lines and a readable trace.

Pure: no database, no clock. A `Policy` is a frozen snapshot of one policy version's numbers
(`policies.selectors.policy_snapshot` builds it from the database once), so the same function quotes one
project on a page and evaluates 100,000 in a calculation run.

Code holds the rule kinds; every number comes from the policy:

- `nx_batch`: N base capped per industry × a rate by participation batch, plus X × one rate; a project cap.
- `tiered_total`: a floor on total investment, a rate up to a ceiling, the general informatization rate above it.
- `midlevel_factory`: as `tiered_total` for software + hardware, plus automation equipment above a threshold
  at its own rate; a project cap; an optional award after acceptance.
- `level_year`: the year rate (by acceptance date from the approval date) × investment, capped by digital level.

Funding: all from `county` unless the policy sets `central_share` (then `central` and `local`, and with
`city_share` the local part splits into `city` and `county`). Awards are funded like the subsidy unless their
kind has its own central share (`award_central_share`; 0: all local).

Rules, reasons and the trace are words for people: gettext in the active language, Chinese unless a request
asks for English. Codes (components, award kinds, parameter keys) stay as they are.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache, wraps

from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext

from portal.core.money import format_wan, format_yuan, round_fen

ZERO = Decimal("0")
ZERO_FEN = Decimal("0.00")

KINDS = ("nx_batch", "tiered_total", "midlevel_factory", "level_year")
# The subsidy components (line codes) each rule kind can produce, in the order a ledger shows them.
COMPONENTS = {
    "nx_batch": ("N", "X"),
    "tiered_total": ("base", "excess"),
    "midlevel_factory": ("base", "excess", "automation"),
    "level_year": ("pilot",),
}
AWARD_KINDS = (
    "sample",
    "standard-reached",
    "excellent-sample",
    "chain-case",
    "new-tech",
    "excellent-product",
    "acceptance",
)
# Awards to a provider's product (seed 004 §18), not to a project: granted in the solution library, never in a run.
PRODUCT_AWARD_KINDS = frozenset({"excellent-product"})
# Awards for reaching the digital-level standard (`standard_level`, default DEFAULT_STANDARD_LEVEL).
LEVEL_AWARD_KINDS = frozenset({"standard-reached"})
DEFAULT_STANDARD_LEVEL = 2


def project_award_kinds(params: dict) -> dict:
    """{kind: maximum} of the awards a project can get under version parameters `params`: the kinds with a
    maximum or a fixed amount (a fixed kind's maximum is its amount), product awards left out."""
    limits = {**_table(params, "award_fixed"), **_table(params, "award_max")}
    return {kind: limit for kind, limit in limits.items() if kind not in PRODUCT_AWARD_KINDS}


def standard_level(params: dict) -> int:
    """The digital level an enterprise reaches to count as standard-reaching (达标)."""
    value = params.get("standard_level")
    return DEFAULT_STANDARD_LEVEL if value is None else int(value)


# --- words ------------------------------------------------------------------------------------------------
# Django's gettext reads the active language from its context on every call (a few µs), and a calculation run
# evaluates 100,000 projects. The engine reads it once per evaluation; `_` then costs a cached lookup.

_UNSET = object()
_LANGUAGE: ContextVar = ContextVar("policy_engine_language", default=_UNSET)


def _speaking(function):
    """Run `function` with the active language read once, for every `_` inside it."""

    @wraps(function)
    def speaking(*args, **kwargs):
        token = _LANGUAGE.set(get_language())
        try:
            return function(*args, **kwargs)
        finally:
            _LANGUAGE.reset(token)

    return speaking


def _(message: str) -> str:
    """gettext in the language `_speaking` read (or the active one, outside it)."""
    language = _LANGUAGE.get()
    return _words(get_language() if language is _UNSET else language, message)


@lru_cache(maxsize=256)
def _words(language: str | None, message: str) -> str:
    with translation.override(language):
        return gettext(message)


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


@_speaking
def evaluate(policy: Policy, facts: Facts) -> Result:
    """Quote one project. Raises PolicyError for missing or malformed inputs; ineligibility is a result."""
    track = policy.tracks.get(facts.track)
    if track is None:
        raise PolicyError("track", _("Unknown track: %(track)s") % {"track": facts.track})
    result = Result(policy_version=policy.code)
    params = {**policy.params, **track.params}

    if track.industries and facts.industry and facts.industry not in track.industries:
        reason = _("The industry is not one that “%(track)s” supports") % {"track": track.name}
        return _finish(policy, result.refuse(reason))
    if track.scale and facts.scale and facts.scale != track.scale:
        if track.scale == "above":
            reason = _("“%(track)s” is for enterprises above designated size only")
        else:
            reason = _("“%(track)s” is for enterprises below designated size only")
        return _finish(policy, result.refuse(reason % {"track": track.name}))

    RULES[track.kind](track, params, facts, result)
    if result.eligible:
        _awards(track, params, facts, result)
    return _finish(policy, result)


# --- rule kinds --------------------------------------------------------------------------------------------


def _nx_batch(track, params, facts, result):
    n = _amount(facts.n_investment, "n_investment", required=True)
    x = _amount(facts.x_investment, "x_investment", required=False)
    if n > 0:
        if facts.batch is None:
            raise PolicyError("batch", _("Give the participation batch (the N part's rate depends on it)."))
        if facts.batch < 1:
            raise PolicyError("batch", _("The participation batch is a positive whole number."))
        caps = _table(params, "n_cap")
        cap = caps.get(facts.industry) if facts.industry else None
        if cap is None:
            cap = _param(params, "n_cap_default")
            cap_rule = _("the N-part cap for other industries")
        else:
            cap_rule = _("the N-part cap for the %(industry)s industry") % {
                "industry": facts.industry_name or facts.industry
            }
        rates = _table(params, "n_rate")
        rate = _by_batch(rates, facts.batch)
        base = min(n, cap)
        figures = {
            "investment": format_wan(n),
            "cap_rule": cap_rule,
            "cap": format_wan(cap),
            "batch": facts.batch,
            "rate": _pct(rate),
        }
        if base < n:
            rule = _(
                "N-part investment of %(investment)s wan yuan is above %(cap_rule)s of %(cap)s wan yuan and counts "
                "at the cap; batch %(batch)s is subsidised at %(rate)s"
            )
        else:
            rule = _("N-part investment (%(cap_rule)s: %(cap)s wan yuan); batch %(batch)s is subsidised at %(rate)s")
        result.add_line("N", base, rate, rule % figures)
    if x > 0:
        rate = _param(params, "x_rate")
        rule = _("X-part investment is subsidised at %(rate)s whatever the batch") % {"rate": _pct(rate)}
        result.add_line("X", x, rate, rule)
    _subtotal_and_cap(params, result, "project_cap", _("the maximum subsidy of one N+X project"))


def _tiered_total(track, params, facts, result):
    total = _amount(facts.total_investment, "total_investment", required=True)
    floor = _param(params, "floor")
    ceiling = _param(params, "ceiling")
    rate = _param(params, "rate")
    if total < floor:
        result.refuse(
            _("A total investment below %(floor)s wan yuan does not qualify for a %(track)s project")
            % {"floor": format_wan(floor), "track": track.name}
        )
        return
    rule = _(
        "Total investment from %(floor)s to %(ceiling)s wan yuan (inclusive) is subsidised at %(rate)s of the "
        "actual amount"
    ) % {"floor": format_wan(floor), "ceiling": format_wan(ceiling), "rate": _pct(rate)}
    result.add_line("base", min(total, ceiling), rate, rule)
    _excess(params, result, total, ceiling)
    _subtotal_and_cap(params, result, "project_cap", _("the maximum subsidy of one project"))


def _midlevel_factory(track, params, facts, result):
    total = _amount(facts.total_investment, "total_investment", required=True)
    automation = _amount(facts.automation_investment, "automation_investment", required=False)
    floor = _param(params, "floor")
    ceiling = _param(params, "ceiling")
    rate = _param(params, "rate")
    if total < floor:
        result.refuse(
            _("A software and hardware investment below %(floor)s wan yuan does not qualify for a %(track)s project")
            % {"floor": format_wan(floor), "track": track.name}
        )
        return
    rule = _("Software and hardware investment up to %(ceiling)s wan yuan is subsidised at %(rate)s") % {
        "ceiling": format_wan(ceiling),
        "rate": _pct(rate),
    }
    result.add_line("base", min(total, ceiling), rate, rule)
    _excess(params, result, total, ceiling)
    threshold = _param(params, "automation_threshold")
    automation_rate = _param(params, "automation_rate")
    if automation >= threshold:
        rule = _("Automation equipment investment of %(threshold)s wan yuan or more is subsidised at %(rate)s") % {
            "threshold": format_wan(threshold),
            "rate": _pct(automation_rate),
        }
        result.add_line("automation", automation, automation_rate, rule)
    elif automation > 0:
        result.trace.append(
            _("Automation equipment investment of %(investment)s wan yuan is below %(threshold)s wan yuan: no subsidy")
            % {"investment": format_wan(automation), "threshold": format_wan(threshold)}
        )
    _subtotal_and_cap(params, result, "project_cap", _("the maximum subsidy of one project"))


def _level_year(track, params, facts, result):
    investment = _amount(facts.total_investment, "total_investment", required=True)
    if facts.level is None:
        raise PolicyError("level", _("Give the digital level after the transformation (1–4)."))
    if facts.accepted_on is None and facts.quoted_on is None:
        raise PolicyError("accepted_on", _("Give the date acceptance was passed."))
    minimum = int(_param(params, "min_level"))
    if facts.level < minimum:
        result.refuse(
            _("The digital level after the transformation is %(level)s, below level %(minimum)s: no subsidy")
            % {"level": facts.level, "minimum": minimum}
        )
        return
    approval = _param(params, "approval_date")
    pilot_end = params.get("pilot_end")
    rates = _table(params, "year_rate")
    if facts.accepted_on is None:
        year = _estimated_year(approval, pilot_end, rates, facts.quoted_on, result)
    else:
        year = _year_of(approval, facts.accepted_on)
        if year is None or year not in rates or (pilot_end and facts.accepted_on > pilot_end):
            result.refuse(
                _(
                    "The acceptance date %(accepted_on)s is outside the pilot period (two years from the approval "
                    "date %(approval)s)"
                )
                % {"accepted_on": facts.accepted_on.isoformat(), "approval": approval.isoformat()}
            )
            return
    rate = rates[year]
    rule = _("Year %(year)s of the pilot period: %(rate)s of the actual total investment") % {
        "year": year,
        "rate": _pct(rate),
    }
    result.add_line("pilot", investment, rate, rule)
    caps = _table(params, "level_cap")
    cap = caps.get(facts.level)
    if cap is None:
        raise PolicyError(
            "level", _("No subsidy cap is configured for digital level %(level)s.") % {"level": facts.level}
        )
    _subtotal(result)
    result.trace.append(
        _("Digital level %(level)s: at most %(cap)s wan yuan") % {"level": facts.level, "cap": format_wan(cap)}
    )
    if result.subsidy_subtotal > cap:
        result.cap = cap
        result.subsidy = cap
        result.trace.append(
            _("The subtotal of %(subtotal)s yuan is above the cap: %(cap)s yuan is paid")
            % {"subtotal": format_yuan(result.subsidy_subtotal), "cap": format_yuan(cap)}
        )


def _estimated_year(approval, pilot_end, rates, quoted_on, result) -> int:
    """The pilot year an estimate before acceptance uses: that of the day it is made, held within the years the
    policy rates. The acceptance date decides the rate paid, and whether anything is paid: the estimate says so
    rather than refusing a project whose acceptance is still to come."""
    years = sorted(int(year) for year in rates)
    if not years:
        raise _unconfigured("year_rate")
    year = _year_of(approval, quoted_on) or years[0]
    dates = {"quoted_on": quoted_on.isoformat(), "approval": approval.isoformat()}
    if year > years[-1] or (pilot_end and quoted_on > pilot_end):
        year = years[-1]
        if pilot_end:
            reason = _(
                "The estimate date %(quoted_on)s is outside the pilot period (from the approval date %(approval)s "
                "to %(pilot_end)s): estimated at the rate of year %(year)s; a project accepted after the period "
                "gets no subsidy"
            )
        else:
            reason = _(
                "The estimate date %(quoted_on)s is outside the pilot period: estimated at the rate of year "
                "%(year)s; a project accepted after the period gets no subsidy"
            )
        result.reasons.append(reason % {**dates, "pilot_end": pilot_end and pilot_end.isoformat(), "year": year})
    result.trace.append(
        _(
            "Not accepted yet: estimated for the pilot year of the estimate date %(quoted_on)s; the year of the "
            "acceptance date decides"
        )
        % dates
    )
    return year


RULES = {
    "nx_batch": _nx_batch,
    "tiered_total": _tiered_total,
    "midlevel_factory": _midlevel_factory,
    "level_year": _level_year,
}


# --- shared steps ------------------------------------------------------------------------------------------


def _excess(params, result, total, ceiling):
    if total <= ceiling:
        return
    general = params.get("general_informatization_rate")
    if general is None:
        message = _(
            "The part above %(ceiling)s wan yuan is subsidised at the “general informatization project” standard, "
            "which is not configured: the excess of %(excess)s yuan gets no subsidy for now"
        ) % {"ceiling": format_wan(ceiling), "excess": format_yuan(total - ceiling)}
        result.reasons.append(message)
        result.trace.append(message)
        return
    rule = _(
        "The part above %(ceiling)s wan yuan is subsidised at the “general informatization project” standard of "
        "%(rate)s"
    ) % {"ceiling": format_wan(ceiling), "rate": _pct(general)}
    result.add_line("excess", total - ceiling, general, rule)


def _subtotal(result):
    result.subsidy_subtotal = sum((line.amount for line in result.subsidy_lines), ZERO_FEN)
    result.subsidy = result.subsidy_subtotal


def _subtotal_and_cap(params, result, key, label):
    _subtotal(result)
    cap = params.get(key)
    if cap is not None and result.subsidy_subtotal > cap:
        result.cap = cap
        result.subsidy = cap
        result.trace.append(
            _(
                "The subsidy subtotal of %(subtotal)s yuan is above %(label)s, %(cap_wan)s wan yuan: %(cap)s yuan "
                "is paid"
            )
            % {
                "subtotal": format_yuan(result.subsidy_subtotal),
                "label": label,
                "cap_wan": format_wan(cap),
                "cap": format_yuan(cap),
            }
        )


def _awards(track, params, facts, result):
    limits = project_award_kinds(params)
    fixed = _table(params, "award_fixed")
    minimums = _table(params, "award_min")
    automatic = params.get("acceptance_award")
    if automatic:
        rule = _("A one-off award of %(amount)s wan yuan once acceptance is passed") % {"amount": format_wan(automatic)}
        result.award_lines.append(AwardLine("acceptance", automatic, rule))
    for kind, amount in facts.awards:
        if kind not in limits:
            raise PolicyError("award", _("This policy has no “%(kind)s” award.") % {"kind": kind})
        amount = _amount(amount, "award", required=True)
        figures = {"kind": kind, "amount": format_yuan(amount)}
        if kind in fixed:
            if amount != fixed[kind]:
                raise PolicyError(
                    "award",
                    _("The “%(kind)s” award is a fixed %(fixed)s yuan, not %(amount)s yuan.")
                    % {**figures, "fixed": format_yuan(fixed[kind])},
                )
            rule = _("A one-off award of a fixed %(amount)s wan yuan") % {"amount": format_wan(fixed[kind])}
        else:
            if amount > limits[kind]:
                raise PolicyError(
                    "award",
                    _("The “%(kind)s” award of %(amount)s yuan is above its maximum, %(maximum)s yuan.")
                    % {**figures, "maximum": format_yuan(limits[kind])},
                )
            if kind in minimums and amount < minimums[kind]:
                raise PolicyError(
                    "award",
                    _("The “%(kind)s” award of %(amount)s yuan is below its minimum, %(minimum)s yuan.")
                    % {**figures, "minimum": format_yuan(minimums[kind])},
                )
            rule = _("Granted by decision, at most %(maximum)s wan yuan") % {"maximum": format_wan(limits[kind])}
        if kind in LEVEL_AWARD_KINDS:
            rule = _check_standard(params, facts, kind, rule)
        result.award_lines.append(AwardLine(kind, round_fen(amount), rule))
    for line in result.award_lines:
        result.trace.append(
            _("Award (%(kind)s): %(amount)s yuan, not held to the subsidy cap")
            % {"kind": line.kind, "amount": format_yuan(line.amount)}
        )


def _check_standard(params, facts, kind, rule) -> str:
    figures = {"kind": kind, "needed": standard_level(params), "level": facts.level, "rule": rule}
    if facts.level is None:
        raise PolicyError(
            "award",
            _(
                "The “%(kind)s” award needs the digital level after the transformation (the standard is level "
                "%(needed)s)."
            )
            % figures,
        )
    if facts.level < figures["needed"]:
        raise PolicyError(
            "award",
            _(
                "The digital level after the transformation is %(level)s, below the standard level %(needed)s: no "
                "“%(kind)s” award."
            )
            % figures,
        )
    return (
        _("%(rule)s; the digital level after the transformation, %(level)s, reaches the standard level %(needed)s")
        % figures
    )


def _finish(policy, result):
    if not result.eligible:
        result.subsidy_lines.clear()
        result.award_lines.clear()
        result.subsidy_subtotal = result.subsidy = result.total = ZERO_FEN
        result.cap = None
        return result
    awards = sum((line.amount for line in result.award_lines), ZERO_FEN)
    result.total = result.subsidy + awards
    result.funding_lines = _funding(policy.params, result)
    return result


def _funding(params, result) -> list[FundingLine]:
    """Central = the subsidy × `central_share` plus each award × its kind's `award_central_share` (the subsidy's
    share when the kind has none), rounded once; local = the rest, split city/county by `city_share`."""
    central_share = params.get("central_share")
    if central_share is None:
        return [FundingLine("county", result.total)]
    award_shares = _table(params, "award_central_share")
    exact = result.subsidy * central_share
    own_rule = []
    for line in result.award_lines:
        share = award_shares.get(line.kind, central_share)
        exact += line.amount * share
        if share != central_share:
            own_rule.append(
                _("central funds are %(share)s of the “%(kind)s” award") % {"kind": line.kind, "share": _pct(share)}
            )
    central = round_fen(exact)
    local = result.total - central
    if result.award_lines:
        note = _("Funding: central funds are %(share)s of the subsidy and awards")
    else:
        note = _("Funding: central funds are %(share)s of the subsidy")
    note %= {"share": _pct(central_share)}
    if own_rule:
        note = _("%(note)s (%(rules)s)") % {"note": note, "rules": pgettext("list separator", ", ").join(own_rule)}
    result.trace.append(
        _("%(note)s, that is %(central)s yuan; local funds %(local)s yuan")
        % {"note": note, "central": format_yuan(central), "local": format_yuan(local)}
    )
    city_share = params.get("city_share")
    if city_share is None:
        return [FundingLine("central", central), FundingLine("local", local)]
    city = round_fen(local * city_share)
    return [FundingLine("central", central), FundingLine("city", city), FundingLine("county", local - city)]


# --- small helpers -----------------------------------------------------------------------------------------


def _amount(value, name, *, required) -> Decimal:
    """A fact the caller has already made a Decimal (typed text goes through `portal.core.money.parse_amount`
    first, in `policies.quotes`): here only present when required, and not negative."""
    label = {"field": FIELD_LABELS.get(name, name)}
    if value is None:
        if required:
            raise PolicyError(name, _("%(field)s is required.") % label)
        return ZERO
    if not isinstance(value, Decimal):
        raise PolicyError(name, _("%(field)s must be an amount.") % label)
    if value < 0:
        raise PolicyError(name, _("%(field)s cannot be negative.") % label)
    return value


def _param(params, key):
    value = params.get(key)
    if value is None:
        raise _unconfigured(key)
    return value


def _unconfigured(key) -> PolicyError:
    return PolicyError(key, _("The policy parameter “%(key)s” is not configured.") % {"key": key})


def _table(params, key) -> dict:
    value = params.get(key) or {}
    return value if isinstance(value, dict) else {}


def _by_batch(rates: dict, batch: int) -> Decimal:
    """The rate of `batch`; batches after the last configured one keep the last rate."""
    if not rates:
        raise _unconfigured("n_rate")
    numbers = sorted(int(key) for key in rates)
    chosen = max((number for number in numbers if number <= batch), default=numbers[0])
    return rates[chosen] if chosen in rates else rates[str(chosen)]


def _year_of(approval: date, accepted_on: date) -> int | None:
    """1 from the approval date to the day before its first anniversary, 2 up to the second, … None before."""
    if accepted_on < approval:
        return None
    year = 1
    while accepted_on >= _anniversary(approval, year):
        year += 1
    return year


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@lru_cache(maxsize=256)
def _pct(rate: Decimal) -> str:
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


FIELD_LABELS = {
    "n_investment": gettext_lazy("N-part investment"),
    "x_investment": gettext_lazy("X-part investment"),
    "total_investment": gettext_lazy("Total investment"),
    "automation_investment": gettext_lazy("Automation equipment investment"),
    "award": gettext_lazy("Award amount"),
}
