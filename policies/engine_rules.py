"""The policy engine's rule kinds, one function each (`RULES`), and the steps they share: the excess above a
ceiling, the subtotal and the project cap. Each adds its lines to the result, or refuses the project."""

from __future__ import annotations

from policies.engine_params import _amount, _by_batch, _param, _table, _unconfigured, _year_of
from policies.engine_types import ZERO_FEN, PolicyError
from policies.engine_words import _, _pct
from portal.core.money import format_wan, format_yuan


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
