"""The policy engine's awards (kinds, limits, the digital-level standard) and funding: the result finished
with its awards and total, and split into central, city and county funds."""

from __future__ import annotations

from django.utils.translation import pgettext

from policies.engine_params import _amount, _table
from policies.engine_types import ZERO_FEN, AwardLine, FundingLine, PolicyError
from policies.engine_words import _, _pct
from portal.core.money import format_wan, format_yuan, round_fen

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
