"""The auditors' Excel ledger: opened with openpyxl, its headers, one row's values, the totals against the
database to the fen, the summary sheet, the program ledger (approved runs only), the command, and isolation."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from subsidies import approvals, runs
from subsidies.ledger_jobs import ledger_build, ledger_bytes, ledger_request
from subsidies.models import LedgerFile, RunLine
from subsidies.selectors import run_lines
from tests.support.people import access_of, second_approver
from tests.support.runs import create_and_calculate

pytestmark = pytest.mark.django_db
D = Decimal
SLUG = "jinhua-pilot"


def fen(value) -> Decimal:
    return D(str(value)).quantize(D("0.01"))


@pytest.fixture
def paid_run(jinhua_projects):
    runs.pool_save(access=access_of("jinhua-admin", SLUG), source="central", budget="500000")
    creator, run = create_and_calculate(SLUG)
    runs.run_review(access=creator, run=run)
    run = approvals.run_approve(access=second_approver(SLUG), run=run)
    line = next(line for line in run_lines(run) if line.inputs["enterprise"] == "三级甲")
    runs.payment_record(
        access=creator, line=line, source="central", amount="240000", paid_on="2025-12-01", voucher="JH-0001"
    )
    return run


def sheet_rows(content, name):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, list(workbook[name].iter_rows(values_only=True))


def test_the_run_ledger_has_chinese_headers_a_rows_values_and_totals_matching_the_database(paid_run):
    content = ledger_bytes(paid_run.program, paid_run)
    workbook, rows = sheet_rows(content, "台账")
    assert workbook.sheetnames == ["汇总", "台账"]
    header = rows[0]
    for title in ("企业", "统一社会信用代码", "乡镇（街道）", "细分行业", "申报类型", "服务商", "备案编号", "改造批次"):
        assert title in header, title
    column = {title: index for index, title in enumerate(header)}
    body = rows[1:-1]
    assert len(body) == RunLine.objects.filter(run=paid_run, generation=paid_run.generation).count() == 3
    row = next(r for r in body if r[column["企业"]] == "三级甲")
    assert fen(row[column["合计"]]) == D("600000.00")
    assert fen(row[column["试点补助基数"]]) == D("1200000.00") and row[column["试点补助比例"]] == 0.5
    assert fen(row[column["中央资金"]]) == D("240000.00") and fen(row[column["已拨付"]]) == D("240000.00")
    assert row[column["拨付状态"]] == "部分拨付" and row[column["拨付日期"]] == "2025-12-01"
    assert row[column["政策版本"]] == "jinhua-pilot-plan" and row[column["核算批次"]] == paid_run.number
    short = next(r for r in body if r[column["企业"]] == "二级乙")
    assert fen(short[column["未到位资金"]]) == D("200000.00")
    totals = rows[-1]
    assert totals[0] == "合计"
    lines = RunLine.objects.filter(run=paid_run, generation=paid_run.generation)
    for title, field in (
        ("合计", "total"),
        ("补助金额", "subsidy"),
        ("中央资金", "central"),
        ("未到位资金", "unfunded"),
    ):
        assert fen(totals[column[title]]) == sum(getattr(line, field) for line in lines), title
    assert fen(totals[column["合计"]]) == paid_run.total == D("2100000.00")
    sheet = workbook["台账"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}4"
    assert sheet.cell(2, column["合计"] + 1).number_format == "#,##0.00"


def test_the_summary_sheet_totals_by_industry_and_township(paid_run):
    _workbook, rows = sheet_rows(ledger_bytes(paid_run.program, paid_run), "汇总")
    industries = {row[0]: row for row in rows if row and row[0] in ("电动工具", "服装", "磁性材料")}
    assert fen(industries["电动工具"][4]) == D("600000.00") and industries["电动工具"][1] == 1
    totals = [row for row in rows if row and row[0] == "合计"]
    assert len(totals) == 2 and all(fen(row[4]) == paid_run.total for row in totals)


def test_the_program_ledger_lists_approved_runs_only(paid_run):
    creator, draft = create_and_calculate(SLUG)  # a draft after the approved run: nothing new to pick
    _workbook, rows = sheet_rows(ledger_bytes(paid_run.program), "台账")
    assert len(rows) - 2 == 3  # header and totals around the approved run's three lines
    assert {row[0] for row in rows[1:-1]} == {paid_run.number} and draft.number != paid_run.number


def test_a_large_ledger_is_built_once_per_job(paid_run, settings):
    job = ledger_request(access=access_of("jinhua-auditor", SLUG), run=paid_run)
    first = ledger_build(job_id=job.pk)
    again = ledger_build(job_id=job.pk)  # the task run twice (a retried worker) stores one file
    job.refresh_from_db()
    assert first == again and LedgerFile.objects.filter(job=job).count() == 1
    assert job.status == "done" and job.progress == 100 and job.rows == 3
    stored = LedgerFile.objects.get(job=job)
    assert load_workbook(stored.file.open("rb")).sheetnames == ["汇总", "台账"]


def test_export_ledger_command_writes_the_file_and_refuses_bad_input(paid_run, tmp_path):
    out = tmp_path / "台账.xlsx"
    call_command("export_ledger", "--program", SLUG, "--run", str(paid_run.pk), "--out", str(out))
    _workbook, rows = sheet_rows(out.read_bytes(), "台账")
    assert len(rows) == 5
    call_command("export_ledger", "--program", SLUG, "--out", str(out))
    assert load_workbook(out).sheetnames == ["汇总", "台账"]
    with pytest.raises(CommandError, match="^program"):
        call_command("export_ledger", "--program", "no-such-program", "--out", str(out))
    with pytest.raises(CommandError, match="^run"):
        call_command("export_ledger", "--program", "wuyi-2024", "--run", str(paid_run.pk + 1000), "--out", str(out))
    with pytest.raises(CommandError, match="^out"):
        call_command("export_ledger", "--program", SLUG, "--out", str(tmp_path / "x.csv"))


def test_a_ledger_of_another_program_is_refused(paid_run, client):
    urls = (f"/p/{SLUG}/ledger/", f"/p/{SLUG}/runs/{paid_run.pk}/ledger/", f"/api/v1/programs/{SLUG}/ledger/")
    client.force_login(get_user_model().objects.get(username="jinhua-auditor"))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    client.force_login(get_user_model().objects.get(username="wuyi-auditor"))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    with pytest.raises(Exception) as refused:
        ledger_request(access=access_of("wuyi-auditor", SLUG), run=paid_run)
    assert refused.type.__name__ in {"Http404", "NotAllowed"}
