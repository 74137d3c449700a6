"""Drawing funding pools, first accepted, first paid: a pure function, so its order and its limits are tested
without a database; `subsidies.approvals` feeds it under the pools' row locks.

A line that found less than its share keeps the shortfall; when a later run is approved after the pool was
topped up, those shortfalls are claimed first (`carried` claims, in acceptance order across runs), before the
new run's own lines."""

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Claim:
    """A line's share of one source. Negative for an adjustment that lowers a line: it returns money to the
    pool, at most what the corrected line holds from it (`held`)."""

    line_id: int
    source: str
    amount: Decimal
    held: Decimal = ZERO
    carried: bool = False  # the still unfunded part of a line of an earlier approved run


@dataclass(frozen=True)
class Grant:
    line_id: int
    source: str
    requested: Decimal
    allocated: Decimal
    carried: bool = False

    @property
    def shortfall(self) -> Decimal:
        return self.requested - self.allocated


def allocate(claims, remaining: dict[str, Decimal]) -> list[Grant]:
    """Grant `claims` in the order given against what each pool has left. A claim that finds less than its share
    takes what is left; the rest is its shortfall. Sources without a pool are not in `remaining` and get no grant.

    >>> allocate([Claim(1, "central", Decimal("60")), Claim(2, "central", Decimal("60"))], {"central": Decimal("100")})
    [Grant(line_id=1, source='central', requested=Decimal('60'), allocated=Decimal('60'), carried=False), \
Grant(line_id=2, source='central', requested=Decimal('60'), allocated=Decimal('40'), carried=False)]

    After the pool is raised by 50, line 2's 20 short is claimed before a new line's 60:

    >>> allocate(
    ...     [Claim(2, "central", Decimal("20"), carried=True), Claim(3, "central", Decimal("60"))],
    ...     {"central": Decimal("50")},
    ... )
    [Grant(line_id=2, source='central', requested=Decimal('20'), allocated=Decimal('20'), carried=True), \
Grant(line_id=3, source='central', requested=Decimal('60'), allocated=Decimal('30'), carried=False)]
    """
    left = dict(remaining)
    grants = []
    for claim in claims:
        if claim.source not in left or claim.amount == 0:
            continue
        # a share takes what the pool has left; a negative share gives back at most what the line holds
        taken = min(claim.amount, left[claim.source]) if claim.amount > 0 else max(claim.amount, -claim.held)
        left[claim.source] -= taken
        grants.append(Grant(claim.line_id, claim.source, claim.amount, taken, claim.carried))
    return grants
