"""The calculation-run pages: a reviewer creates a run on the page and follows its calculation, reads its lines,
totals and a line's trace; reviews it; the creator's approval is refused and a second reviewer's accepted;
payments are recorded one by one and all at once; a what-if shows the budget difference; the admin keeps the
funding pools; awards are granted within their limits; ledgers download as workbooks (at once, or built in the
background); the auditor reads everything and changes nothing; another program's users find nothing; the
enterprise reads its own subsidies; and the list pages cost the same queries for 1 row as for 50."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from acceptance.models import ReviewStatus
from portal.core.roles import Role
from programs.models import Program
from subsidies import approvals, runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.ledger_jobs import XLSX
from subsidies.models import (
    AwardDecision,
    CalculationRun,
    FundingPool,
    JobStatus,
    LedgerJob,
    Payment,
    RunCorrection,
    RunStatus,
)
from subsidies.selectors import run_lines
from tests.factories import user_with_role
from tests.support.clock import at
from tests.support.history import history_rows
from tests.support.pages import page_queries as count
from tests.support.pages import shown
from tests.support.people import access_in, as_user, second_reviewer, user
from tests.support.tenant.samples import sample_designation_for
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
D = Decimal
access_of = access_in(SLUG)
url = urls_in("subsidies", SLUG)


def calculated(creator="wuyi-reviewer", slug=SLUG, title="测试批次") -> CalculationRun:
    """A run created and calculated through the services (in tests the queued task never runs by itself)."""
    run = runs.run_create(access=access_of(creator, slug), title=title)
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    return run


def approved(creator="wuyi-reviewer") -> CalculationRun:
    run = calculated(creator)
    runs.run_review(access=access_of(creator), run=run)
    return approvals.run_approve(
        access=access_of(second_reviewer(SLUG, username="second-reviewer")), run=run, comment="同意"
    )


def line_of(run, enterprise):
    return next(line for line in run_lines(run) if line.inputs["enterprise"] == enterprise)


@pytest.fixture
def projects():
    """Wuyi projects: 门业甲 (doors, batch 2, N 600,000 + X 200,000 → 250,000 + 80,000 = 330,000), 五金丁
    (hardware, batch 1) and 公示中戊 (still in announcement, left out)."""
    program = Program.objects.get(slug=SLUG)
    specs = [
        ProjectSpec("门业甲", "doors", at("2024-09-10"), batch=2, n_software=D("600000"), x_software=D("200000")),
        ProjectSpec("五金丁", "hardware", at("2024-07-01"), batch=1, n_software=D("123456.78")),
        ProjectSpec(
            "公示中戊", "hardware", at("2025-02-01"), batch=3, n_software=D("1000"), status=ReviewStatus.ANNOUNCING
        ),
    ]
    return accepted_projects_create(program, specs, actor=user("wuyi-reviewer"))


# A run created on the page -----------------------------------------------------------------------------------


def test_a_reviewer_creates_a_run_on_the_page_and_reads_its_lines_totals_and_trace(
    client, projects, django_capture_on_commit_callbacks
):
    as_user(client, "wuyi-reviewer")
    page = client.get(url("runs"))
    assert page.status_code == 200 and 'name="title"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("runs"), {"title": "页面核算批次"})
    assert len(callbacks) == 1  # the calculation, dispatched once the run is committed
    run = CalculationRun.objects.get(program__slug=SLUG, title="页面核算批次")
    assert response.status_code == 302 and response["Location"] == url("run", run=run.pk)
    assert run.job_status == JobStatus.DONE and run.line_count == 2 and run.excluded_count == 1
    assert run.total == D("330000.00") + D("74074.07")

    text = client.get(url("run", run=run.pk)).content.decode()
    doors = line_of(run, "门业甲")
    assert "门业甲" in text and "330,000.00" in text and "404,074.07" in text
    assert url("line", run=run.pk, line=doors.pk) in text
    assert "公示中戊" in text  # left out: still in announcement
    assert shown("In public announcement") in text
    assert "data-job-url" not in text  # done: no progress bar
    by_industry = {
        group.name: group.total for group in client.get(url("run", run=run.pk)).context["totals"].by_industry
    }
    assert by_industry["门"] == D("330000.00")
    assert client.get(url("run", run=run.pk)).context["policy_versions"] == ["wuyi-2024-plan"]
    listed = client.get(url("runs"))
    assert [item.policy_versions for item in listed.context["page"].object_list] == [["wuyi-2024-plan"]]
    assert '<span class="mono">wuyi-2024-plan</span>' in listed.content.decode()

    progress = client.get(url("run-progress", run=run.pk)).json()
    assert progress["status"] == "done" and progress["progress"] == 100

    line_page = client.get(url("line", run=run.pk, line=doors.pk)).content.decode()
    assert "250,000.00" in line_page and "80,000.00" in line_page and "330,000.00" in line_page
    assert doors.inputs["uscc"] in line_page
    assert any(step in line_page for step in map(escape, doors.result["trace"]))
    assert '<span class="row-sub mono">wuyi-2024-plan</span>' in line_page  # the line's own version
    assert "N部分" in line_page


def test_a_queued_run_shows_a_progress_bar_that_polls_its_progress(client, projects):
    as_user(client, "wuyi-reviewer")
    client.post(url("runs"), {"title": "待计算批次"})  # the dispatch waits for a commit that never comes here
    run = CalculationRun.objects.get(program__slug=SLUG, title="待计算批次")
    text = client.get(url("run", run=run.pk)).content.decode()
    assert run.job_status == JobStatus.QUEUED
    assert f'data-job-url="{url("run-progress", run=run.pk)}"' in text and "data-job-reload" in text
    progress = client.get(url("run-progress", run=run.pk)).json()
    assert (progress["status"], progress["progress"]) == ("queued", 0)
    assert progress["status_label"] == shown("Queued") and progress["message"] == shown("Queued")
    runs.run_calculate(run_id=run.pk)
    assert client.get(url("run-progress", run=run.pk)).json()["progress"] == 100


def test_a_failed_calculation_shows_its_message_and_calculates_again(client, projects):
    run = calculated()
    CalculationRun.objects.filter(pk=run.pk).update(job_status=JobStatus.FAILED, job_message="计算服务不可用")
    as_user(client, "wuyi-reviewer")
    text = client.get(url("run", run=run.pk)).content.decode()
    assert "计算服务不可用" in text and url("run-recalculate", run=run.pk) in text
    response = client.post(url("run-recalculate", run=run.pk))
    run.refresh_from_db()
    assert response.status_code == 302 and run.job_status == JobStatus.QUEUED


# Review and approval ---------------------------------------------------------------------------------------


def test_the_creator_marks_the_run_reviewed_but_only_another_reviewer_approves_it(client, projects):
    run = calculated()
    as_user(client, "wuyi-reviewer")
    response = client.post(url("run-review", run=run.pk), {"comment": "已核对"})
    run.refresh_from_db()
    assert response.status_code == 302 and run.status == RunStatus.REVIEWED
    assert run.reviewed_by == user("wuyi-reviewer")

    refused = client.post(url("run-approve", run=run.pk), {"comment": ""}, follow=True)
    run.refresh_from_db()
    assert run.status == RunStatus.REVIEWED and run.approved_by is None
    assert shown("A run is approved by someone other than the person who created it.") in refused.content.decode()

    back = client.post(url("run-return", run=run.pk), {"comment": ""})  # the reason is required
    run.refresh_from_db()
    assert back.status_code == 200 and "comment" in back.context["return_form"].errors
    assert run.status == RunStatus.REVIEWED
    client.post(url("run-return", run=run.pk), {"comment": "五金丁金额待核"})
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.reviewed_by is None
    client.post(url("run-review", run=run.pk), {"comment": "已复核"})
    run.refresh_from_db()
    assert run.status == RunStatus.REVIEWED

    other = second_reviewer(SLUG, username="second-reviewer")
    as_user(client, other)
    response = client.post(url("run-approve", run=run.pk), {"comment": "同意拨付"})
    run.refresh_from_db()
    assert response.status_code == 302 and run.status == RunStatus.APPROVED and run.approved_by == other
    text = client.get(url("run", run=run.pk)).content.decode()
    assert "同意拨付" in text and "五金丁金额待核" in text and str(other) in text


# Payments --------------------------------------------------------------------------------------------------


def test_a_payment_on_a_line_stays_within_what_is_open_and_the_rest_is_paid_at_once(client, projects):
    run = approved()
    doors = line_of(run, "门业甲")
    as_user(client, "wuyi-reviewer")
    page = client.get(url("line", run=run.pk, line=doors.pk))
    form = page.context["payment_form"]
    assert form.initial["source"] == "county" and form.initial["amount"] == D("330000.00")

    paid = {"source": "county", "paid_on": "2025-12-01", "voucher": "V-001", "note": "首笔"}
    too_much = client.post(url("line-pay", run=run.pk, line=doors.pk), {**paid, "amount": "330000.01"})
    assert too_much.status_code == 200 and "amount" in too_much.context["payment_form"].errors
    assert not Payment.objects.filter(line=doors).exists()

    response = client.post(url("line-pay", run=run.pk, line=doors.pk), {**paid, "amount": "100000"})
    assert response.status_code == 302
    assert list(Payment.objects.filter(line=doors).values_list("amount", "voucher")) == [(D("100000.00"), "V-001")]
    line_page = client.get(url("line", run=run.pk, line=doors.pk))
    assert "V-001" in line_page.content.decode()
    assert line_page.context["payment_form"].initial["amount"] == D("230000.00")

    response = client.post(url("run-pay", run=run.pk), {"paid_on": "2025-12-02", "voucher": "PL-2025-12", "note": ""})
    run.refresh_from_db()
    assert response.status_code == 302 and run.status == RunStatus.PAID
    assert sum(Payment.objects.filter(line__run=run).values_list("amount", flat=True)) == run.total
    assert "payment_form" not in client.get(url("line", run=run.pk, line=doors.pk)).context


def test_a_line_of_an_approved_run_is_corrected_through_a_draft_and_the_correction_withdrawn(
    client, projects, django_capture_on_commit_callbacks
):
    run = approved()
    doors = line_of(run, "门业甲")
    sample_designation_for(projects[0])  # the sample award needs the designation
    runs.award_grant(
        access=access_of("wuyi-reviewer"),
        application=projects[0],
        kind="sample",
        amount="150000",
        reference="武经信〔2025〕12号",
        decided_on=at("2025-03-01").date(),
    )
    draft = calculated(title="更正批次")
    as_user(client, "wuyi-reviewer")
    form = client.get(url("line", run=run.pk, line=doors.pk)).context["correction_form"]
    assert [pk for pk, _label in form.fields["run"].choices] == [draft.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("line-correct", run=run.pk, line=doors.pk), {"run": draft.pk, "reason": "补发奖励"})
    assert response.status_code == 302 and response["Location"] == url("run", run=draft.pk)
    correction = RunCorrection.objects.get(run=draft, corrects=doors, is_active=True)
    draft.refresh_from_db()
    adjustment = run_lines(draft).get(kind="adjustment")
    assert (adjustment.total, adjustment.corrects_id) == (D("150000.00"), doors.pk)
    text = client.get(url("line", run=draft.pk, line=adjustment.pk)).content.decode()
    assert url("line", run=run.pk, line=doors.pk) in text and "补发奖励" in text and "150,000.00" in text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("correction-withdraw", run=draft.pk, correction=correction.pk), {"reason": "重复申请"})
    correction.refresh_from_db()
    draft.refresh_from_db()
    assert not correction.is_active and not run_lines(draft).filter(kind="adjustment").exists()


def test_pay_remaining_needs_a_voucher(client, projects):
    run = approved()
    as_user(client, "wuyi-reviewer")
    response = client.post(url("run-pay", run=run.pk), {"paid_on": "2025-12-02", "voucher": ""})
    run.refresh_from_db()
    assert response.status_code == 200 and "voucher" in response.context["pay_form"].errors
    assert run.status == RunStatus.APPROVED and not Payment.objects.filter(line__run=run).exists()


# What-if ---------------------------------------------------------------------------------------------------


def test_the_what_if_page_shows_the_budget_difference_and_writes_nothing(client, projects):
    run = calculated()
    as_user(client, "wuyi-auditor")
    before = history_rows()
    response = client.get(url("what-if", run=run.pk), {"version": "", "overrides": "x_rate=0.50"})
    found = response.context["found"]
    assert response.status_code == 200 and found.changed == 1
    assert found.difference == D("20000.00")  # 门业甲's X part: 200,000 × (0.50 − 0.40)
    text = response.content.decode()
    assert '+<span class="money">20,000.00' in text and "350,000.00" in text and "门业甲" in text
    assert history_rows() == before

    unknown = client.get(url("what-if", run=run.pk), {"overrides": "no_such_rate=0.5"})
    assert unknown.status_code == 200 and "overrides" in unknown.context["form"].errors
    assert unknown.context["found"] is None
    bad = client.get(url("what-if", run=run.pk), {"overrides": "x_rate=2"})
    assert bad.status_code == 200 and "overrides" in bad.context["form"].errors


# Funding pools ---------------------------------------------------------------------------------------------


def test_the_admin_sets_a_pool_budget_on_the_page(client):
    as_user(client, "jinhua-admin")
    assert 'name="budget"' in client.get(url("pools", slug="jinhua-pilot")).content.decode()
    response = client.post(
        url("pools", slug="jinhua-pilot"),
        {"source": "central", "budget": "500000", "note": "中央资金第一批", "reason": "下达"},
    )
    assert response.status_code == 302
    pool = FundingPool.objects.get(program__slug="jinhua-pilot", source="central")
    assert pool.budget == D("500000.00") and pool.note == "中央资金第一批"
    text = client.get(url("pools", slug="jinhua-pilot")).content.decode()
    assert "500,000.00" in text and "中央资金第一批" in text
    negative = client.post(url("pools", slug="jinhua-pilot"), {"source": "central", "budget": "-1"})
    assert negative.status_code == 200 and "budget" in negative.context["form"].errors
    as_user(client, "jinhua-reviewer")
    assert client.post(url("pools", slug="jinhua-pilot"), {"source": "local", "budget": "1"}).status_code == 403
    assert not FundingPool.objects.filter(program__slug="jinhua-pilot", source="local").exists()


def test_a_pool_page_lists_its_allocations_in_order(client, projects):
    runs.pool_save(access=access_of("wuyi-admin"), source="county", budget="1000000")
    run = approved()
    pool = FundingPool.objects.get(program__slug=SLUG, source="county")
    as_user(client, "wuyi-auditor")
    response = client.get(url("pool", pool=pool.pk))
    rows = [(item.line.inputs["enterprise"], item.allocated) for item in response.context["allocations"]]
    assert rows == [("五金丁", D("74074.07")), ("门业甲", D("330000.00"))]  # first accepted, first drawn
    assert url("line", run=run.pk, line=line_of(run, "门业甲").pk) in response.content.decode()


# Awards ----------------------------------------------------------------------------------------------------


def test_an_award_is_granted_on_the_page_within_its_maximum_and_withdrawn(client, projects):
    doors = projects[0]
    sample_designation_for(doors)  # the sample award needs the designation
    as_user(client, "wuyi-reviewer")
    form = client.get(url("awards")).context["form"]
    assert [kind for kind, _label in form.fields["kind"].choices] == ["sample"]
    assert doors in form.fields["application"].queryset
    unknown = client.post(url("awards"), {"application": "WUYI-NO-SUCH", "kind": "sample", "amount": "1"})
    assert unknown.status_code == 200 and "application" in unknown.context["form"].errors
    grant = {
        "application": doors.filing_number,
        "kind": "sample",
        "reference": "武经信〔2025〕12号",
        "decided_on": "2025-03-01",
        "reason": "样本企业",
    }
    above = client.post(url("awards"), {**grant, "amount": "200000.01"})
    assert above.status_code == 200 and "amount" in above.context["form"].errors
    assert not AwardDecision.objects.filter(application=doors).exists()

    response = client.post(url("awards"), {**grant, "amount": "150000"})
    award = AwardDecision.objects.get(application=doors)
    assert response.status_code == 302 and award.amount == D("150000.00") and award.is_active
    assert "武经信〔2025〕12号" in client.get(url("awards")).content.decode()

    client.post(url("award-withdraw", award=award.pk), {"reason": "决定撤销"})
    award.refresh_from_db()
    assert not award.is_active and award.withdrawn_reason == "决定撤销"


def test_the_awards_page_is_paginated(client, projects, monkeypatch):
    """Finding 5 of the faults issue: the awards page listed every award of the program on one page."""
    from programs import web

    doors = projects[0]
    sample_designation_for(doors)
    access = access_of("wuyi-reviewer")
    references = ["武经信〔2025〕1号", "武经信〔2025〕2号", "武经信〔2025〕3号"]
    for reference in references:  # one project, decided three times (each earlier award withdrawn)
        award = runs.award_grant(
            access=access,
            application=doors,
            kind="sample",
            amount="150000",
            reference=reference,
            decided_on=date(2025, 3, 1),
        )
        if reference != references[-1]:
            runs.award_withdraw(access=access, award=award, reason="重新决定")
    monkeypatch.setattr(web, "PAGE_SIZE", 2)
    as_user(client, "wuyi-reviewer")

    first, second = client.get(url("awards")), client.get(url("awards"), {"page": 2})

    assert len(first.context["page"].object_list) == 2 and first.context["page"].paginator.count == 3
    assert len(second.context["page"].object_list) == 1
    listed = [award.reference for page in (first, second) for award in page.context["page"].object_list]
    assert sorted(listed) == references


# Ledgers ---------------------------------------------------------------------------------------------------


def workbook_cells(content: bytes) -> list:
    """Every filled cell of every sheet of the workbook."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


def test_a_run_ledger_downloads_at_once_with_a_get(client, projects):
    run = calculated()
    as_user(client, "wuyi-auditor")
    page = client.get(url("run-ledger", run=run.pk))
    assert page.status_code == 200 and page.context["count"] == 2 and "?download=1" in page.content.decode()
    before = history_rows()
    response = client.get(url("run-ledger", run=run.pk), {"download": "1"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert f"{Program.objects.get(slug=SLUG).slug}-ledger-run{run.number}-" in response["Content-Disposition"]
    cells = workbook_cells(response.content)
    assert "门业甲" in cells and "五金丁" in cells
    # a small ledger through POST is served at once too, and records nothing
    posted = client.post(url("run-ledger", run=run.pk))
    assert posted.status_code == 200 and posted["Content-Type"] == XLSX
    assert history_rows() == before and not LedgerJob.objects.exists()


def test_a_large_ledger_is_built_in_the_background_and_downloaded(
    client, projects, settings, django_capture_on_commit_callbacks
):
    approved()
    settings.LEDGER_INLINE_ROWS = 1
    as_user(client, "wuyi-auditor")
    assert "?download=1" not in client.get(url("ledger")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("ledger"))
    job = LedgerJob.objects.get(program__slug=SLUG)
    assert response.status_code == 302 and response["Location"] == f"{url('ledger')}?job={job.pk}"
    assert job.run is None and job.rows == 2 and job.requested_by == user("wuyi-auditor")
    state = client.get(url("ledger-job", ledger_job=job.pk)).json()
    assert state["status"] == "done" and state["progress"] == 100
    assert state["download"] == url("ledger-download", ledger_job=job.pk)
    download = client.get(state["download"])
    cells = workbook_cells(b"".join(download.streaming_content))
    assert download.status_code == 200 and "门业甲" in cells


# Who may do what -------------------------------------------------------------------------------------------


@pytest.fixture
def everything(projects):
    """An approved run with a pool drawn and a payment, a draft run carrying a correction, an award and a ledger
    job: every page has something to show."""
    runs.pool_save(access=access_of("wuyi-admin"), source="county", budget="1000000")
    run = approved()
    doors = line_of(run, "门业甲")
    reviewer = access_of("wuyi-reviewer")
    runs.payment_record(
        access=reviewer, line=doors, source="county", amount="1000", paid_on=at("2025-12-01").date(), voucher="V1"
    )
    draft = calculated(title="更正批次")
    correction = runs.correction_raise(access=reviewer, run=draft, line=doors, reason="审计调整")
    draft = runs.run_calculate(run_id=draft.pk)  # the draft now carries an adjustment line of 门业甲
    sample_designation_for(projects[0])  # the sample award needs the designation
    award = runs.award_grant(
        access=reviewer,
        application=projects[0],
        kind="sample",
        amount="150000",
        reference="决定",
        decided_on=at("2025-03-01").date(),
    )
    job = LedgerJob.objects.create(program=run.program, run=run, requested_by=reviewer.user)
    pool = FundingPool.objects.get(program__slug=SLUG, source="county")
    return {
        "run": run,
        "line": doors,
        "draft": draft,
        "correction": correction,
        "award": award,
        "job": job,
        "pool": pool,
    }


def pages(objects):
    run, line, pool, job = objects["run"], objects["line"], objects["pool"], objects["job"]
    return [
        url("runs"),
        url("runs") + "?status=approved",
        url("run", run=run.pk),
        url("run", run=objects["draft"].pk),
        url("run-progress", run=run.pk),
        url("line", run=run.pk, line=line.pk),
        url("what-if", run=run.pk) + "?overrides=x_rate%3D0.5",
        url("run-ledger", run=run.pk),
        url("pools"),
        url("pool", pool=pool.pk),
        url("awards"),
        url("ledger"),
        url("ledger-job", ledger_job=job.pk),
    ]


def posts(objects):
    run, line, draft = objects["run"], objects["line"], objects["draft"]
    payment = {"source": "county", "amount": "1", "paid_on": "2025-12-01", "voucher": "V", "note": ""}
    return [
        (url("runs"), {"title": "审计员批次"}),
        (url("run-recalculate", run=draft.pk), {}),
        (url("run-review", run=draft.pk), {"comment": ""}),
        (url("run-return", run=draft.pk), {"comment": "退回"}),
        (url("run-approve", run=draft.pk), {"comment": ""}),
        (url("run-pay", run=run.pk), {"paid_on": "2025-12-01", "voucher": "V"}),
        (url("line-pay", run=run.pk, line=line.pk), payment),
        (url("line-correct", run=run.pk, line=line.pk), {"run": draft.pk, "reason": "更正"}),
        (url("correction-withdraw", run=draft.pk, correction=objects["correction"].pk), {"reason": "撤回"}),
        (url("pools"), {"source": "central", "budget": "1"}),
        (url("awards"), {"application": line.application_id, "kind": "sample", "amount": "100000"}),
        (url("award-withdraw", award=objects["award"].pk), {"reason": "撤销"}),
    ]


def test_the_auditor_reads_every_page_and_every_write_is_refused(client, everything):
    as_user(client, "wuyi-auditor")
    for path in pages(everything):
        assert client.get(path).status_code == 200, path
    before = history_rows()
    for path, data in posts(everything):
        assert client.post(path, data).status_code == 403, path
    assert history_rows() == before
    text = client.get(url("run", run=everything["run"].pk)).content.decode()
    assert url("run-pay", run=everything["run"].pk) not in text  # no form the auditor cannot send
    assert 'name="title"' not in client.get(url("runs")).content.decode()


def test_the_reviewer_sees_the_action_forms_the_auditor_does_not(client, everything):
    as_user(client, "wuyi-reviewer")
    draft = client.get(url("run", run=everything["draft"].pk)).content.decode()
    assert (
        "审计调整" in draft
        and url("correction-withdraw", run=everything["draft"].pk, correction=everything["correction"].pk) in draft
    )
    line = client.get(url("line", run=everything["run"].pk, line=everything["line"].pk))
    assert "correction_form" in line.context and "payment_form" in line.context
    assert "V1" in line.content.decode()


def test_a_user_of_another_program_finds_nothing(client, everything):
    as_user(client, "jinhua-reviewer")
    for path in pages(everything) + [url("my-subsidies")]:
        assert client.get(path).status_code == 404, path
    before = history_rows()
    for path, data in posts(everything):
        assert client.post(path, data).status_code == 404, path
    assert history_rows() == before


def test_the_enterprise_reads_its_own_subsidies_only(client, projects):
    run = approved()
    doors = line_of(run, "门业甲")
    owner = user_with_role(
        Program.objects.get(slug=SLUG),
        Role.ENTERPRISE,
        username="doors-owner",
        organisation=projects[0].enterprise.organisation,
    )
    as_user(client, owner)
    response = client.get(url("my-subsidies"))
    text = response.content.decode()
    assert response.status_code == 200 and [line.pk for line in response.context["lines"]] == [doors.pk]
    assert projects[0].title in text and "330,000.00" in text and projects[1].title not in text
    assert shown("Unpaid") in text
    assert client.get(url("runs")).status_code == 403
    assert client.get(url("run", run=run.pk)).status_code == 403
    demo = as_user(client, "wuyi-enterprise").get(url("my-subsidies"))
    assert demo.status_code == 200 and list(demo.context["lines"]) == []


def test_the_navigation_links_the_pages_by_role(client):
    staff = as_user(client, "wuyi-auditor").get(reverse("dashboard:index", kwargs={"program": SLUG}))
    text = staff.content.decode()
    assert url("runs") in text and url("pools") in text and url("awards") in text and url("ledger") in text
    assert url("my-subsidies") not in text
    enterprise = as_user(client, "wuyi-enterprise").get(reverse("dashboard:index", kwargs={"program": SLUG}))
    text = enterprise.content.decode()
    assert url("my-subsidies") in text and url("runs") not in text


# Query counts ----------------------------------------------------------------------------------------------


def more_projects(n, start):
    specs = [
        ProjectSpec(f"批量{start + i}", "hardware", at("2025-03-01"), batch=3, n_software=D("10000")) for i in range(n)
    ]
    accepted_projects_create(Program.objects.get(slug=SLUG), specs, actor=user("wuyi-reviewer"))


def test_the_runs_list_costs_the_same_queries_for_1_run_as_for_50(client):
    as_user(client, "wuyi-auditor")
    reviewer = user("wuyi-reviewer")
    program = Program.objects.get(slug=SLUG)

    def add(numbers):
        CalculationRun.objects.bulk_create(
            CalculationRun(program=program, number=n, title=f"批次{n}", created_by=reviewer) for n in numbers
        )

    add([1])
    count(client, url("runs"))
    one, _queries = count(client, url("runs"))
    add(range(2, 51))
    fifty, queries = count(client, url("runs"))
    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    assert one == fifty, f"{one} queries for 1 run, {fifty} for 50\n{sql}"
    assert fifty == 7, sql


def test_the_run_page_costs_the_same_queries_for_1_line_as_for_50(client):
    more_projects(1, 0)
    run = calculated()
    assert run.line_count == 1
    as_user(client, "wuyi-auditor")
    count(client, url("run", run=run.pk))
    one, _queries = count(client, url("run", run=run.pk))
    more_projects(49, 1)
    runs.run_recalculate(access=access_of("wuyi-reviewer"), run=run)
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    assert run.line_count == 50
    fifty, queries = count(client, url("run", run=run.pk))
    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    assert one == fifty, f"{one} queries for 1 line, {fifty} for 50\n{sql}"
    assert fifty == 18, sql
