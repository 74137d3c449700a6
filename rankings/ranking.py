"""The ranking arithmetic, pure: raw indicator values → min-max normalised values → weighted score → rank.

- Each indicator is normalised across the ranked subjects of one group: (v − min) / (max − min), or
  (max − v) / (max − min) for an indicator where less is better (complaints). When every subject has the same
  value, each gets 1. A missing value (no data yet, e.g. no acceptance decided) counts 0.
- Score = Σ weight × normalised value, weights adding up to 100; rounded half-up to 0.01 once.
- Ties share a rank (1, 2, 2, 4), listed by name. A subject with no projects is listed apart, unranked.
- Dynamic list: a subject in the bottom N places of the overall ranking for M consecutive periods is flagged.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")
ONE = Decimal("1")
ZERO = Decimal("0")


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str  # "progress" or "quality" (horse race); the weights' default spreads within each group
    label: str
    higher_is_better: bool = True


@dataclass
class Subject:
    id: int
    name: str
    values: dict  # indicator code → Decimal | None
    ranked: bool = True  # False: no projects yet, listed apart


@dataclass
class Placed:
    subject: Subject
    normalised: dict = field(default_factory=dict)  # code → Decimal (0..1, 4 places)
    score: Decimal | None = None
    rank: int | None = None


def default_weights(indicators, shares: dict[str, Decimal]) -> dict[str, Decimal]:
    """Spread each group's share equally over its indicators (progress 50 / quality 50 → 8.33… each of six,
    10 each of five), to four places, the last indicator of each group taking the rounding remainder."""
    weights = {}
    for group, share in shares.items():
        codes = [indicator.code for indicator in indicators if indicator.group == group]
        each = (share / len(codes)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        for code in codes[:-1]:
            weights[code] = each
        weights[codes[-1]] = share - each * (len(codes) - 1)
    return weights


def normalise(indicators, subjects: list[Subject]) -> dict[int, dict[str, Decimal]]:
    """{subject id: {code: normalised value}} over the ranked subjects."""
    ranked = [subject for subject in subjects if subject.ranked]
    found = {subject.id: {} for subject in ranked}
    for indicator in indicators:
        present = [subject.values.get(indicator.code) for subject in ranked]
        present = [Decimal(value) for value in present if value is not None]
        low, high = (min(present), max(present)) if present else (ZERO, ZERO)
        for subject in ranked:
            value = subject.values.get(indicator.code)
            if value is None:
                normalised = ZERO
            elif high == low:
                normalised = ONE
            elif indicator.higher_is_better:
                normalised = (Decimal(value) - low) / (high - low)
            else:
                normalised = (high - Decimal(value)) / (high - low)
            found[subject.id][indicator.code] = normalised.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return found


def rank(indicators, subjects: list[Subject], weights: dict[str, Decimal]) -> list[Placed]:
    """The group's subjects placed: ranked ones by score (ties share a rank, then by name), unranked after."""
    normalised = normalise(indicators, subjects)
    placed = []
    for subject in subjects:
        if not subject.ranked:
            placed.append(Placed(subject))
            continue
        values = normalised[subject.id]
        total = sum((Decimal(weights.get(code, 0)) * values[code] for code in values), ZERO)
        placed.append(Placed(subject, values, total.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)))
    ranked = sorted((p for p in placed if p.score is not None), key=lambda p: (-p.score, p.subject.name))
    for position, item in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        item.rank = previous.rank if previous is not None and previous.score == item.score else position
    unranked = sorted((p for p in placed if p.score is None), key=lambda p: p.subject.name)
    return ranked + unranked


def bottom(ranks, places: int) -> set[int]:
    """Ids in the last `places` ranks (ties at the boundary included), from (id, rank) pairs of ranked subjects."""
    ordered = sorted(rank for _id, rank in ranks)
    if not ordered or places <= 0:
        return set()
    threshold = ordered[max(len(ordered) - places, 0)]
    return {subject for subject, rank in ranks if rank >= threshold}


def flagged(current_bottom: set[int], earlier_bottoms: list[set[int]], periods: int) -> set[int]:
    """Subjects at the bottom now and in each of the `periods` − 1 periods before (most recent first)."""
    if periods <= 1:
        return set(current_bottom)
    if len(earlier_bottoms) < periods - 1:
        return set()
    found = set(current_bottom)
    for earlier in earlier_bottoms[: periods - 1]:
        found &= earlier
    return found
