"""Evaluate 100,000 generated projects through the pure rule engine and compare with the floor: a plain
Python loop doing the same Wuyi N+X arithmetic inline (same Decimal rounding, no trace, no lines).

    make bench            # or: .venv/bin/python bench/bench_policy_engine.py [--projects N] [--seed S]

Prints projects/s for both and the ratio engine / floor. Needs the demo data (make demo) for the policy.
"""

import argparse
import os
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

import django  # noqa: E402

django.setup()

from policies import engine  # noqa: E402
from policies.selectors import policy_snapshot, policy_version_for_quote  # noqa: E402
from programs.models import Program  # noqa: E402

FEN = Decimal("0.01")
INDUSTRIES = ["kitchenware", "power-tools", "hardware", "leisure", "doors", "other"]


def generate(count, seed):
    rng = random.Random(seed)
    return [
        engine.Facts(
            track="lightweight",
            industry=rng.choice(INDUSTRIES),
            batch=rng.randint(1, 4),
            n_investment=Decimal(rng.randint(0, 60_000_000)) / 100,
            x_investment=Decimal(rng.randint(0, 100_000_000)) / 100,
        )
        for _ in range(count)
    ]


def floor_loop(facts, caps, default_cap, rates, x_rate, project_cap):
    totals = []
    for fact in facts:
        n_cap = caps.get(fact.industry, default_cap)
        n_rate = rates[min(fact.batch, max(rates))]
        n = (min(fact.n_investment, n_cap) * n_rate).quantize(FEN, rounding=ROUND_HALF_UP)
        x = (fact.x_investment * x_rate).quantize(FEN, rounding=ROUND_HALF_UP)
        totals.append(min(n + x, project_cap))
    return totals


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    version = policy_version_for_quote(program=Program.objects.get(slug="wuyi-2024"))
    policy = policy_snapshot(version=version)
    params = policy.tracks["lightweight"].params
    facts = generate(args.projects, args.seed)

    started = time.perf_counter()
    inline = floor_loop(
        facts, params["n_cap"], params["n_cap_default"], params["n_rate"], params["x_rate"], params["project_cap"]
    )
    floor_seconds = time.perf_counter() - started

    started = time.perf_counter()
    results = [engine.evaluate(policy, fact) for fact in facts]
    engine_seconds = time.perf_counter() - started

    mismatches = sum(1 for result, total in zip(results, inline, strict=True) if result.subsidy != total)
    print(f"projects                : {args.projects:,}")
    print(f"floor (inline loop)     : {floor_seconds:.2f} s  ({args.projects / floor_seconds:,.0f} projects/s)")
    print(f"engine (evaluate)       : {engine_seconds:.2f} s  ({args.projects / engine_seconds:,.0f} projects/s)")
    print(f"ratio engine / floor    : {engine_seconds / floor_seconds:.2f}")
    print(f"results differing       : {mismatches}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
