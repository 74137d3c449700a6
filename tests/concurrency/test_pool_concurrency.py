"""Several processes approving runs at once against one small central pool (PostgreSQL): the pool is never
over-allocated, each approval draws it first accepted first, and once it is empty every later line finds
nothing. Two drafts over the same projects: exactly one is approved. After the pool is topped up, approvals at once
fund the earlier shortfalls first, each exactly once."""

import multiprocessing
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from acceptance.models import AcceptanceReview, ReviewStatus
from portal.core.errors import Conflict
from portal.core.roles import Role
from programs.models import Program
from subsidies import approvals, runs
from subsidies.models import CalculationRun, CarriedFunding, FundingPool, PoolAllocation, RunStatus
from tests.factories import user_with_role
from tests.support.environment import need
from tests.support.people import access_in
from tests.support.runs import pilot_projects as projects

SLUG = "jinhua-pilot"
D = Decimal
BUDGET = D("1000000.00")


access_of = access_in(SLUG)


def _approve(run_id, user_id, barrier, outcomes):
    """In a child process: wait for the others, then approve."""

    try:
        barrier.wait(timeout=30)
        user = get_user_model().objects.get(pk=user_id)
        approvals.run_approve(access=access_of(user), run=CalculationRun.objects.get(pk=run_id))
        outcomes.put((run_id, "approved"))
    except Conflict:
        outcomes.put((run_id, "conflict"))
    except Exception as error:  # noqa: BLE001 — reported to the parent, which fails the test
        outcomes.put((run_id, f"error: {error!r}"))
    finally:
        connections.close_all()


def approve_at_once(run_ids, approver):
    """Fork one process per run; all approve at the same moment. Returns {run id: outcome}."""
    context = multiprocessing.get_context("fork")
    barrier, outcomes = context.Barrier(len(run_ids)), context.Queue()
    connections.close_all()  # each child opens its own connection
    children = [context.Process(target=_approve, args=(rid, approver.pk, barrier, outcomes)) for rid in run_ids]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=60)
    return dict(outcomes.get(timeout=5) for _child in children)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_over_allocate_and_follow_acceptance_order():
    need(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    from demo.build import demo_build

    demo_build()
    program = Program.objects.get(slug=SLUG)
    creator = get_user_model().objects.get(username="jinhua-reviewer")
    approver = user_with_role(program, Role.BUREAU_REVIEWER)
    runs.pool_save(
        access=access_of(get_user_model().objects.get(username="jinhua-admin")), source="central", budget=BUDGET
    )
    run_ids, earlier = [], []
    for k in range(4):  # four runs over disjoint projects, each set accepted after the one before
        made = projects(program, creator, f"并发{k}-", [3 + 5 * k, 4 + 5 * k, 5 + 5 * k])
        # projects of earlier runs wait outside this run: their announcement is set back while it is calculated
        AcceptanceReview.objects.filter(application__in=earlier).update(status=ReviewStatus.PASSED)
        run = runs.run_create(access=access_of(creator), title=f"并发批次{k}")
        runs.run_calculate(run_id=run.pk)
        run.refresh_from_db()
        assert run.line_count == 3
        runs.run_review(access=access_of(creator), run=run)
        run_ids.append(run.pk)
        earlier += made
    AcceptanceReview.objects.filter(application__in=earlier).update(status=ReviewStatus.ANNOUNCED)

    outcomes = approve_at_once(run_ids, approver)

    assert sorted(outcomes.values()) == ["approved"] * 4, outcomes
    pool = FundingPool.objects.get(program=program, source="central")
    allocations = list(PoolAllocation.objects.filter(pool=pool).select_related("line").order_by("sequence"))
    assert len(allocations) == 12
    assert pool.allocated <= pool.budget
    assert pool.allocated == sum(a.allocated for a in allocations) == min(BUDGET, sum(a.requested for a in allocations))
    assert pool.allocation_count == 12
    # each approval drew the pool in acceptance order
    for run_id in run_ids:
        own = [a for a in allocations if a.line.run_id == run_id]
        assert [a.line.accepted_at for a in own] == sorted(a.line.accepted_at for a in own)
        assert [a.sequence for a in own] == sorted(a.sequence for a in own)
    # first come, first funded: once a line finds the pool short, every later line finds it empty
    first_short = next(i for i, a in enumerate(allocations) if a.allocated < a.requested)
    assert all(a.allocated == a.requested for a in allocations[:first_short])
    assert all(a.allocated == 0 for a in allocations[first_short + 1 :])
    assert allocations[first_short].allocated == BUDGET - sum(a.allocated for a in allocations[:first_short])


@pytest.mark.django_db(transaction=True)
def test_two_drafts_of_the_same_projects_approved_at_once_give_one_approved_run():
    need(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    from demo.build import demo_build

    demo_build()
    program = Program.objects.get(slug=SLUG)
    creator = get_user_model().objects.get(username="jinhua-reviewer")
    approver = user_with_role(program, Role.BUREAU_REVIEWER)
    projects(program, creator, "重叠", [6, 7])
    run_ids = []
    for title in ("甲", "乙"):
        run = runs.run_create(access=access_of(creator), title=title)
        runs.run_calculate(run_id=run.pk)
        runs.run_review(access=access_of(creator), run=run)
        run_ids.append(run.pk)

    outcomes = approve_at_once(run_ids, approver)

    assert sorted(outcomes.values()) == ["approved", "conflict"], outcomes
    statuses = sorted(runs.CalculationRun.objects.filter(pk__in=run_ids).values_list("status", flat=True))
    assert statuses == sorted([RunStatus.APPROVED, RunStatus.REVIEWED])


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_after_a_top_up_fund_each_earlier_shortfall_once_in_acceptance_order():
    need(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    from demo.build import demo_build

    demo_build()
    program = Program.objects.get(slug=SLUG)
    creator = get_user_model().objects.get(username="jinhua-reviewer")
    approver = user_with_role(program, Role.BUREAU_REVIEWER)
    admin = access_of(get_user_model().objects.get(username="jinhua-admin"))
    # level 3, 1,200,000 in year 1: 600,000 subsidy, central 240,000 each; 3 lines need 720,000 of 500,000
    runs.pool_save(access=admin, source="central", budget="500000")
    projects(program, creator, "先批", [3, 4, 5])
    run = runs.run_create(access=access_of(creator), title="先批")
    runs.run_calculate(run_id=run.pk)
    runs.run_review(access=access_of(creator), run=run)
    approvals.run_approve(access=access_of(approver), run=run)
    # 240,000 + 240,000 + 20,000: the third line is 220,000 short; raise the pool by 300,000
    runs.pool_save(access=admin, source="central", budget="800000")
    run_ids, earlier = [], []
    for k in range(2):
        made = projects(program, creator, f"后批{k}-", [10 + k])
        AcceptanceReview.objects.filter(application__in=earlier).update(status=ReviewStatus.PASSED)
        later = runs.run_create(access=access_of(creator), title=f"后批{k}")
        runs.run_calculate(run_id=later.pk)
        runs.run_review(access=access_of(creator), run=later)
        run_ids.append(later.pk)
        earlier += made
    AcceptanceReview.objects.filter(application__in=earlier).update(status=ReviewStatus.ANNOUNCED)

    outcomes = approve_at_once(run_ids, approver)

    assert sorted(outcomes.values()) == ["approved"] * 2, outcomes
    carried = list(CarriedFunding.objects.filter(pool__program=program))
    # the 220,000 shortfall is funded once, by whichever approval came first; the 80,000 left goes to its own line
    assert [(c.line.run_id, c.amount) for c in carried] == [(run.pk, D("220000.00"))]
    pool = FundingPool.objects.get(program=program, source="central")
    assert pool.allocated == pool.budget == D("800000.00")
    drawn = sum(a.allocated for a in PoolAllocation.objects.filter(pool=pool)) + sum(c.amount for c in carried)
    assert drawn == pool.allocated
