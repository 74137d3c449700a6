"""Money work at the same instant on PostgreSQL: twenty processes behind one barrier approve twelve reviewed runs
(two of them twice), change the central pool's budget, record a payment and pay a run's remainder, raise a
correction and grant the same award twice. Every service takes its locks in one order (subsidies/locks.py), so no
caller sees a deadlock or a server error; each approval happens once or is refused with a reason; no pool is ever
allocated beyond its budget, and the pools' history adds up to what they hold."""

import logging
import multiprocessing
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import F, Sum

from acceptance.models import AcceptanceReview, ReviewStatus
from portal.core.errors import PortalError
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program
from subsidies import approvals, runs
from subsidies.locks import retry_when_busy
from subsidies.models import (
    AwardDecision,
    CalculationRun,
    CarriedFunding,
    FundingPool,
    Payment,
    PoolAllocation,
    RunCorrection,
    RunLine,
    RunStatus,
    RunTransition,
)
from subsidies.selectors import outstanding, run_lines
from tests.factories import ProgramFactory, user_with_role
from tests.support.environment import need
from tests.support.people import access_in
from tests.support.runs import pilot_projects as projects

SLUG = "jinhua-pilot"
D = Decimal
RUNS = 12
CENTRAL, LOCAL, LOWERED = D("3000000.00"), D("10000000.00"), D("2000000.00")


access_of = access_in(SLUG)


class RetryCounter(logging.Handler):
    """Counts the retries subsidies.locks reports, so the parent sees how often a transaction was re-run."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


# what each child does: (name, {argument: value}) → a service call ------------------------------------------------


def _approve(people, run_id):
    approvals.run_approve(access=access_of(people["approver"]), run=CalculationRun.objects.get(pk=run_id))


def _budget(people, budget):
    runs.pool_save(access=access_of(people["admin"]), source="central", budget=budget, reason="预算调整")


def _payment(people, line_id):
    line = RunLine.objects.select_related("run").get(pk=line_id)
    runs.payment_record(
        access=access_of(people["creator"]),
        line=line,
        source="central",
        amount=line.central,
        paid_on=date(2025, 12, 1),
        voucher="BING-1",
    )


def _pay_remaining(people, run_id):
    run = CalculationRun.objects.get(pk=run_id)
    runs.run_pay_remaining(access=access_of(people["creator"]), run=run, paid_on=date(2025, 12, 2), voucher="BING-2")


def _correction(people, run_id, line_id):
    run = CalculationRun.objects.get(pk=run_id)
    line = RunLine.objects.select_related("run").get(pk=line_id)
    runs.correction_raise(access=access_of(people["creator"]), run=run, line=line, reason="并发更正")


def _award(people, application_id):
    from filings.models import Application

    runs.award_grant(
        access=access_of(people["creator"]),
        application=Application.objects.get(pk=application_id),
        kind="chain-case",
        amount="100000",
        reference="金经信〔2025〕9号",
        decided_on=date(2025, 11, 1),
    )


JOBS = {
    "approve": _approve,
    "budget": _budget,
    "payment": _payment,
    "pay_remaining": _pay_remaining,
    "correction": _correction,
    "award": _award,
}


def _child(index, job, people, barrier, outcomes):
    """In a child process (its own connection): wait for the others, then do the job; report what the caller saw."""
    counter = RetryCounter()
    logging.getLogger("subsidies.locks").addHandler(counter)
    name, arguments = job
    try:
        barrier.wait(timeout=120)
        JOBS[name](people, **arguments)
        outcome = ("done", "")
    except PortalError as error:
        outcome = (f"refused:{error.code}", str(error.message))
    except Exception as error:  # noqa: BLE001 — a deadlock or a server error: reported, the parent fails
        outcome = ("error", repr(error))
    finally:
        connections.close_all()
    outcomes.put((index, *outcome, counter.count))


def at_once(jobs, people):
    """Fork one process per job, all released by one barrier. Returns [(job, outcome, message, retries)]."""
    context = multiprocessing.get_context("fork")
    barrier, outcomes = context.Barrier(len(jobs)), context.Queue()
    connections.close_all()  # each child opens its own connection
    children = [
        context.Process(target=_child, args=(index, job, people, barrier, outcomes)) for index, job in enumerate(jobs)
    ]
    for child in children:
        child.start()
    reported = {}
    for _child_process in children:
        index, outcome, message, retries = outcomes.get(timeout=300)
        reported[index] = (jobs[index], outcome, message, retries)
    for child in children:
        child.join(timeout=60)
    return [reported[index] for index in range(len(jobs))]


# the data, through the services ----------------------------------------------------------------------------------


def reviewed_run(creator, title):
    run = runs.run_create(access=creator, title=title)
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    runs.run_review(access=creator, run=run)
    return run


@pytest.mark.django_db(transaction=True)
def test_twenty_money_writers_at_once_see_no_deadlock_and_never_over_allocate():
    need(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    from demo.build import demo_build

    demo_build()
    program = Program.objects.get(slug=SLUG)
    users = get_user_model().objects
    creator = program_access(user=users.get(username="jinhua-reviewer"), slug=SLUG)
    approver = user_with_role(program, Role.BUREAU_REVIEWER)
    admin = users.get(username="jinhua-admin")
    people = {"creator": creator.user.pk, "approver": approver.pk, "admin": admin.pk}
    runs.pool_save(access=access_of(admin.pk), source="central", budget=CENTRAL)
    runs.pool_save(access=access_of(admin.pk), source="local", budget=LOCAL)

    # an approved run to pay and correct, a draft to correct it in
    paid_projects = projects(program, creator.user, "已批", [1, 2])
    first = reviewed_run(creator, "已批批次")
    approvals.run_approve(access=access_of(approver.pk), run=first)
    draft = runs.run_create(access=creator, title="更正批次")
    to_pay, to_correct = list(run_lines(first).order_by("position"))
    # twelve reviewed runs over their own projects: the projects of earlier runs wait outside while one is calculated
    run_ids, earlier = [], []
    for k in range(RUNS):
        made = projects(program, creator.user, f"并发{k}-", [3 + 2 * k, 4 + 2 * k])
        AcceptanceReview.objects.filter(application__in=earlier).update(status=ReviewStatus.PASSED)
        run = reviewed_run(creator, f"并发批次{k}")
        assert run.line_count == 2
        run_ids.append(run.pk)
        earlier += made
    AcceptanceReview.objects.filter(application__in=earlier).update(status=ReviewStatus.ANNOUNCED)
    central = FundingPool.objects.get(program=program, source="central")
    history_before = central.history.count()

    jobs = [
        *(("approve", {"run_id": run_id}) for run_id in run_ids),
        ("approve", {"run_id": run_ids[0]}),  # two approvals of runs another process approves too
        ("approve", {"run_id": run_ids[-1]}),
        ("budget", {"budget": LOWERED}),  # allowed only while at most 2,000,000 is allocated
        ("payment", {"line_id": to_pay.pk}),
        ("pay_remaining", {"run_id": first.pk}),
        ("correction", {"run_id": draft.pk, "line_id": to_correct.pk}),
        ("award", {"application_id": paid_projects[0].pk}),
        ("award", {"application_id": paid_projects[0].pk}),
    ]
    assert len(jobs) >= 16
    results = at_once(jobs, people)

    # no caller saw a deadlock, a busy refusal or a server error; no transaction had to be run again
    assert [r for r in results if r[1] in ("error", "refused:busy")] == [], results
    assert sum(r[3] for r in results) == 0, results
    # every approval happened once or was refused with a reason; every run is approved once
    approval_outcomes = [
        (job[1]["run_id"], outcome, message) for job, outcome, message, _retries in results if job[0] == "approve"
    ]
    by_run = Counter(run_id for run_id, outcome, _message in approval_outcomes if outcome == "done")
    assert by_run == Counter(run_ids), approval_outcomes
    assert all(message for _run_id, outcome, message in approval_outcomes if outcome != "done")
    refused = sorted(outcome for _run_id, outcome, _message in approval_outcomes if outcome != "done")
    assert refused == ["refused:conflict"] * 2
    assert set(CalculationRun.objects.filter(pk__in=run_ids).values_list("status", flat=True)) == {RunStatus.APPROVED}
    transitions = Counter(
        RunTransition.objects.filter(run_id__in=run_ids, action="approve").values_list("run_id", flat=True)
    )
    assert transitions == Counter(run_ids)
    # the pools: within budget, and what they say equals the rows they were drawn and paid by
    for pool in FundingPool.objects.filter(program=program):
        assert pool.allocated <= pool.budget, pool
        drawn = (PoolAllocation.objects.filter(pool=pool).aggregate(s=Sum("allocated"))["s"] or 0) + (
            CarriedFunding.objects.filter(pool=pool).aggregate(s=Sum("amount"))["s"] or 0
        )
        assert pool.allocated == drawn
        paid = Payment.objects.filter(line__run__program=program, source=pool.source).aggregate(s=Sum("amount"))["s"]
        assert pool.paid == (paid or 0)
        assert pool.allocation_count == PoolAllocation.objects.filter(pool=pool).count() + pool.carried_fundings.count()
        # the history never shows the pool beyond its budget, and its last row is the pool as it is
        rows = list(pool.history.order_by("history_id").values("budget", "allocated", "paid"))
        assert all(row["allocated"] <= row["budget"] for row in rows)
        assert rows[-1] == {"budget": pool.budget, "allocated": pool.allocated, "paid": pool.paid}
    central.refresh_from_db()
    # the budget change either went first (and the approvals drew at most 2,000,000) or was refused for the amount
    budget_outcome = next(r for r in results if r[0][0] == "budget")
    if budget_outcome[1] == "done":
        assert central.budget == LOWERED
    else:
        assert budget_outcome[1] == "refused:refused" and central.budget == CENTRAL
        assert central.allocated > LOWERED
    # the approvals, the payments and the budget change each wrote the central pool's history once
    paid_kinds = {r[0][0] for r in results if r[0][0] in ("payment", "pay_remaining") and r[1] == "done"}
    assert central.history.count() - history_before == RUNS + len(paid_kinds) + (budget_outcome[1] == "done")
    # the remainder is paid whichever came first; the single payment is done or refused for what is left
    first.refresh_from_db()
    assert first.status == RunStatus.PAID and not outstanding(run_lines(first))
    assert "pay_remaining" in paid_kinds
    # the correction was raised in the draft; the award was granted once and refused once
    assert RunCorrection.objects.filter(run=draft, corrects=to_correct, is_active=True).count() == 1
    awards = sorted(r[1] for r in results if r[0][0] == "award")
    assert awards == ["done", "refused:conflict"]
    assert AwardDecision.objects.filter(application=paid_projects[0], kind="chain-case", is_active=True).count() == 1


# the retry itself: two transactions made to lock two pools crosswise -------------------------------------------


def _crosswise(first, second, barrier, attempts):
    """Lock pool `first`, meet the other process, then lock `second`: the two deadlock on their first attempt."""
    with transaction.atomic():
        FundingPool.objects.select_for_update().get(pk=first)
        with attempts.get_lock():
            attempts.value += 1
            meet = attempts.value <= 2
        if meet:
            barrier.wait(timeout=30)
        FundingPool.objects.select_for_update().get(pk=second)
        FundingPool.objects.filter(pk=first).update(allocation_count=F("allocation_count") + 1)


def _crosswise_child(mode, first, second, barrier, attempts, outcomes):
    try:
        if mode == "retried":
            retry_when_busy(_crosswise)(first, second, barrier, attempts)
        elif mode == "exhausted":
            retry_when_busy(attempts=1)(_crosswise)(first, second, barrier, attempts)
        else:  # inside the caller's transaction: not retried, refused at once
            with transaction.atomic():
                retry_when_busy(_crosswise)(first, second, barrier, attempts)
        outcomes.put("done")
    except PortalError as error:
        outcomes.put(error.code)
    except Exception as error:  # noqa: BLE001 — reported to the parent, which fails the test
        outcomes.put(f"error: {error!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("mode", "expected", "tries"),
    [("retried", ["done", "done"], 3), ("exhausted", ["busy", "done"], 2), ("nested", ["busy", "done"], 2)],
)
def test_a_deadlock_is_run_again_then_refused_as_busy_never_an_error(mode, expected, tries):
    need(connection.vendor == "postgresql", "deadlocks need PostgreSQL (DATABASE_URL)")
    program = ProgramFactory()
    a = FundingPool.objects.create(program=program, source="central", budget=D("100.00"))
    b = FundingPool.objects.create(program=program, source="local", budget=D("100.00"))
    context = multiprocessing.get_context("fork")
    barrier, attempts, outcomes = context.Barrier(2), context.Value("i", 0), context.Queue()
    connections.close_all()
    children = [
        context.Process(target=_crosswise_child, args=(mode, first, second, barrier, attempts, outcomes))
        for first, second in ((a.pk, b.pk), (b.pk, a.pk))
    ]
    for child in children:
        child.start()
    seen = sorted(outcomes.get(timeout=60) for _child in children)
    for child in children:
        child.join(timeout=30)

    assert seen == expected
    assert attempts.value == tries  # the deadlock's victim ran again only when it was the whole transaction
    # what was written: each transaction that finished, once; the refused one left nothing
    counts = sorted(FundingPool.objects.filter(pk__in=[a.pk, b.pk]).values_list("allocation_count", flat=True))
    assert counts == ([1, 1] if mode == "retried" else [0, 1])


def test_a_busy_refusal_reaches_an_api_caller_as_409_with_retry_after():
    from portal.core.api import exception_handler
    from portal.core.errors import Busy

    response = exception_handler(Busy(), {})
    assert response.status_code == 409
    assert response.data["error"]["code"] == "busy" and response.data["error"]["message"]
    assert response["Retry-After"] == "2"
