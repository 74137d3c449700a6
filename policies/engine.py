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

The parts: `engine_types` (the snapshot, the facts, the result, PolicyError), `engine_rules` (one function a rule
kind, `RULES`), `engine_awards` (awards and funding), `engine_params` (the small helpers) and `engine_words` (the
language read once an evaluation). Callers import from here.
"""

from __future__ import annotations

from policies.engine_awards import (
    AWARD_KINDS,
    DEFAULT_STANDARD_LEVEL,
    LEVEL_AWARD_KINDS,
    PRODUCT_AWARD_KINDS,
    _awards,
    _finish,
    project_award_kinds,
    standard_level,
)
from policies.engine_params import FIELD_LABELS
from policies.engine_rules import RULES
from policies.engine_types import (
    ZERO,
    ZERO_FEN,
    AwardLine,
    Facts,
    FundingLine,
    Line,
    Policy,
    PolicyError,
    Result,
    Track,
)
from policies.engine_words import _, _speaking

__all__ = [
    "AWARD_KINDS",
    "COMPONENTS",
    "DEFAULT_STANDARD_LEVEL",
    "FIELD_LABELS",
    "KINDS",
    "LEVEL_AWARD_KINDS",
    "PRODUCT_AWARD_KINDS",
    "RULES",
    "ZERO",
    "ZERO_FEN",
    "AwardLine",
    "Facts",
    "FundingLine",
    "Line",
    "Policy",
    "PolicyError",
    "Result",
    "Track",
    "evaluate",
    "project_award_kinds",
    "standard_level",
]

KINDS = ("nx_batch", "tiered_total", "midlevel_factory", "level_year")
# The subsidy components (line codes) each rule kind can produce, in the order a ledger shows them.
COMPONENTS = {
    "nx_batch": ("N", "X"),
    "tiered_total": ("base", "excess"),
    "midlevel_factory": ("base", "excess", "automation"),
    "level_year": ("pilot",),
}


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
