"""Calculation runs through the services: the worked examples of policies.md to the fen, totals, funding split,
a central pool that runs out half-way through a line, idempotence, a crash mid-run, frozen approved runs,
corrections, awards within limits and quotas, payments."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from acceptance.models import ReviewStatus
from portal.core.errors import Conflict, NotAllowed, PortalError
from programs.models import Program
from subsidies import approvals, calculation, runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.allocation import Claim, allocate
from subsidies.models import CalculationRun, FundingPool, LineKind, PoolAllocation, RunLine, RunStatus
from subsidies.selectors import run_exclusions, run_lines, run_totals
from tests.support.clock import at
from tests.support.people import access_of, second_approver
from tests.support.runs import create_and_calculate
from tests.support.tenant.samples import sample_designation_for

pytestmark = pytest.mark.django_db
D = Decimal


def by_enterprise(run):
    return {line.inputs["enterprise"]: line for line in run_lines(run)}


@pytest.fixture
def wuyi_projects():
    program = Program.objects.get(slug="wuyi-2024")
    actor = get_user_model().objects.get(username="wuyi-reviewer")
    specs = [
        ProjectSpec("门业甲", "doors", at("2024-09-10"), batch=2, n_software=D("600000"), x_software=D("200000")),
        ProjectSpec("休闲乙", "leisure", at("2024-06-10"), batch=1, n_hardware=D("400000"), x_hardware=D("800000")),
        ProjectSpec("餐厨丙", "kitchenware", at("2025-01-10"), batch=3, n_software=D("280000")),
        ProjectSpec("五金丁", "hardware", at("2024-07-01"), batch=1, n_software=D("123456.78")),
        ProjectSpec(
            "公示中戊", "hardware", at("2025-02-01"), batch=3, n_software=D("1000"), status=ReviewStatus.ANNOUNCING
        ),
        ProjectSpec("异议己", "hardware", at("2025-02-02"), batch=3, n_software=D("1000"), status=ReviewStatus.ON_HOLD),
    ]
    return accepted_projects_create(program, specs, actor=actor)


def test_the_wuyi_worked_examples_through_a_whole_run(wuyi_projects):
    _access, run = create_and_calculate("wuyi-2024")
    lines = by_enterprise(run)
    assert lines["门业甲"].subsidy == D("330000.00")
    assert lines["休闲乙"].subsidy == D("500000.00") and lines["休闲乙"].result["cap"] == "500000.00"
    assert lines["餐厨丙"].subsidy == D("112000.00")
    assert lines["五金丁"].subsidy == D("74074.07")
    assert {line.county for line in lines.values()} == {line.total for line in lines.values()}  # all county-funded
    assert run.total == D("1016074.07") == sum(line.total for line in lines.values())
    assert run.policy_version.code == "wuyi-2024-plan"
    # first accepted first: 休闲乙 (June), 五金丁 (July), 门业甲 (September), 餐厨丙 (January)
    assert [line.inputs["enterprise"] for line in run_lines(run)] == ["休闲乙", "五金丁", "门业甲", "餐厨丙"]
    assert any("N部分" in text for text in lines["门业甲"].result["trace"])
    left_out = {e.inputs["enterprise"]: e for e in run_exclusions(run)}
    assert set(left_out) == {"公示中戊", "异议己"}
    assert left_out["公示中戊"].stage == calculation.Stage.ANNOUNCING
    assert left_out["异议己"].stage == calculation.Stage.ON_HOLD
    totals = run_totals(run)
    industries = {group.name: group.total for group in totals.by_industry}
    assert industries["门"] == D("330000.00") and sum(industries.values()) == run.total
    assert [(source, share) for source, _label, share, _short in totals.by_source] == [("county", run.total)]


def test_the_jinhua_examples_split_funding_and_a_small_central_pool_runs_out_mid_line(jinhua_projects):
    admin = access_of("jinhua-admin", "jinhua-pilot")
    runs.pool_save(access=admin, source="central", budget="500000", note="中央资金第一批")
    creator, run = create_and_calculate("jinhua-pilot")
    lines = by_enterprise(run)
    assert (lines["三级甲"].subsidy, lines["三级甲"].central, lines["三级甲"].local) == (
        D("600000.00"),
        D("240000.00"),
        D("360000.00"),
    )
    assert lines["二级乙"].subsidy == D("500000.00") and lines["四级丙"].subsidy == D("1000000.00")
    assert run_exclusions(run).get().stage == calculation.Stage.INELIGIBLE  # level 1
    runs.run_review(access=creator, run=run)
    with pytest.raises(NotAllowed):
        approvals.run_approve(access=creator, run=run)  # the creator does not approve
    run = approvals.run_approve(access=second_approver("jinhua-pilot"), run=run)
    lines = by_enterprise(run)
    pool = FundingPool.objects.get(program__slug="jinhua-pilot", source="central")
    assert pool.allocated == pool.budget == D("500000.00")
    allocations = list(PoolAllocation.objects.filter(pool=pool).order_by("sequence"))
    # 2025-03-10 takes 240,000; 2025-08-31 finds 260,000 of its 400,000; 2025-10-20 finds nothing
    assert [(a.line.inputs["enterprise"], a.requested, a.allocated) for a in allocations] == [
        ("三级甲", D("240000.00"), D("240000.00")),
        ("四级丙", D("400000.00"), D("260000.00")),
        ("二级乙", D("200000.00"), D("0.00")),
    ]
    assert lines["四级丙"].unfunded == D("140000.00") and lines["二级乙"].unfunded == D("200000.00")
    assert run.unfunded_total == D("340000.00")


def test_calculating_the_same_draft_again_writes_nothing_new(wuyi_projects):
    access, run = create_and_calculate("wuyi-2024")
    before = [(line.application_id, line.total, line.result) for line in run_lines(run)]
    runs.run_recalculate(access=access, run=run)
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    assert run.generation == 1
    assert [(line.application_id, line.total, line.result) for line in run_lines(run)] == before
    assert RunLine.objects.filter(run=run).count() == len(before)


def test_a_crash_half_way_leaves_nothing_and_the_rerun_gives_one_set(wuyi_projects, monkeypatch):
    program = Program.objects.get(slug="wuyi-2024")
    more = [ProjectSpec(f"批量{n}", "hardware", at("2025-03-01"), batch=3, n_software=D("10000")) for n in range(9)]
    accepted_projects_create(program, more, actor=get_user_model().objects.get(username="wuyi-reviewer"))
    access = access_of("wuyi-reviewer", "wuyi-2024")
    monkeypatch.setattr(calculation, "CHUNK", 5)  # 13 lines: written in chunks of 5
    written = {"chunks": 0}
    original = calculation._write_lines

    def failing(lines):
        written["chunks"] += 1
        if written["chunks"] == 2:
            raise RuntimeError("worker lost")
        original(lines)

    monkeypatch.setattr(calculation, "_write_lines", failing)
    run = runs.run_create(access=access)
    with pytest.raises(RuntimeError):
        runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    assert run.job_status == "failed" and run.generation == 0
    assert RunLine.objects.filter(run=run).count() == 0  # the first chunk was rolled back with the rest
    monkeypatch.setattr(calculation, "_write_lines", original)
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    assert run.generation == 1 and RunLine.objects.filter(run=run).count() == run.line_count == 13


def test_an_approved_run_is_frozen_in_the_service_and_in_the_database(wuyi_projects):
    creator, run = create_and_calculate("wuyi-2024")
    runs.run_review(access=creator, run=run)
    run = approvals.run_approve(access=second_approver("wuyi-2024"), run=run, comment="同意")
    assert run.status == RunStatus.APPROVED
    with pytest.raises(Conflict):
        runs.run_recalculate(access=creator, run=run)
    with pytest.raises(PortalError):
        runs.run_return(access=creator, run=run, comment="重算")
    line = run_lines(run).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        RunLine.objects.filter(pk=line.pk).update(total=D("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        CalculationRun.objects.filter(pk=run.pk).update(status=RunStatus.DRAFT)
    with pytest.raises(DatabaseError), transaction.atomic():
        CalculationRun.objects.filter(pk=run.pk).update(total=D("1.00"))
    # the next run does not pick the approved projects again
    _access, later = create_and_calculate("wuyi-2024")
    assert later.line_count == 0


def test_two_drafts_over_the_same_projects_cannot_both_be_approved(wuyi_projects):
    creator, first = create_and_calculate("wuyi-2024")
    _same, second = create_and_calculate("wuyi-2024")
    approver = second_approver("wuyi-2024")
    for run in (first, second):
        runs.run_review(access=creator, run=run)
    approvals.run_approve(access=approver, run=first)
    with pytest.raises(Conflict):
        approvals.run_approve(access=approver, run=second)
    second.refresh_from_db()
    assert second.status == RunStatus.REVIEWED


def test_a_correction_is_an_adjustment_line_pointing_at_the_line_it_corrects(wuyi_projects):
    creator, run = create_and_calculate("wuyi-2024")
    runs.run_review(access=creator, run=run)
    run = approvals.run_approve(access=second_approver("wuyi-2024"), run=run)
    corrected = by_enterprise(run)["餐厨丙"]
    sample_designation_for(corrected.application)  # the sample award needs the designation
    runs.award_grant(
        access=creator,
        application=corrected.application,
        kind="sample",
        amount="150000",
        reference="武经信〔2025〕12号",
        decided_on=at("2025-03-01").date(),
    )
    _access, later = create_and_calculate("wuyi-2024")
    runs.correction_raise(access=creator, run=later, line=corrected, reason="补发样本企业奖励")
    runs.run_calculate(run_id=later.pk)
    later.refresh_from_db()
    adjustment = run_lines(later).get(kind=LineKind.ADJUSTMENT)
    assert adjustment.corrects_id == corrected.pk
    assert (adjustment.subsidy, adjustment.awards, adjustment.total) == (D("0.00"), D("150000.00"), D("150000.00"))
    assert adjustment.result["correction"]["before"]["total"] == "112000.00"
    assert corrected.total == D("112000.00")  # the approved line stays as it was


def test_awards_stay_within_their_limits_and_the_sample_quota(wuyi_projects):
    reviewer = access_of("wuyi-reviewer", "wuyi-2024")
    program = Program.objects.get(slug="wuyi-2024")
    doors = [ProjectSpec(f"门样本{n}", "doors", at("2025-03-01"), batch=3, n_software=D("100000")) for n in range(3)]
    projects = accepted_projects_create(program, doors, actor=reviewer.user)
    grant = {"access": reviewer, "kind": "sample", "reference": "决定", "decided_on": at("2025-03-01").date()}
    with pytest.raises(PortalError) as undesignated:  # the sample award needs an active designation
        runs.award_grant(application=projects[0], amount="100000", **grant)
    assert "application" in undesignated.value.fields
    for project in projects:  # written directly, past the designation's own quota: the award's fence still holds
        sample_designation_for(project)
    with pytest.raises(PortalError) as above:
        runs.award_grant(application=projects[0], amount="200000.01", **grant)
    assert "amount" in above.value.fields
    with pytest.raises(PortalError):
        runs.award_grant(application=projects[0], amount="99999.99", **grant)
    with pytest.raises(PortalError) as unknown:
        runs.award_grant(application=projects[0], amount="100000", **{**grant, "kind": "chain-case"})
    assert "kind" in unknown.value.fields
    runs.award_grant(application=projects[0], amount="100000", **grant)
    runs.award_grant(application=projects[1], amount="200000", **grant)
    with pytest.raises(PortalError) as quota:  # doors: 2 sample enterprises at most
        runs.award_grant(application=projects[2], amount="150000", **grant)
    assert "2" in quota.value.message
    with pytest.raises(NotAllowed):
        runs.award_grant(
            application=projects[2], amount="150000", **{**grant, "access": access_of("wuyi-auditor", "wuyi-2024")}
        )


def test_payments_stay_within_what_was_funded_and_settle_the_run(jinhua_projects):
    runs.pool_save(access=access_of("jinhua-admin", "jinhua-pilot"), source="central", budget="500000")
    creator, run = create_and_calculate("jinhua-pilot")
    runs.run_review(access=creator, run=run)
    run = approvals.run_approve(access=second_approver("jinhua-pilot"), run=run)
    line = by_enterprise(run)["四级丙"]  # central share 400,000 of which 260,000 funded
    with pytest.raises(PortalError) as too_much:
        runs.payment_record(
            access=creator,
            line=line,
            source="central",
            amount="260000.01",
            paid_on=at("2025-12-01").date(),
            voucher="V1",
        )
    assert "amount" in too_much.value.fields
    runs.payment_record(
        access=creator, line=line, source="central", amount="260000", paid_on=at("2025-12-01").date(), voucher="V1"
    )
    pool = FundingPool.objects.get(program__slug="jinhua-pilot", source="central")
    assert pool.paid == D("260000.00")
    paid = runs.run_pay_remaining(access=creator, run=run, paid_on=at("2025-12-02").date(), voucher="PL-2025-12")
    run.refresh_from_db()
    assert paid > 0 and run.status == RunStatus.PAID
    assert pool.allocated == D("500000.00")
    with pytest.raises(Conflict):
        runs.run_pay_remaining(access=creator, run=run, paid_on=at("2025-12-03").date(), voucher="again")


def test_a_pool_budget_cannot_go_below_what_is_allocated(jinhua_projects):
    admin = access_of("jinhua-admin", "jinhua-pilot")
    runs.pool_save(access=admin, source="central", budget="300000")
    creator, run = create_and_calculate("jinhua-pilot")
    runs.run_review(access=creator, run=run)
    approvals.run_approve(access=second_approver("jinhua-pilot"), run=run)
    with pytest.raises(PortalError) as below:
        runs.pool_save(access=admin, source="central", budget="299999.99")
    assert "budget" in below.value.fields
    with pytest.raises(DatabaseError), transaction.atomic():
        FundingPool.objects.filter(program__slug="jinhua-pilot").update(allocated=D("300000.01"))
    with pytest.raises(NotAllowed):
        runs.pool_save(access=creator, source="central", budget="1")


def test_allocation_is_in_order_and_releases_at_most_what_a_line_holds():
    grants = allocate(
        [
            Claim(1, "central", D("100")),
            Claim(2, "central", D("100")),
            Claim(3, "county", D("50")),
            Claim(4, "central", D("-80"), held=D("30")),
            Claim(5, "central", D("60")),
        ],
        {"central": D("150")},
    )
    assert [(g.line_id, g.allocated) for g in grants] == [(1, D("100")), (2, D("50")), (4, D("-30")), (5, D("30"))]


def test_the_demo_has_runs_in_every_state_for_the_three_programs():
    from demo.runs import demo_runs_build

    demo_runs_build()
    demo_runs_build()  # idempotent
    found = {
        (run.program.slug, run.number): (run.status, run.line_count, run.total, run.unfunded_total)
        for run in CalculationRun.objects.select_related("program")
    }
    assert found[("wuyi-2024", 1)] == (RunStatus.PAID, 4, D("981728.39"), D("0.00"))
    assert found[("wuyi-2024", 2)][0] == RunStatus.DRAFT
    assert found[("yongkang-2024", 1)][0] == RunStatus.REVIEWED
    assert found[("jinhua-pilot", 1)] == (RunStatus.APPROVED, 3, D("2100000.00"), D("40000.00"))
    assert len(found) == 4
