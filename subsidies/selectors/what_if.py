"""What-ifs of a run under another policy: evaluated in memory, written nowhere."""

from dataclasses import dataclass
from decimal import Decimal

from policies.selectors import apply_override, parse_override, policy_snapshot, policy_version_for_quote
from portal.core.roles import Capability
from programs.access import ProgramAccess
from subsidies import calculation
from subsidies.models import CalculationRun, LineKind, RunLine
from subsidies.selectors.runs import ZERO, run_lines


@dataclass
class WhatIfRow:
    line: RunLine
    current: Decimal
    other: Decimal | None  # None: not eligible or not computable under the other policy
    note: str = ""

    @property
    def difference(self) -> Decimal:
        return (self.other or ZERO) - self.current


@dataclass
class WhatIf:
    version: str
    overrides: list
    rows: list
    current_total: Decimal = ZERO
    other_total: Decimal = ZERO
    changed: int = 0

    @property
    def difference(self) -> Decimal:
        return self.other_total - self.current_total


def run_what_if(*, access: ProgramAccess, run: CalculationRun, version: str = "", overrides=(), show: int = 200):
    """The run's project lines under another policy version and/or changed parameters, side by side: nothing is
    written. `show`: how many changed rows to keep for display (the totals cover every line)."""
    access.require(Capability.COMPARE_POLICIES)
    chosen = policy_version_for_quote(program=run.program, code=version)
    policy = policy_snapshot(version=chosen)
    kinds = {track.kind for track in policy.tracks.values()}
    for text in overrides:
        policy = apply_override(policy, *_parse_for_any(text, kinds))
    found = WhatIf(version=chosen.code, overrides=list(overrides), rows=[])
    for line in run_lines(run).filter(kind=LineKind.PROJECT).iterator(chunk_size=2000):
        result, problem = calculation.evaluate(policy, line.inputs)
        other = result.total if result is not None and result.eligible else None
        note = problem or ("" if result is None or result.eligible else "；".join(result.reasons))
        found.current_total += line.total
        found.other_total += other or ZERO
        if other != line.total:
            found.changed += 1
            if len(found.rows) < show:
                found.rows.append(WhatIfRow(line, line.total, other, note))
    return found


def _parse_for_any(text, kinds):
    error = None
    for kind in sorted(kinds) or [""]:
        try:
            return parse_override(text, track_kind=kind)
        except Exception as problem:  # noqa: BLE001 — try the next kind; the last refusal is the answer
            error = problem
    raise error
