"""Every state-changing step of calculation runs, payments, corrections and awards in every state: allowed where
the table below says so (and the state moves), refused everywhere else as a Conflict naming the state, with the
run, its lines, the pools, the payments, the corrections, the awards and their history exactly as they were.

The table is written here, not read from `subsidies.workflow`: removing a check from a service, or a state from
the workflow, fails a case."""

from datetime import date
from decimal import Decimal

import pytest

from portal.core.errors import Conflict
from programs.models import Program
from subsidies import approvals, calculation, runs
from subsidies.models import (
    AwardDecision,
    CalculationRun,
    FundingPool,
    JobStatus,
    Payment,
    RunCorrection,
    RunLine,
    RunStatus,
    RunTransition,
)
from subsidies.selectors import run_lines
from subsidies.workflow import AWARD, CORRECTION, RUN, Standing
from tests.support.people import access_in, second_approver
from tests.support.runs import pilot_projects

pytestmark = pytest.mark.django_db
SLUG = "jinhua-pilot"
D = Decimal
DRAFT, REVIEWED, APPROVED, PAID = RunStatus.DRAFT, RunStatus.REVIEWED, RunStatus.APPROVED, RunStatus.PAID
PAID_ON = date(2025, 12, 1)

# action → (the workflow step it checks, the states it may start from, the state it leaves the run in)
RUN_TABLE = {
    "calculate": ("calculate", {DRAFT}, DRAFT),
    "recalculate": ("recalculate", {DRAFT}, DRAFT),
    "review": ("review", {DRAFT}, REVIEWED),
    "return": ("return", {REVIEWED}, DRAFT),
    "approve": ("approve", {REVIEWED}, APPROVED),
    "payment": ("pay", {APPROVED}, APPROVED),
    "pay_remaining": ("pay", {APPROVED}, PAID),
    "correct": ("correct", {DRAFT}, DRAFT),
}


access_of = access_in(SLUG)


def projects(label, days):
    # level 2, 300,000 invested in year 1: subsidy 150,000, central 40% = 60,000, local 90,000
    program, actor = Program.objects.get(slug=SLUG), access_of("jinhua-reviewer").user
    return pilot_projects(program, actor, label, days, n_software="300000", level=2)


class World:
    """A run in every state of one program, built through the services, and the people acting on them."""

    def __init__(self):
        self.creator = access_of("jinhua-reviewer")
        self.approver = second_approver(SLUG)
        runs.pool_save(access=access_of("jinhua-admin"), source="central", budget="1000000")
        projects("已付", [1, 2])
        paid = self.approved("已付批次")
        runs.run_pay_remaining(access=self.creator, run=paid, paid_on=PAID_ON, voucher="PAY-0")
        self.awarded = projects("已批", [3, 4])
        approved = self.approved("已批批次")
        projects("待批", [5, 6])
        reviewed = self.calculated("待批批次")
        runs.run_review(access=self.creator, run=reviewed)
        draft = self.calculated("草稿批次")
        self.runs = {
            status: CalculationRun.objects.get(pk=run.pk)
            for status, run in zip((DRAFT, REVIEWED, APPROVED, PAID), (draft, reviewed, approved, paid), strict=True)
        }
        assert {status: run.status for status, run in self.runs.items()} == {s: s for s in self.runs}
        self.approved_line = run_lines(approved).order_by("position").first()

    def calculated(self, title):
        run = runs.run_create(access=self.creator, title=title)
        return runs.run_calculate(run_id=run.pk)

    def approved(self, title):
        run = self.calculated(title)
        runs.run_review(access=self.creator, run=run)
        return approvals.run_approve(access=self.approver, run=run)


@pytest.fixture
def world():
    return World()


def state(run=None):
    """Everything a refused step must leave as it was."""
    row = None
    if run is not None:
        row = CalculationRun.objects.filter(pk=run.pk).values().get()
        row["history"] = CalculationRun.history.filter(id=run.pk).count()
    return {
        "run": row,
        "transitions": RunTransition.objects.count(),
        "frozen": RunLine.objects.filter(frozen=True).count(),
        "lines": RunLine.objects.count(),
        "payments": Payment.objects.count(),
        "pools": list(FundingPool.objects.order_by("pk").values_list("budget", "allocated", "paid")),
        "pool history": FundingPool.history.count(),
        "corrections": list(RunCorrection.objects.order_by("pk").values_list("pk", "is_active")),
        "correction history": RunCorrection.history.count(),
        "awards": list(AwardDecision.objects.order_by("pk").values_list("pk", "is_active")),
        "award history": AwardDecision.history.count(),
    }


def refused(call, run=None, *, status):
    """`call` is refused as a Conflict naming `status`, and nothing changed."""
    before = state(run)
    with pytest.raises(Conflict) as error:
        call()
    label = (RunStatus if status in RunStatus.values else Standing)(status).label
    assert set(error.value.fields) == {"status"} and str(label) in error.value.message, error.value.message
    assert state(run) == before


def act(world, action, run):
    creator = world.creator
    line = run_lines(run).order_by("position").first()
    steps = {
        "calculate": lambda: calculation.calculate(run),
        "recalculate": lambda: runs.run_recalculate(access=creator, run=run),
        "review": lambda: runs.run_review(access=creator, run=run),
        "return": lambda: runs.run_return(access=creator, run=run, comment="重新核对"),
        "approve": lambda: approvals.run_approve(access=world.approver, run=run),
        "payment": lambda: runs.payment_record(
            access=creator, line=line, source="central", amount="1000", paid_on=PAID_ON, voucher="PAY-1"
        ),
        "pay_remaining": lambda: runs.run_pay_remaining(access=creator, run=run, paid_on=PAID_ON, voucher="PAY-2"),
        "correct": lambda: runs.correction_raise(access=creator, run=run, line=world.approved_line, reason="更正"),
    }
    return steps[action]()


def test_the_table_is_the_workflow():
    assert {action: RUN.sources(step) for action, (step, _sources, _target) in RUN_TABLE.items()} == {
        action: frozenset(sources) for action, (_step, sources, _target) in RUN_TABLE.items()
    }
    assert all(target in RUN.targets(step) for step, _sources, target in RUN_TABLE.values())
    assert CORRECTION.sources("withdraw") == AWARD.sources("withdraw") == {Standing.ACTIVE}
    assert CORRECTION.targets("withdraw") == AWARD.targets("withdraw") == {Standing.WITHDRAWN}


@pytest.mark.parametrize("status", [DRAFT, REVIEWED, APPROVED, PAID])
@pytest.mark.parametrize("action", list(RUN_TABLE))
def test_every_run_step_in_every_state(world, action, status):
    run = world.runs[status]
    _step, sources, target = RUN_TABLE[action]
    if status not in sources:
        refused(lambda: act(world, action, run), run, status=status)
        return
    before = state(run)
    act(world, action, run)
    run.refresh_from_db()
    assert run.status == target
    assert state(run) != before  # the step wrote something
    if action in ("review", "return", "approve", "pay_remaining"):
        assert RunTransition.objects.filter(run=run).latest("pk").to_status == target
    if action == "recalculate":
        assert run.job_status == JobStatus.QUEUED
    if action == "payment":
        assert Payment.objects.filter(line__run=run, voucher="PAY-1").count() == 1
    if action == "correct":
        assert run.corrections.get().corrects == world.approved_line


# corrections: withdrawn once, only from a draft ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("run_status", "standing", "allowed"),
    [
        (DRAFT, Standing.ACTIVE, True),
        (DRAFT, Standing.WITHDRAWN, False),
        (REVIEWED, Standing.ACTIVE, False),
        (REVIEWED, Standing.WITHDRAWN, False),
    ],
)
def test_a_correction_is_withdrawn_once_and_only_from_a_draft(world, run_status, standing, allowed):
    run = world.runs[DRAFT]
    correction = runs.correction_raise(access=world.creator, run=run, line=world.approved_line, reason="更正")
    if standing == Standing.WITHDRAWN:
        correction = runs.correction_withdraw(access=world.creator, correction=correction, reason="撤回")
    runs.run_calculate(run_id=run.pk)
    if run_status == REVIEWED:
        runs.run_review(access=world.creator, run=run)
    run.refresh_from_db()
    correction.refresh_from_db()

    def withdraw():
        return runs.correction_withdraw(access=world.creator, correction=correction, reason="再撤回")

    if allowed:
        withdraw()
        correction.refresh_from_db()
        assert not correction.is_active
        assert CalculationRun.objects.get(pk=run.pk).job_status == JobStatus.QUEUED
    else:
        # the run's state is checked first: a reviewed run names its state, a draft names the correction's
        refused(withdraw, run, status=run_status if run_status != DRAFT else standing)


# awards: granted once per kind while active, withdrawn once ------------------------------------------------------


def grant(world, application):
    return runs.award_grant(
        access=world.creator,
        application=application,
        kind="chain-case",
        amount="100000",
        reference="金经信〔2025〕7号",
        decided_on=date(2025, 11, 1),
    )


@pytest.mark.parametrize("standing", [None, Standing.ACTIVE, Standing.WITHDRAWN])
def test_an_award_is_granted_once_while_active_and_withdrawn_once(world, standing):
    project = world.awarded[0]
    award = None
    if standing is not None:
        award = grant(world, project)
    if standing == Standing.WITHDRAWN:
        award = runs.award_withdraw(access=world.creator, award=award, reason="决定撤销")

    # granting: refused only while the project holds an active award of the kind
    if standing == Standing.ACTIVE:
        before = state()
        with pytest.raises(Conflict):
            grant(world, project)
        assert state() == before
    else:
        granted = grant(world, project)
        assert granted.is_active and granted.pk != getattr(award, "pk", None)
    # withdrawing: once
    if award is None:
        return
    award.refresh_from_db()
    if standing == Standing.ACTIVE:
        runs.award_withdraw(access=world.creator, award=award, reason="决定撤销")
        award.refresh_from_db()
        assert not award.is_active
    else:
        refused(lambda: runs.award_withdraw(access=world.creator, award=award, reason="再撤销"), status=standing)
        award.refresh_from_db()
        assert award.withdrawn_reason == "决定撤销"
