"""The subsidy rule engine: (policy snapshot, project facts) → result with lines and a readable trace.

Pure: no database, no settings, no clock. A `Policy` is a frozen snapshot of one policy version's numbers
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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

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

    def trace_text(self) -> list[str]:
        """The trace in words: each line as base × rate = amount (rule), with every note in its place."""
        return [_line_text(item) if isinstance(item, Line) else item for item in self.trace]


def _line_text(line: Line) -> str:
    return f"{line.component}: {format_yuan(line.base)} × {_pct(line.rate)} = {format_yuan(line.amount)}（{line.rule}）"


class PolicyError(ValueError):
    """The policy or the facts cannot be evaluated: a required figure is missing or out of range."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def evaluate(policy: Policy, facts: Facts) -> Result:
    """Quote one project. Raises PolicyError for missing or malformed inputs; ineligibility is a result."""
    track = policy.tracks.get(facts.track)
    if track is None:
        raise PolicyError("track", f"未知申报类型：{facts.track}")
    result = Result(policy_version=policy.code)
    params = {**policy.params, **track.params}

    if track.industries and facts.industry and facts.industry not in track.industries:
        return _finish(policy, result.refuse(f"该行业不在“{track.name}”支持的行业范围内"))
    if track.scale and facts.scale and facts.scale != track.scale:
        wanted = "规上（规模以上）" if track.scale == "above" else "规下（规模以下）"
        return _finish(policy, result.refuse(f"“{track.name}”仅支持{wanted}企业"))

    RULES[track.kind](track, params, facts, result)
    if result.eligible:
        _awards(track, params, facts, result)
    return _finish(policy, result)


# --- rule kinds --------------------------------------------------------------------------------------------


def _nx_batch(track, params, facts, result):
    n = _money(facts.n_investment, "n_investment", required=True)
    x = _money(facts.x_investment, "x_investment", required=False)
    if n > 0:
        if facts.batch is None:
            raise PolicyError("batch", "请填写改造批次（N部分补助比例按批次确定）")
        if facts.batch < 1:
            raise PolicyError("batch", "改造批次应为正整数")
        caps = _table(params, "n_cap")
        cap = caps.get(facts.industry) if facts.industry else None
        if cap is None:
            cap = _param(params, "n_cap_default")
            cap_rule = "其他行业N部分上限"
        else:
            cap_rule = f"{facts.industry_name or facts.industry}行业N部分上限"
        rates = _table(params, "n_rate")
        rate = _by_batch(rates, facts.batch)
        base = min(n, cap)
        if base < n:
            rule = (
                f"N部分投入{format_wan(n)}万元超过{cap_rule}{format_wan(cap)}万元，按上限计；"
                f"第{facts.batch}批补助{_pct(rate)}"
            )
        else:
            rule = f"N部分投入（{cap_rule}{format_wan(cap)}万元）；第{facts.batch}批补助{_pct(rate)}"
        result.add_line("N", base, rate, rule)
    if x > 0:
        rate = _param(params, "x_rate")
        result.add_line("X", x, rate, f"X部分投入不分批次，统一补助{_pct(rate)}")
    _subtotal_and_cap(params, result, "project_cap", "单个N+X项目最高补助")


def _tiered_total(track, params, facts, result):
    total = _money(facts.total_investment, "total_investment", required=True)
    floor = _param(params, "floor")
    ceiling = _param(params, "ceiling")
    rate = _param(params, "rate")
    if total < floor:
        result.refuse(f"总投入低于{format_wan(floor)}万元，不符合{track.name}项目条件")
        return
    base = min(total, ceiling)
    result.add_line(
        "base", base, rate, f"总投入{format_wan(floor)}—{format_wan(ceiling)}万元（含）部分按实际投入补助{_pct(rate)}"
    )
    _excess(params, result, total, ceiling)
    _subtotal_and_cap(params, result, "project_cap", "单个项目最高补助")


def _midlevel_factory(track, params, facts, result):
    total = _money(facts.total_investment, "total_investment", required=True)
    automation = _money(facts.automation_investment, "automation_investment", required=False)
    floor = _param(params, "floor")
    ceiling = _param(params, "ceiling")
    rate = _param(params, "rate")
    if total < floor:
        result.refuse(f"软硬件总投入低于{format_wan(floor)}万元，不符合{track.name}项目条件")
        return
    result.add_line("base", min(total, ceiling), rate, f"软硬件总投入{format_wan(ceiling)}万元以内部分补助{_pct(rate)}")
    _excess(params, result, total, ceiling)
    threshold = _param(params, "automation_threshold")
    automation_rate = _param(params, "automation_rate")
    if automation >= threshold:
        result.add_line(
            "automation",
            automation,
            automation_rate,
            f"配套自动化设备投入达到{format_wan(threshold)}万元（含）以上，补助{_pct(automation_rate)}",
        )
    elif automation > 0:
        result.trace.append(f"自动化设备投入{format_wan(automation)}万元，未达到{format_wan(threshold)}万元，不予补助")
    _subtotal_and_cap(params, result, "project_cap", "单个项目最高补助")


def _level_year(track, params, facts, result):
    investment = _money(facts.total_investment, "total_investment", required=True)
    if facts.level is None:
        raise PolicyError("level", "请填写改造后的数字化水平等级（1—4）")
    if facts.accepted_on is None and facts.quoted_on is None:
        raise PolicyError("accepted_on", "请填写验收通过日期")
    minimum = int(_param(params, "min_level"))
    if facts.level < minimum:
        result.refuse(f"改造后数字化水平等级为{facts.level}级，低于{minimum}级，不符合补助条件")
        return
    approval = _param(params, "approval_date")
    pilot_end = params.get("pilot_end")
    rates = _table(params, "year_rate")
    if facts.accepted_on is None:
        year = _estimated_year(approval, pilot_end, rates, facts.quoted_on, result)
    else:
        year = _year_of(approval, facts.accepted_on)
        if year is None or year not in rates or (pilot_end and facts.accepted_on > pilot_end):
            result.refuse(f"验收日期{facts.accepted_on:%Y-%m-%d}不在试点实施期内（自批复日{approval:%Y-%m-%d}起两年）")
            return
    rate = rates[year]
    result.add_line("pilot", investment, rate, f"试点实施期第{year}年，按实际投入总额的{_pct(rate)}")
    caps = _table(params, "level_cap")
    cap = caps.get(facts.level)
    if cap is None:
        raise PolicyError("level", f"数字化水平等级{facts.level}级没有配置补助上限")
    _subtotal(result)
    result.trace.append(f"数字化水平{facts.level}级最高补助{format_wan(cap)}万元")
    if result.subsidy_subtotal > cap:
        result.cap = cap
        result.subsidy = cap
        result.trace.append(f"小计{format_yuan(result.subsidy_subtotal)}元超过上限，按{format_yuan(cap)}元补助")


def _estimated_year(approval, pilot_end, rates, quoted_on, result) -> int:
    """The pilot year an estimate before acceptance uses: that of the day it is made, held within the years the
    policy rates. The acceptance date decides the rate paid, and whether anything is paid: the estimate says so
    rather than refusing a project whose acceptance is still to come."""
    years = sorted(int(year) for year in rates)
    if not years:
        raise PolicyError("year_rate", "政策参数“year_rate”尚未配置")
    year = _year_of(approval, quoted_on) or years[0]
    if year > years[-1] or (pilot_end and quoted_on > pilot_end):
        year = years[-1]
        result.reasons.append(
            f"估算日{quoted_on:%Y-%m-%d}已在试点实施期（自批复日{approval:%Y-%m-%d}起，"
            f"至{pilot_end:%Y-%m-%d}）之外：按第{year}年比例估算；实施期后验收的项目不予补助"
            if pilot_end
            else f"估算日{quoted_on:%Y-%m-%d}已在试点实施期之外：按第{year}年比例估算；实施期后验收的项目不予补助"
        )
    result.trace.append(f"尚未验收：按估算日{quoted_on:%Y-%m-%d}所在的试点年度估算，实际按验收通过日期所在年度确定")
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
        message = (
            f"超过{format_wan(ceiling)}万元的部分按“一般信息化项目”标准补助，该标准尚未配置，"
            f"超出部分{format_yuan(total - ceiling)}元暂不计补助"
        )
        result.reasons.append(message)
        result.trace.append(message)
        return
    result.add_line(
        "excess",
        total - ceiling,
        general,
        f"超过{format_wan(ceiling)}万元的部分按“一般信息化项目”标准补助{_pct(general)}",
    )


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
            f"补助小计{format_yuan(result.subsidy_subtotal)}元超过{label}{format_wan(cap)}万元，"
            f"按{format_yuan(cap)}元补助"
        )


def _awards(track, params, facts, result):
    limits = project_award_kinds(params)
    fixed = _table(params, "award_fixed")
    minimums = _table(params, "award_min")
    automatic = params.get("acceptance_award")
    if automatic:
        result.award_lines.append(
            AwardLine("acceptance", automatic, f"评审验收通过后一次性奖励{format_wan(automatic)}万元")
        )
    for kind, amount in facts.awards:
        if kind not in limits:
            raise PolicyError("award", f"本政策没有“{kind}”类奖励")
        amount = _money(amount, "award", required=True)
        if kind in fixed:
            if amount != fixed[kind]:
                raise PolicyError(
                    "award", f"“{kind}”奖励为固定金额{format_yuan(fixed[kind])}元，不能为{format_yuan(amount)}元"
                )
            rule = f"固定金额一次性奖励{format_wan(fixed[kind])}万元"
        else:
            if amount > limits[kind]:
                raise PolicyError(
                    "award", f"“{kind}”奖励{format_yuan(amount)}元超过最高额{format_yuan(limits[kind])}元"
                )
            if kind in minimums and amount < minimums[kind]:
                raise PolicyError(
                    "award", f"“{kind}”奖励{format_yuan(amount)}元低于最低额{format_yuan(minimums[kind])}元"
                )
            rule = f"经决定给予，最高{format_wan(limits[kind])}万元"
        if kind in LEVEL_AWARD_KINDS:
            rule = _check_standard(params, facts, kind, rule)
        result.award_lines.append(AwardLine(kind, round_fen(amount), rule))
    for line in result.award_lines:
        result.trace.append(f"奖励（{line.kind}）：{format_yuan(line.amount)}元，不受补助上限限制")


def _check_standard(params, facts, kind, rule) -> str:
    needed = standard_level(params)
    if facts.level is None:
        raise PolicyError("award", f"“{kind}”奖励须有改造后的数字化水平等级（达标等级{needed}级）")
    if facts.level < needed:
        raise PolicyError(
            "award", f"改造后数字化水平等级为{facts.level}级，未达到达标等级{needed}级，不能给予“{kind}”奖励"
        )
    return f"{rule}；改造后数字化水平{facts.level}级，达到达标等级{needed}级"


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
            own_rule.append(f"“{line.kind}”奖励中央资金占{_pct(share)}")
    central = round_fen(exact)
    local = result.total - central
    note = f"资金来源：中央资金按补助{'及奖励' if result.award_lines else ''}的{_pct(central_share)}计"
    if own_rule:
        note += "（" + "，".join(own_rule) + "）"
    result.trace.append(f"{note}，为{format_yuan(central)}元；地方资金{format_yuan(local)}元")
    city_share = params.get("city_share")
    if city_share is None:
        return [FundingLine("central", central), FundingLine("local", local)]
    city = round_fen(local * city_share)
    return [FundingLine("central", central), FundingLine("city", city), FundingLine("county", local - city)]


# --- small helpers -----------------------------------------------------------------------------------------


def _money(value, name, *, required) -> Decimal:
    if value is None:
        if required:
            raise PolicyError(name, f"请填写{FIELD_LABELS.get(name, name)}")
        return ZERO
    if not isinstance(value, Decimal):
        raise PolicyError(name, f"{FIELD_LABELS.get(name, name)}应为金额")
    if value < 0:
        raise PolicyError(name, f"{FIELD_LABELS.get(name, name)}不能为负数")
    return value


def _param(params, key):
    value = params.get(key)
    if value is None:
        raise PolicyError(key, f"政策参数“{key}”尚未配置")
    return value


def _table(params, key) -> dict:
    value = params.get(key) or {}
    return value if isinstance(value, dict) else {}


def _by_batch(rates: dict, batch: int) -> Decimal:
    """The rate of `batch`; batches after the last configured one keep the last rate."""
    if not rates:
        raise PolicyError("n_rate", "政策参数“n_rate”尚未配置")
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
    "n_investment": "N部分投入",
    "x_investment": "X部分投入",
    "total_investment": "总投入",
    "automation_investment": "自动化设备投入",
    "award": "奖励金额",
}
