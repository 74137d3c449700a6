"""Funding as seed 004 六(二) has it: awards matched 1:1.5 like the subsidy unless their kind says otherwise, fixed
awards and the standard-reaching level, and a central shortfall funded first when a later run finds the pool
topped up. Every figure is worked by hand in the comment beside it."""

import io
import json
from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from policies import engine
from policies.selectors import parse_override, policy_snapshot, policy_version_for_quote
from portal.core.errors import PortalError
from portal.core.roles import Role
from programs.models import Program
from subsidies import approvals, runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.ledger import build_ledger
from subsidies.models import CarriedFunding, FundingPool, Payment, PoolAllocation, RunStatus
from subsidies.selectors import (
    carried_by_run,
    carried_outstanding,
    carried_to_run,
    ledger_layout,
    ledger_rows,
    run_lines,
)
from tests.factories import user_with_role
from tests.support.clock import at
from tests.support.people import access_in, second_approver

pytestmark = pytest.mark.django_db
D = Decimal
SLUG = "jinhua-pilot"


access_of = access_in(SLUG)


def jinhua_policy(*overrides):
    version = policy_version_for_quote(program=Program.objects.get(slug=SLUG))
    return policy_snapshot(
        version=version, overrides=[parse_override(text, track_kind="level_year") for text in overrides]
    )


def quote(*args):
    out = io.StringIO()
    call_command("quote_subsidy", "--program", SLUG, "--track", "pilot", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def facts(level, total, accepted_on="2025-02-01", awards=()):
    return engine.Facts(
        track="pilot",
        level=level,
        total_investment=D(total),
        accepted_on=datetime.fromisoformat(accepted_on).date(),
        awards=tuple((kind, D(amount)) for kind, amount in awards),
    )


def sources(result):
    return {line.source: line.amount for line in result.funding_lines}


# --- awards funded by their kind's rule -----------------------------------------------------------------------


def test_jinhua_matches_the_standard_award_like_the_subsidy():
    result = engine.evaluate(jinhua_policy(), facts(2, "800000", awards=[("standard-reached", "300000")]))
    # year 1 (approval 2024-09-01, accepted 2025-02-01): 800,000 × 50% = 400,000, under the level 2 cap of 500,000
    assert result.subsidy == D("400000.00")
    # total 400,000 + 300,000 = 700,000; central 40% × 700,000 = 280,000.00; local 700,000 − 280,000 = 420,000.00
    assert result.total == D("700000.00")
    assert sources(result) == {"central": D("280000.00"), "local": D("420000.00")}


def test_the_central_share_is_rounded_once_over_subsidy_and_awards():
    result = engine.evaluate(
        jinhua_policy(),
        facts(3, "1200000", "2025-03-10", awards=[("new-tech", "100000.01"), ("chain-case", "100000.01")]),
    )
    # 600,000 + 100,000.01 + 100,000.01 = 800,000.02; 40% = 240,000 + 40,000.004 + 40,000.004 = 320,000.008
    # → 320,000.01 rounded once (each award rounded apart would give 320,000.00); local 800,000.02 − 320,000.01
    assert result.total == D("800000.02")
    assert sources(result) == {"central": D("320000.01"), "local": D("480000.01")}


def test_an_award_kind_with_central_share_zero_is_funded_all_locally():
    policy = jinhua_policy("award_central_share[new-tech]=0")
    result = engine.evaluate(policy, facts(3, "1200000", "2025-03-10", awards=[("new-tech", "150000")]))
    # subsidy 1,200,000 × 50% = 600,000 (level 3 cap 800,000); central 40% × 600,000 + 0% × 150,000 = 240,000.00;
    # local 750,000 − 240,000 = 510,000.00
    assert sources(result) == {"central": D("240000.00"), "local": D("510000.00")}
    assert any("new-tech" in note and "0%" in note for note in result.trace_text())


def test_an_award_kind_with_its_own_share_and_the_city_split():
    policy = jinhua_policy("award_central_share[chain-case]=0.25", "city_share=0.35")
    result = engine.evaluate(policy, facts(3, "1200000", "2025-03-10", awards=[("chain-case", "100000")]))
    # central 40% × 600,000 + 25% × 100,000 = 240,000 + 25,000 = 265,000.00; local 700,000 − 265,000 = 435,000;
    # city 35% × 435,000 = 152,250.00; county 435,000 − 152,250 = 282,750.00
    assert sources(result) == {
        "central": D("265000.00"),
        "city": D("152250.00"),
        "county": D("282750.00"),
    }


def test_a_program_without_a_central_share_funds_awards_from_the_county():
    out = io.StringIO()
    call_command(
        "quote_subsidy",
        "--program",
        "wuyi-2024",
        "--track",
        "lightweight",
        "--batch",
        "1",
        "--n-investment",
        "100000",
        "--award",
        "sample=150000",
        "--json",
        stdout=out,
    )
    # N 100,000 × 60% (batch 1) = 60,000 + sample award 150,000 = 210,000, all from the county
    assert json.loads(out.getvalue())["funding_lines"] == [{"source": "county", "amount": "210000.00"}]


# --- fixed awards and the standard level ----------------------------------------------------------------------


def test_the_engine_refuses_a_fixed_award_of_another_amount():
    with pytest.raises(engine.PolicyError) as refused:
        engine.evaluate(jinhua_policy(), facts(2, "800000", awards=[("standard-reached", "120000")]))
    assert refused.value.field == "award" and "300,000.00" in refused.value.message


def test_the_engine_refuses_the_standard_award_below_the_standard_level():
    # with the subsidy open to level 1, level 1 is eligible for the subsidy but below the standard (default 2)
    policy = jinhua_policy("min_level=1", "level_cap[1]=300000")
    with pytest.raises(engine.PolicyError) as refused:
        engine.evaluate(policy, facts(1, "800000", awards=[("standard-reached", "300000")]))
    assert refused.value.field == "award" and "2级" in refused.value.message
    # a standard of 3 refuses level 2 as well
    with pytest.raises(engine.PolicyError):
        engine.evaluate(jinhua_policy("standard_level=3"), facts(2, "800000", awards=[("standard-reached", "300000")]))


def test_quote_subsidy_prints_the_seeded_figures_and_refuses_a_wrong_fixed_award():
    payload = quote(
        "--level",
        "2",
        "--total-investment",
        "800000",
        "--accepted-on",
        "2025-02-01",
        "--award",
        "standard-reached=300000",
    )
    # 400,000 + 300,000 = 700,000 → central 280,000.00, local 420,000.00 (see above)
    assert payload["funding_lines"] == [
        {"source": "central", "amount": "280000.00"},
        {"source": "local", "amount": "420000.00"},
    ]
    with pytest.raises(CommandError, match="^award: "):
        quote(
            "--level",
            "2",
            "--total-investment",
            "800000",
            "--accepted-on",
            "2025-02-01",
            "--award",
            "standard-reached=120000",
        )
    with pytest.raises(CommandError, match="^award: "):
        quote(
            "--level",
            "1",
            "--total-investment",
            "800000",
            "--accepted-on",
            "2025-02-01",
            "--set",
            "min_level=1",
            "--set",
            "level_cap[1]=300000",
            "--award",
            "standard-reached=300000",
        )
    # under the seeded policy level 1 is not eligible at all (min_level 2): the award is never reached
    refused = quote("--level", "1", "--total-investment", "800000", "--accepted-on", "2025-02-01")
    assert refused["eligible"] is False and refused["funding_lines"] == []


@pytest.fixture
def assessed_projects():
    program = Program.objects.get(slug=SLUG)
    actor = get_user_model().objects.get(username="jinhua-reviewer")
    specs = [
        ProjectSpec("二级达标", "power-tools", at("2025-02-01"), track="pilot", n_software=D("800000"), level=2),
        ProjectSpec("一级未达标", "garments", at("2025-02-02"), track="pilot", n_software=D("800000"), level=1),
        ProjectSpec("未评估", "garments", at("2025-02-03"), track="pilot", n_software=D("800000")),
    ]
    return accepted_projects_create(program, specs, actor=actor)


def grant(application, amount, kind="standard-reached"):
    return runs.award_grant(
        access=access_of("jinhua-reviewer"),
        application=application,
        kind=kind,
        amount=amount,
        reference="金经信〔2025〕1号",
        decided_on=at("2025-03-01").date(),
    )


def test_the_award_decision_refuses_a_wrong_fixed_amount_and_a_project_below_the_standard(assessed_projects):
    reached, below, unassessed = assessed_projects
    with pytest.raises(PortalError) as wrong_amount:
        grant(reached, "120000")
    assert set(wrong_amount.value.fields) == {"amount"}
    with pytest.raises(PortalError) as level_one:
        grant(below, "300000")
    assert set(level_one.value.fields) == {"application"}
    with pytest.raises(PortalError) as none:
        grant(unassessed, "300000")
    assert set(none.value.fields) == {"application"}
    award = grant(reached, "300000")
    assert award.amount == D("300000.00")


def test_a_run_pays_the_standard_award_matched_like_the_subsidy(assessed_projects):
    grant(assessed_projects[0], "300000")
    creator = access_of("jinhua-reviewer")
    run = runs.run_create(access=creator, title="达标奖励")
    run = runs.run_calculate(run_id=run.pk)
    line = run_lines(run).get(application=assessed_projects[0])
    # 800,000 × 50% = 400,000 + award 300,000 = 700,000: central 280,000.00, local 420,000.00
    assert (line.subsidy, line.awards, line.central, line.local) == (
        D("400000.00"),
        D("300000.00"),
        D("280000.00"),
        D("420000.00"),
    )


# --- a central shortfall carried forward ------------------------------------------------------------------


def projects(*specs):
    program = Program.objects.get(slug=SLUG)
    actor = get_user_model().objects.get(username="jinhua-reviewer")
    # level 2, 300,000 invested in year 1: subsidy 300,000 × 50% = 150,000, central 40% = 60,000, local 90,000
    return accepted_projects_create(
        program,
        [
            ProjectSpec(name, "power-tools", at(day), track="pilot", n_software=D("300000"), level=2)
            for name, day in specs
        ],
        actor=actor,
    )


def approved_run(title):
    creator = access_of("jinhua-reviewer")
    run = runs.run_create(access=creator, title=title)
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    runs.run_review(access=creator, run=run)
    return creator, approvals.run_approve(access=second_approver(SLUG), run=run)


@pytest.fixture
def carried_forward():
    """Pool 100,000; run 1: A and B need 60,000 each; pool raised by 50,000; run 2: C needs 60,000."""
    admin = access_of("jinhua-admin")
    runs.pool_save(access=admin, source="central", budget="100000")
    projects(("甲先验收", "2025-01-10"), ("乙后验收", "2025-02-10"))
    creator, first = approved_run("第一批")
    runs.pool_save(access=admin, source="central", budget="150000", reason="中央资金第二批到位")
    projects(("丙新项目", "2025-03-10"))
    _creator, second = approved_run("第二批")
    return creator, first, second


def test_an_earlier_shortfall_is_funded_first_when_the_pool_is_topped_up(carried_forward):
    _creator, first, second = carried_forward
    pool = FundingPool.objects.get(program__slug=SLUG, source="central")
    lines = {line.inputs["enterprise"]: line for line in run_lines(first)}
    # run 1: 100,000 → 甲 60,000 (first accepted), 乙 the 40,000 left, 20,000 short
    assert lines["甲先验收"].unfunded == D("0.00") and lines["乙后验收"].unfunded == D("20000.00")
    assert first.unfunded_total == D("20000.00")
    # run 2 with 50,000 more: 乙's 20,000 first, then 丙 the 30,000 left, 30,000 short
    carried = list(carried_by_run(second))
    assert [(c.line.inputs["enterprise"], c.amount) for c in carried] == [("乙后验收", D("20000.00"))]
    new = run_lines(second).get()
    allocation = PoolAllocation.objects.get(line=new)
    assert (allocation.requested, allocation.allocated, new.unfunded) == (D("60000.00"), D("30000.00"), D("30000.00"))
    # drawn in that order: 甲 1, 乙 2, 乙's carried funding 3, 丙 4
    assert (carried[0].sequence, allocation.sequence) == (3, 4)
    # never over-allocated: 60,000 + 40,000 + 20,000 + 30,000 = 150,000 = the budget
    pool.refresh_from_db()
    assert pool.allocated == pool.budget == D("150000.00") and pool.allocation_count == 4
    # the frozen line is as it was; run 1's page sees it funded later by run 2
    assert lines["乙后验收"].unfunded == D("20000.00")
    later = list(carried_to_run(first))
    assert [(c.line_id, c.run.number, c.amount) for c in later] == [
        (lines["乙后验收"].pk, second.number, D("20000.00"))
    ]
    assert run_lines(first).get(pk=lines["乙后验收"].pk).funded_later == D("20000.00")


def test_a_further_run_finds_nothing_left_to_carry(carried_forward):
    admin = access_of("jinhua-admin")
    _creator, first, second = carried_forward
    runs.pool_save(access=admin, source="central", budget="170000")
    projects(("丁再一批", "2025-04-10"))
    _creator, third = approved_run("第三批")
    # 20,000 more: 丙's 30,000 shortfall (accepted 2025-03-10) takes all of it, 10,000 still short; 丁 finds nothing
    assert [(c.line.inputs["enterprise"], c.amount) for c in carried_by_run(third)] == [("丙新项目", D("20000.00"))]
    assert run_lines(third).get().unfunded == D("60000.00")
    assert not carried_by_run(first).exists()
    pool = FundingPool.objects.get(program__slug=SLUG, source="central")
    assert pool.allocated == pool.budget == D("170000.00")


def test_the_database_refuses_carrying_more_than_the_shortfall(carried_forward):
    _creator, first, second = carried_forward
    short = run_lines(first).get(inputs__enterprise="乙后验收")
    pool = FundingPool.objects.get(program__slug=SLUG, source="central")
    with pytest.raises(DatabaseError), transaction.atomic():  # 20,000 already carried: nothing more fits
        CarriedFunding.objects.create(
            pool=pool, line=short, run=second, sequence=99, amount=D("0.01"), allocated_by=second.approved_by
        )
    carried = CarriedFunding.objects.get(line=short)
    with pytest.raises(DatabaseError), transaction.atomic():
        CarriedFunding.objects.filter(pk=carried.pk).update(amount=D("1.00"))


def test_payments_against_carried_funding_settle_the_run_that_funded_it(carried_forward):
    creator, first, second = carried_forward
    short = run_lines(first).get(inputs__enterprise="乙后验收")
    carried = CarriedFunding.objects.get(line=short)
    with pytest.raises(PortalError) as too_much:
        runs.payment_record(
            access=creator,
            line=short,
            carried=carried,
            source="central",
            amount="20000.01",
            paid_on=at("2026-01-05").date(),
            voucher="ZY-2",
        )
    assert "amount" in too_much.value.fields
    runs.payment_record(
        access=creator,
        line=short,
        carried=carried,
        source="central",
        amount="15000",
        paid_on=at("2026-01-05").date(),
        voucher="ZY-2",
    )
    assert carried_outstanding(second) == {carried.pk: D("5000.00")}  # 20,000 − 15,000
    # run 2's batch transfer pays 丙's funded 30,000 central + 90,000 local and 乙's remaining 5,000
    count = runs.run_pay_remaining(access=creator, run=second, paid_on=at("2026-01-06").date(), voucher="PL-2")
    second.refresh_from_db()
    assert count == 3 and second.status == RunStatus.PAID
    assert sum(p.amount for p in Payment.objects.filter(carried=carried)) == D("20000.00")
    pool = FundingPool.objects.get(program__slug=SLUG, source="central")
    assert pool.paid == D("50000.00")  # 15,000 + 5,000 on 乙, 30,000 on 丙
    first.refresh_from_db()
    assert first.status == RunStatus.APPROVED  # run 1's own money is not paid: untouched by run 2's payments


def test_the_ledger_shows_what_was_funded_later_and_paid_against_it(carried_forward):
    creator, first, second = carried_forward
    runs.run_pay_remaining(access=creator, run=second, paid_on=at("2026-01-06").date(), voucher="PL-2")
    program = Program.objects.get(slug=SLUG)
    rows = {row.enterprise: row for row in ledger_rows(program)}
    short = rows["乙后验收"]
    # 乙: total 150,000; central 60,000 of which 40,000 at approval and 20,000 funded later by run 2, all of it paid
    # by run 2's transfer; nothing of run 1's own 40,000 central and 90,000 local paid yet
    assert (short.unfunded, short.funded_later, short.funded_later_runs, short.still_unfunded) == (
        D("20000.00"),
        D("20000.00"),
        f"#{second.number}",
        D("0.00"),
    )
    assert (short.paid, short.paid_later) == (D("20000.00"), D("20000.00"))
    new = rows["丙新项目"]
    # 丙: 30,000 central funded and paid, 90,000 local paid, 30,000 still unfunded
    assert (new.unfunded, new.funded_later, new.still_unfunded, new.paid) == (
        D("30000.00"),
        D("0.00"),
        D("30000.00"),
        D("120000.00"),
    )
    # totals add up: 3 × 150,000 = 450,000 = funded at approval (400,000) + later (20,000) + still unfunded (30,000)
    total = sum(row.total for row in rows.values())
    at_approval = sum(row.total - row.unfunded for row in rows.values())
    later = sum(row.funded_later for row in rows.values())
    still = sum(row.still_unfunded for row in rows.values())
    assert (total, at_approval, later, still) == (D("450000.00"), D("400000.00"), D("20000.00"), D("30000.00"))
    content = build_ledger(ledger_rows(program), title="台账", layout=ledger_layout(program))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True)[_ledger_sheet_name()]
    values = list(sheet.values)
    header = {name: index for index, name in enumerate(values[0])}
    with translation.override("zh-hans"):
        later_column, still_column = header[_("Funded later")], header[_("Still unfunded")]
    totals = values[-1]
    assert D(str(totals[later_column])) == D("20000") and D(str(totals[still_column])) == D("30000")


def _ledger_sheet_name():
    with translation.override("zh-hans"):
        return _("Ledger")


def test_the_run_pages_and_api_show_the_carried_fundings(carried_forward, client):
    _creator, first, second = carried_forward
    client.force_login(get_user_model().objects.get(username="jinhua-reviewer"))
    page = client.get(f"/p/{SLUG}/runs/{second.pk}/")
    assert page.status_code == 200
    assert page.context["carried_forward"][0].amount == D("20000.00")
    earlier = client.get(f"/p/{SLUG}/runs/{first.pk}/")
    assert earlier.context["funded_later_total"] == D("20000.00")
    line = earlier.context["lines"][1]
    assert line.inputs["enterprise"] == "乙后验收" and [item.run.number for item in line.later] == [second.number]
    assert line.payment_code == "unpaid"  # 60,000 + 90,000 funded, nothing paid yet
    short = run_lines(first).get(inputs__enterprise="乙后验收")
    line_page = client.get(f"/p/{SLUG}/runs/{first.pk}/lines/{short.pk}/")
    assert line_page.status_code == 200 and line_page.context["still_unfunded"] == D("0.00")  # 20,000 − 20,000
    assert [item.amount for item in line_page.context["carried"]] == [D("20000.00")]
    pool = FundingPool.objects.get(program__slug=SLUG, source="central")
    pool_page = client.get(f"/p/{SLUG}/pools/{pool.pk}/")
    assert [item.line_id for item in pool_page.context["carried"]] == [short.pk]
    data = client.get(f"/api/v1/programs/{SLUG}/runs/{second.pk}/").json()
    assert [(item["line_run"], item["amount"], item["source"]) for item in data["carried_forward"]] == [
        (first.number, "20000.00", "central")
    ]
    data = client.get(f"/api/v1/programs/{SLUG}/runs/{first.pk}/").json()
    assert [(item["run"], item["amount"]) for item in data["funded_later"]] == [(second.number, "20000.00")]
    line_data = client.get(f"/api/v1/programs/{SLUG}/runs/{first.pk}/lines/{short.pk}/").json()
    assert line_data["funded_later"] == "20000.00" and line_data["carried_fundings"][0]["run"] == second.number


def test_the_enterprise_sees_what_later_runs_funded_on_its_own_subsidy(carried_forward, client):
    _creator, first, second = carried_forward
    short = run_lines(first).get(inputs__enterprise="乙后验收")
    owner = user_with_role(
        Program.objects.get(slug=SLUG),
        Role.ENTERPRISE,
        username="funding-owner",
        organisation=short.application.enterprise.organisation,
    )
    client.force_login(owner)
    response = client.get(f"/api/v1/programs/{SLUG}/my-subsidies/")
    assert response.status_code == 200
    (line,) = response.json()["results"]
    # 乙: 20,000 of the central 60,000 found no money at run 1's approval; run 2's approval funded it
    assert (line["run"], line["unfunded"], line["funded_later"], line["paid"]) == (
        first.number,
        "20000.00",
        "20000.00",
        "0.00",
    )
    page = client.get(f"/p/{SLUG}/my-subsidies/")
    assert [item.funded_later for item in page.context["lines"]] == [D("20000.00")]
    with translation.override("zh-hans"):
        note = _("%(amount)s funded later") % {"amount": "20,000.00"}
    assert note in page.content.decode()


def test_a_payment_through_the_api_names_the_carried_funding(carried_forward, client):
    _creator, first, second = carried_forward
    short = run_lines(first).get(inputs__enterprise="乙后验收")
    carried = CarriedFunding.objects.get(line=short)
    client.force_login(get_user_model().objects.get(username="jinhua-reviewer"))
    url = f"/api/v1/programs/{SLUG}/runs/{first.pk}/lines/{short.pk}/payments/"
    body = {"source": "central", "amount": "20000", "paid_on": "2026-01-05", "voucher": "ZY-3", "carried": carried.pk}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["carried"] == carried.pk
    assert carried_outstanding(second) == {}  # 20,000 funded later, 20,000 paid


def test_the_allocator_doctests_carry_a_shortfall_before_a_new_line():
    import doctest

    from subsidies import allocation

    result = doctest.testmod(allocation)
    assert result.attempted >= 2 and result.failed == 0
