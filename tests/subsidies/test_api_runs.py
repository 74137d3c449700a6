"""The v1 API of calculation runs, funding pools, awards and ledgers: the Jinhua worked examples end to end (a
central pool that runs out, approval by a second reviewer, payments within what is funded, the run paid), a
what-if that writes nothing, the Excel ledger at once or through a job, awards and corrections, every endpoint
404 for another program and 403 for writes by the auditor, and list query counts pinned at 1 and 50 rows."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, reverse

from filings.models import Application
from policies.models import PolicyVersion
from portal import api_urls
from portal.core.roles import Role
from programs.models import Program
from subsidies import approvals, ledger_jobs, runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.ledger_jobs import XLSX
from subsidies.models import (
    AwardDecision,
    CalculationRun,
    FundingPool,
    Payment,
    PoolAllocation,
    RunCorrection,
    RunExclusion,
    RunLine,
)
from tests.factories import user_with_role
from tests.support import people
from tests.support.clock import at
from tests.support.history import history_rows
from tests.support.people import access_in, api, user
from tests.support.runs import calculated_run
from tests.support.tenant.samples import sample_designation_for
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db
D = Decimal
PROGRAM = "jinhua-pilot"
MONEY_API_MODULES = ("subsidies.api.runs", "subsidies.api.ledgers", "subsidies.api.money")
ROUTES = [
    (pattern.name, pattern.pattern.converters.keys())
    for pattern in api_urls.urlpatterns
    if isinstance(pattern, URLPattern) and pattern.callback.__module__ in MONEY_API_MODULES
]


url = urls_in("api", PROGRAM)
access_of = access_in(PROGRAM)


def by_enterprise(rows):
    return {row["enterprise"]: row for row in rows}


def second_reviewer_of(slug):
    return people.second_reviewer(slug, username=f"api-runs-{slug}-second")


@pytest.fixture
def second_reviewer():
    return second_reviewer_of(PROGRAM)


def approved_run(second, slug=PROGRAM, creator="jinhua-reviewer"):
    run = calculated_run(slug, creator)
    runs.run_review(access=access_of(creator, slug), run=run)
    return approvals.run_approve(access=access_of(second, slug), run=run)


def test_the_jinhua_worked_examples_end_to_end(jinhua_projects, second_reviewer, django_capture_on_commit_callbacks):
    admin, reviewer = api("jinhua-admin"), api("jinhua-reviewer")
    pool_body = {"source": "central", "budget": "500000", "note": "中央资金第一批", "reason": "下达"}
    assert reviewer.post(url("pool-list"), pool_body, format="json").status_code == 403
    opened = admin.post(url("pool-list"), {**pool_body, "budget": "400000"}, format="json")
    assert opened.status_code == 201, opened.json()
    assert (opened.json()["budget"], opened.json()["remaining"], opened.json()["allocated"]) == (
        "400000.00",
        "400000.00",
        "0.00",
    )
    changed = admin.post(url("pool-list"), pool_body, format="json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["id"], changed.json()["budget"]) == (opened.json()["id"], "500000.00")
    negative = admin.post(url("pool-list"), {**pool_body, "budget": "-1"}, format="json")
    assert negative.status_code == 400 and "budget" in negative.json()["error"]["fields"]
    unknown = admin.post(url("pool-list"), {**pool_body, "source": "province"}, format="json")
    assert unknown.status_code == 400 and "source" in unknown.json()["error"]["fields"]

    with django_capture_on_commit_callbacks(execute=True):
        created = reviewer.post(url("run-list"), {"title": "第一批核算"}, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["title"], created.json()["status"], created.json()["job_status"]) == (
        "第一批核算",
        "draft",
        "queued",
    )
    run_id = created.json()["id"]

    detail = reviewer.get(url("run-detail", run=run_id)).json()
    assert (detail["job_status"], detail["generation"], detail["line_count"], detail["excluded_count"]) == (
        "done",
        1,
        3,
        1,
    )
    assert (detail["policy_version"], detail["total"]) == ("jinhua-pilot-plan", "2100000.00")
    assert detail["policy_versions"] == ["jinhua-pilot-plan"]
    sources = {row["source"]: (row["share"], row["unfunded"]) for row in detail["totals"]["by_source"]}
    assert sources == {"central": ("840000.00", None), "local": ("1260000.00", None)}
    assert [step["action"] for step in detail["transitions"]] == ["create"]
    assert detail["progress"]["progress"] == 100

    listed = reviewer.get(url("run-lines", run=run_id))
    assert listed.status_code == 200
    lines = listed.json()["results"]
    assert [line["enterprise"] for line in lines] == ["三级甲", "四级丙", "二级乙"]  # first accepted first
    first = by_enterprise(lines)["三级甲"]
    assert (first["subsidy"], first["total"], first["central"], first["local"], first["paid"]) == (
        "600000.00",
        "600000.00",
        "240000.00",
        "360000.00",
        "0.00",
    )
    assert (first["kind"], first["corrects"], first["track"]) == ("project", None, "pilot")
    line = reviewer.get(url("run-line", run=run_id, line=first["id"])).json()
    assert line["inputs"]["level"] == 3 and line["inputs"]["n_software"] == "1200000.00"
    assert (line["result"]["subsidy"], line["result"]["policy_version"]) == ("600000.00", "jinhua-pilot-plan")
    assert [f["source"] for f in line["result"]["funding_lines"]] == ["central", "local"]
    assert line["result"]["trace"] and line["allocations"] == [] and line["payments"] == []
    left_out = reviewer.get(url("run-exclusions", run=run_id)).json()["results"]
    assert [(row["enterprise"], row["stage"]) for row in left_out] == [("一级丁", "ineligible")]

    reviewed = reviewer.post(url("run-review", run=run_id), {"comment": "核对无误"}, format="json")
    assert reviewed.status_code == 200, reviewed.json()
    assert (reviewed.json()["status"], reviewed.json()["reviewed_by"]) == ("reviewed", str(user("jinhua-reviewer")))
    by_creator = reviewer.post(url("run-approve", run=run_id), {"comment": "同意"}, format="json")
    assert by_creator.status_code == 403, by_creator.json()
    assert CalculationRun.objects.get(pk=run_id).status == "reviewed"
    approved = api(second_reviewer).post(url("run-approve", run=run_id), {"comment": "同意"}, format="json")
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["unfunded_total"]) == ("approved", "340000.00")
    assert approved.json()["approved_by"] == str(second_reviewer)

    pool = {row["source"]: row for row in reviewer.get(url("pool-list")).json()}["central"]
    assert (pool["allocated"], pool["remaining"], pool["allocation_count"]) == ("500000.00", "0.00", 3)
    drawn = reviewer.get(url("pool-detail", pool=pool["id"])).json()["allocations"]
    assert [(a["enterprise"], a["requested"], a["allocated"], a["shortfall"]) for a in drawn] == [
        ("三级甲", "240000.00", "240000.00", "0.00"),
        ("四级丙", "400000.00", "260000.00", "140000.00"),
        ("二级乙", "200000.00", "0.00", "200000.00"),
    ]
    fourth = by_enterprise(lines)["四级丙"]
    four = reviewer.get(url("run-line", run=run_id, line=fourth["id"])).json()
    assert four["unfunded"] == "140000.00"
    assert four["outstanding"] == {"central": "260000.00", "local": "600000.00"}

    pay_url = url("run-line-payment", run=run_id, line=fourth["id"])
    payment = {"source": "central", "amount": "260000.00", "paid_on": "2025-12-01", "voucher": "JH-2025-001"}
    above = reviewer.post(pay_url, {**payment, "amount": "260000.01"}, format="json")
    assert above.status_code == 400, above.json()
    assert "260,000.00" in above.json()["error"]["fields"]["amount"][0]
    for bad, field in (
        ({"source": "province"}, "source"),
        ({"paid_on": "2025-13-45"}, "paid_on"),
        ({"paid_on": "1900-01-01"}, "paid_on"),
        ({"voucher": "  "}, "voucher"),
        ({"amount": "many"}, "amount"),
        ({"amount": "1.001"}, "amount"),
    ):
        refused = reviewer.post(pay_url, {**payment, **bad}, format="json")
        assert refused.status_code == 400 and field in refused.json()["error"]["fields"], (bad, refused.json())
    no_voucher = reviewer.post(pay_url, {key: v for key, v in payment.items() if key != "voucher"}, format="json")
    assert no_voucher.status_code == 400 and "voucher" in no_voucher.json()["error"]["fields"]
    assert not Payment.objects.filter(line__run_id=run_id).exists()
    paid = reviewer.post(pay_url, payment, format="json")
    assert paid.status_code == 201, paid.json()
    assert (paid.json()["amount"], paid.json()["voucher"], paid.json()["line"]) == (
        "260000.00",
        "JH-2025-001",
        fourth["id"],
    )
    four = reviewer.get(url("run-line", run=run_id, line=fourth["id"])).json()
    assert four["outstanding"] == {"local": "600000.00"} and four["paid"] == "260000.00"
    assert reviewer.post(pay_url, payment, format="json").status_code == 400  # nothing central is left

    remaining_url = url("run-pay-remaining", run=run_id)
    blank = reviewer.post(remaining_url, {"paid_on": "2025-12-20", "voucher": ""}, format="json")
    assert blank.status_code == 400 and "voucher" in blank.json()["error"]["fields"]
    settled = reviewer.post(remaining_url, {"paid_on": "2025-12-20", "voucher": "JH-2025-002"}, format="json")
    assert settled.status_code == 200, settled.json()
    assert settled.json()["status"] == "paid" and settled.json()["paid_at"] is not None
    assert reviewer.post(remaining_url, {"paid_on": "2025-12-21", "voucher": "JH-3"}, format="json").status_code == 409
    final = reviewer.get(url("run-lines", run=run_id)).json()["results"]
    assert {row["enterprise"]: row["paid"] for row in final} == {
        "三级甲": "600000.00",
        "四级丙": "860000.00",
        "二级乙": "300000.00",
    }
    pool = {row["source"]: row for row in reviewer.get(url("pool-list")).json()}["central"]
    assert pool["paid"] == "500000.00"
    paid_runs = reviewer.get(url("run-list"), {"status": "paid"}).json()["results"]
    assert run_id in [run["id"] for run in paid_runs] and {run["status"] for run in paid_runs} == {"paid"}
    assert run_id not in [run["id"] for run in reviewer.get(url("run-list"), {"status": "draft"}).json()["results"]]


def test_a_reviewed_run_goes_back_with_a_reason_and_calculates_again(jinhua_projects):
    run = calculated_run()
    reviewer = api("jinhua-reviewer")
    assert reviewer.post(url("run-return", run=run.pk), {"comment": "x"}, format="json").status_code == 409
    assert reviewer.post(url("run-review", run=run.pk), {}, format="json").status_code == 200
    silent = reviewer.post(url("run-return", run=run.pk), {"comment": ""}, format="json")
    assert silent.status_code == 400 and "comment" in silent.json()["error"]["fields"]
    returned = reviewer.post(url("run-return", run=run.pk), {"comment": "补充奖励后重算"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "draft"
    assert returned.json()["reviewed_by"] is None
    queued = reviewer.post(url("run-calculate", run=run.pk))
    assert queued.status_code == 200 and queued.json()["job_status"] == "queued"
    assert reviewer.post(url("run-calculate", run=run.pk)).status_code == 200
    not_calculated = reviewer.post(url("run-review", run=run.pk), {}, format="json")
    assert not_calculated.status_code == 409, not_calculated.json()  # the queued calculation has not run
    steps = reviewer.get(url("run-detail", run=run.pk)).json()["transitions"]
    assert [(s["action"], s["comment"]) for s in steps] == [
        ("create", ""),
        ("review", ""),
        ("return", "补充奖励后重算"),
    ]


def test_a_run_lists_what_the_caller_may_do_now(jinhua_projects):
    run = calculated_run()
    reviewer = api("jinhua-reviewer")
    assert reviewer.get(url("run-detail", run=run.pk)).json()["actions"] == ["recalculate", "review", "correct"]
    reviewed = reviewer.post(url("run-review", run=run.pk), {}, format="json")
    assert (reviewed.json()["status"], reviewed.json()["actions"]) == ("reviewed", ["return", "approve"])
    (row,) = [r for r in reviewer.get(url("run-list")).json()["results"] if r["id"] == run.pk]
    assert row["actions"] == ["return", "approve"]
    assert api("jinhua-auditor").get(url("run-detail", run=run.pk)).json()["actions"] == []


def test_a_what_if_returns_the_difference_and_writes_nothing(jinhua_projects):
    run = calculated_run()
    what_if_url = url("run-what-if", run=run.pk)
    before = history_rows()
    lines = RunLine.objects.count()

    answered = api("jinhua-auditor").post(what_if_url, {"overrides": ["year_rate[1]=0.40"]}, format="json")
    assert answered.status_code == 200, answered.json()
    data = answered.json()
    assert (data["version"], data["overrides"], data["changed"]) == ("jinhua-pilot-plan", ["year_rate[1]=0.40"], 1)
    assert (data["current_total"], data["other_total"], data["difference"]) == (
        "2100000.00",
        "1980000.00",
        "-120000.00",
    )
    (row,) = data["rows"]
    line = RunLine.objects.get(run=run, inputs__enterprise="三级甲")
    assert row == {
        "line": line.pk,
        "enterprise": "三级甲",
        "current": "600000.00",
        "other": "480000.00",
        "difference": "-120000.00",
        "note": "",
    }
    same = api("jinhua-reviewer").post(what_if_url, {}, format="json").json()
    assert (same["changed"], same["difference"], same["rows"]) == (0, "0.00", [])

    unknown = api("jinhua-reviewer").post(what_if_url, {"overrides": ["no_such_rate=0.1"]}, format="json")
    assert unknown.status_code == 400 and "overrides" in unknown.json()["error"]["fields"]
    out_of_range = api("jinhua-reviewer").post(what_if_url, {"overrides": ["year_rate[1]=1.5"]}, format="json")
    assert out_of_range.status_code == 400 and "overrides" in out_of_range.json()["error"]["fields"]
    version = api("jinhua-reviewer").post(what_if_url, {"version": "no-such-version"}, format="json")
    assert version.status_code == 400 and "version" in version.json()["error"]["fields"]
    assert api("jinhua-enterprise").post(what_if_url, {}, format="json").status_code == 403
    assert history_rows() == before and RunLine.objects.count() == lines


def test_the_ledger_comes_at_once_or_through_a_job(
    jinhua_projects, second_reviewer, django_capture_on_commit_callbacks
):
    run = approved_run(second_reviewer)
    auditor = api("jinhua-auditor")

    response = auditor.get(url("run-ledger", run=run.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    filename = ledger_jobs.ledger_filename(run.program, run)
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    rows = _ledger_rows(response.content)
    header = rows[0]
    assert all(isinstance(cell, str) and cell for cell in header) and "企业" in header  # Chinese headers
    assert {"三级甲", "四级丙", "二级乙"} <= {cell for row in rows[1:] for cell in row}
    whole = auditor.get(url("ledger"), HTTP_ACCEPT=XLSX)
    assert whole.status_code == 200 and whole["Content-Type"] == XLSX
    assert "三级甲" in {cell for row in _ledger_rows(whole.content)[1:] for cell in row}
    assert api("jinhua-enterprise").get(url("ledger")).status_code == 403

    with override_settings(LEDGER_INLINE_ROWS=2), django_capture_on_commit_callbacks() as callbacks:
        queued = auditor.get(url("run-ledger", run=run.pk))
    assert queued.status_code == 202, queued.content
    job = queued.json()
    assert (job["status"], job["progress"]) == ("queued", 0)
    assert job["url"] == url("ledger-job", ledger_job=job["id"])
    waiting = auditor.get(job["url"]).json()
    assert (waiting["status"], waiting["rows"], waiting["download"]) == ("queued", 3, None)
    assert auditor.get(url("ledger-job-download", ledger_job=job["id"])).status_code == 404

    for callback in callbacks:  # the worker builds the workbook
        callback()
    done = auditor.get(job["url"]).json()
    assert (done["status"], done["progress"]) == ("done", 100)
    assert done["download"] == url("ledger-job-download", ledger_job=job["id"])
    file = auditor.get(done["download"])
    assert file.status_code == 200 and file["Content-Type"] == XLSX
    assert "三级甲" in {cell for row in _ledger_rows(b"".join(file.streaming_content))[1:] for cell in row}
    assert api("wuyi-auditor").get(done["download"].replace(PROGRAM, "wuyi-2024")).status_code == 404


def _ledger_rows(content: bytes) -> list[tuple]:
    """The rows of the ledger's detail sheet (the second; the summary comes first)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[1].iter_rows(values_only=True))


def test_awards_and_corrections_through_the_api(jinhua_projects, django_capture_on_commit_callbacks):
    program = Program.objects.get(slug="wuyi-2024")
    reviewer = api("wuyi-reviewer")
    specs = [ProjectSpec("餐厨丙", "kitchenware", at("2025-01-10"), batch=3, n_software=D("280000"))]
    (project,) = accepted_projects_create(program, specs, actor=user("wuyi-reviewer"))
    second = second_reviewer_of("wuyi-2024")
    run = approved_run(second, "wuyi-2024", "wuyi-reviewer")
    corrected = RunLine.objects.get(run=run, application=project)
    assert corrected.total == D("112000.00")
    later = [ProjectSpec("五金丁", "hardware", at("2025-02-01"), batch=3, n_software=D("100000"))]
    accepted_projects_create(program, later, actor=user("wuyi-reviewer"))

    awards_url = url("award-list", program="wuyi-2024")
    body = {
        "application": project.pk,
        "kind": "sample",
        "amount": "150000",
        "reference": "武经信〔2025〕12号",
        "decided_on": "2025-03-01",
    }
    for bad, field in (
        ({"amount": "200000.01"}, "amount"),
        ({"kind": "chain-case"}, "kind"),
        ({"decided_on": "2025-02-30"}, "decided_on"),
        ({"reference": ""}, "reference"),
        ({"application": 999_999_999}, "application"),
        ({"application": Application.objects.filter(program__slug=PROGRAM).first().pk}, "application"),
    ):
        refused = reviewer.post(awards_url, {**body, **bad}, format="json")
        assert refused.status_code == 400 and field in refused.json()["error"]["fields"], (bad, refused.json())
    assert api("wuyi-admin").post(awards_url, body, format="json").status_code == 403
    assert not AwardDecision.objects.filter(application=project).exists()
    sample_designation_for(project)  # the sample award needs the designation
    granted = reviewer.post(awards_url, body, format="json")
    assert granted.status_code == 201, granted.json()
    award = granted.json()
    assert (award["application"], award["enterprise"], award["amount"], award["is_active"]) == (
        project.pk,
        "餐厨丙",
        "150000.00",
        True,
    )
    assert reviewer.post(awards_url, body, format="json").status_code == 409
    assert [a["id"] for a in reviewer.get(awards_url).json()["results"]] == [award["id"]]

    draft = calculated_run("wuyi-2024", "wuyi-reviewer")
    corrections_url = url("run-correction", program="wuyi-2024", run=draft.pk)
    not_approved = RunLine.objects.get(run=draft)  # 五金丁, in this draft
    elsewhere = RunLine.objects.filter(run=approved_run(second_reviewer_of(PROGRAM))).first()
    for line_id in (999_999_999, elsewhere.pk, not_approved.pk):
        refused = reviewer.post(corrections_url, {"line": line_id, "reason": "补发"}, format="json")
        assert refused.status_code == 400 and "line" in refused.json()["error"]["fields"], refused.json()
    assert not RunCorrection.objects.filter(run=draft).exists()
    with django_capture_on_commit_callbacks(execute=True):
        raised = reviewer.post(corrections_url, {"line": corrected.pk, "reason": "补发样本企业奖励"}, format="json")
    assert raised.status_code == 201, raised.json()
    assert (raised.json()["line"], raised.json()["run"], raised.json()["is_active"]) == (corrected.pk, draft.pk, True)
    again = reviewer.post(corrections_url, {"line": corrected.pk, "reason": "再次"}, format="json")
    assert again.status_code == 409
    lines = reviewer.get(url("run-lines", program="wuyi-2024", run=draft.pk)).json()["results"]
    (adjustment,) = [line for line in lines if line["kind"] == "adjustment"]
    assert (adjustment["corrects"], adjustment["awards"], adjustment["total"]) == (
        corrected.pk,
        "150000.00",
        "150000.00",
    )

    withdraw_url = url("run-correction-withdraw", program="wuyi-2024", run=draft.pk, correction=raised.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = reviewer.post(withdraw_url, {"reason": "奖励撤回"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["is_active"] is False
    lines = reviewer.get(url("run-lines", program="wuyi-2024", run=draft.pk)).json()["results"]
    assert [line for line in lines if line["kind"] == "adjustment"] == []

    award_withdraw_url = url("award-withdraw", program="wuyi-2024", award=award["id"])
    silent = reviewer.post(award_withdraw_url, {"reason": ""}, format="json")
    assert silent.status_code == 400 and "reason" in silent.json()["error"]["fields"]
    withdrawn = reviewer.post(award_withdraw_url, {"reason": "决定撤销"}, format="json")
    assert withdrawn.status_code == 200, withdrawn.json()
    assert (withdrawn.json()["is_active"], withdrawn.json()["withdrawn_reason"]) == (False, "决定撤销")


def test_the_enterprise_reads_its_own_subsidies_only(jinhua_projects, second_reviewer):
    run = approved_run(second_reviewer)
    project = jinhua_projects[0]
    owner = user_with_role(
        Program.objects.get(slug=PROGRAM),
        Role.ENTERPRISE,
        username="api-runs-owner",
        organisation=project.enterprise.organisation,
    )
    own = api(owner).get(url("my-subsidies"))
    assert own.status_code == 200
    (line,) = own.json()["results"]
    assert (line["run"], line["run_status"], line["application"], line["total"], line["paid"]) == (
        run.number,
        "approved",
        project.pk,
        "600000.00",
        "0.00",
    )
    assert (line["unfunded"], line["funded_later"]) == ("0.00", "0.00")
    assert api("jinhua-enterprise").get(url("my-subsidies")).json()["results"] == []
    assert api("jinhua-reviewer").get(url("my-subsidies")).status_code == 403
    assert api("jinhua-enterprise").get(url("run-list")).status_code == 403


@pytest.fixture
def jinhua_world(jinhua_projects, second_reviewer, django_capture_on_commit_callbacks):
    """One object of each kind in Jinhua: a run approved by a background job and its line, a pool, a draft with a
    correction, an award, a finished ledger job."""
    runs.pool_save(access=access_of("jinhua-admin"), source="central", budget="500000")
    run = calculated_run()
    runs.run_review(access=access_of("jinhua-reviewer"), run=run)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs (eagerly) when the request commits
        approvals.run_approve(access=access_of(second_reviewer), run=run, background=True)
    run.refresh_from_db()
    assert run.status == "approved"
    line = RunLine.objects.filter(run=run).order_by("position").first()
    draft = calculated_run()
    correction = runs.correction_raise(access=access_of("jinhua-reviewer"), run=draft, line=line, reason="更正")
    award = runs.award_grant(
        access=access_of("jinhua-reviewer"),
        application=jinhua_projects[1],
        kind="new-tech",
        amount="100000",
        reference="金经信〔2025〕3号",
        decided_on=at("2025-06-01").date(),
    )
    job = ledger_jobs.ledger_request(access=access_of("jinhua-auditor"), run=run)
    ledger_jobs.ledger_build(job_id=job.pk)
    return {
        "program": PROGRAM,
        "run": run.pk,
        "line": line.pk,
        "correction": correction.pk,
        "award": award.pk,
        "pool": FundingPool.objects.get(program__slug=PROGRAM).pk,
        "ledger_job": job.pk,
    }


def filled(name, params, world):
    return reverse(f"api:{name}", kwargs={param: world[param] for param in params})


def test_every_endpoint_is_404_for_another_programs_user(jinhua_world):
    assert len(ROUTES) == 26
    before = history_rows()
    outsider = api("wuyi-reviewer")
    for name, params in ROUTES:
        path = filled(name, params, jinhua_world)
        for response in (outsider.get(path), outsider.post(path, {}, format="json")):
            assert response.status_code == 404, f"{response.request['REQUEST_METHOD']} {path}: {response.status_code}"
        if set(params) - {"program"}:  # Jinhua's objects under Wuyi's code: not found either
            elsewhere = filled(name, params, {**jinhua_world, "program": "wuyi-2024"})
            for method in _methods(name):
                response = getattr(outsider, method)(elsewhere, {}, format="json")
                assert response.status_code == 404, f"{method} {elsewhere}: {response.status_code}"
    assert history_rows() == before


def _methods(name) -> list[str]:
    (pattern,) = [p for p in api_urls.urlpatterns if isinstance(p, URLPattern) and p.name == name]
    return [method for method in ("get", "post") if hasattr(pattern.callback.view_class, method)]


WRITE_BODIES = {
    "run-list": {"title": "审计尝试"},
    "run-calculate": {},
    "run-review": {"comment": "审计尝试"},
    "run-return": {"comment": "审计尝试"},
    "run-approve": {"comment": "审计尝试"},
    "run-approval-retry": {},
    "run-pay-remaining": {"paid_on": "2025-12-01", "voucher": "A-1"},
    "run-line-payment": {"source": "central", "amount": "1.00", "paid_on": "2025-12-01", "voucher": "A-1"},
    "run-correction": {"line": 0, "reason": "审计尝试"},
    "run-correction-withdraw": {"reason": "审计尝试"},
    "pool-list": {"source": "county", "budget": "1000"},
    "award-list": {"kind": "new-tech", "amount": "1000", "reference": "A", "decided_on": "2025-06-01"},
    "award-withdraw": {"reason": "审计尝试"},
}


def test_the_auditor_reads_everything_and_writes_nothing(jinhua_world, jinhua_projects):
    auditor = api("jinhua-auditor")
    # what-if writes nothing; a retry rebuilds a failed ledger, which the auditor may build (409 for a finished one)
    writes = [name for name, _params in ROUTES if "post" in _methods(name)]
    writes = [name for name in writes if name not in ("run-what-if", "ledger-job-retry")]
    assert sorted(writes) == sorted(WRITE_BODIES)
    bodies = {
        **WRITE_BODIES,
        "run-correction": {"line": jinhua_world["line"], "reason": "审计尝试"},
        "award-list": {**WRITE_BODIES["award-list"], "application": jinhua_projects[0].pk},
    }
    before = history_rows()
    for name, params in ROUTES:
        path = filled(name, params, jinhua_world)
        if name in bodies:
            response = auditor.post(path, bodies[name], format="json")
            assert response.status_code == 403, f"POST {path}: {response.status_code}"
        if "get" in _methods(name):
            response = auditor.get(path)
            expected = 403 if name == "my-subsidies" else 200
            assert response.status_code == expected, f"GET {path}: {response.status_code}"
    what_if = auditor.post(filled("run-what-if", ["program", "run"], jinhua_world), {}, format="json")
    assert what_if.status_code == 200
    retry = auditor.post(filled("ledger-job-retry", ["program", "ledger_job"], jinhua_world), {}, format="json")
    assert retry.status_code == 409  # the ledger is built: only a failed one is built again
    assert history_rows() == before


# Query counts --------------------------------------------------------------------------------------------


class Rows:
    """N of each listed thing in Jinhua: runs, lines (frozen, of one enterprise), left-out projects, awards and
    pool allocations, so that each list can be counted at 1 and at 50 rows."""

    def __init__(self):
        self.program = Program.objects.get(slug=PROGRAM)
        self.reviewer = user("jinhua-reviewer")
        self.version = PolicyVersion.objects.get(program=self.program, status="active")
        self.pool = FundingPool.objects.create(program=self.program, source="central", budget=D("100000000"))
        self.run = self._runs(1)[0]
        self.profile = None
        self.owner = None
        self.count = 0

    def _runs(self, count):
        start = CalculationRun.objects.filter(program=self.program).aggregate(n=Max("number"))["n"] or 0
        return [
            CalculationRun.objects.create(
                program=self.program,
                number=start + n + 1,
                title="计数",
                created_by=self.reviewer,
                reviewed_by=self.reviewer,
                policy_version=self.version,
                generation=1,
            )
            for n in range(count)
        ]

    def add(self, count):
        specs = [
            ProjectSpec(f"计数{self.count + n}", "garments", at("2025-03-01"), track="pilot", n_software=D("1000"))
            for n in range(count)
        ]
        projects = accepted_projects_create(self.program, specs, actor=self.reviewer)
        if self.profile is None:
            self.profile = projects[0].enterprise
            self.owner = user_with_role(
                self.program, Role.ENTERPRISE, username="api-runs-counter", organisation=self.profile.organisation
            )
        Application.objects.filter(pk__in=[p.pk for p in projects]).update(enterprise=self.profile)
        if self.count:
            self._runs(count)
        money = {"subsidy": D("1000.00"), "awards": D("0.00"), "total": D("1000.00"), "central": D("1000.00")}
        lines = RunLine.objects.bulk_create(
            RunLine(
                run=self.run,
                generation=1,
                position=self.count + n + 1,
                application=project,
                accepted_at=at("2025-03-01"),
                inputs={"enterprise": project.title, "track": "pilot"},
                result={},
                frozen=True,
                **money,
            )
            for n, project in enumerate(projects)
        )
        RunExclusion.objects.bulk_create(
            RunExclusion(run=self.run, generation=1, application=project, stage="policy", reason="计数")
            for project in projects
        )
        AwardDecision.objects.bulk_create(
            AwardDecision(
                program=self.program,
                application=project,
                kind="new-tech",
                amount=D("1000.00"),
                reference="计数",
                decided_on=at("2025-03-01").date(),
                granted_by=self.reviewer,
            )
            for project in projects
        )
        PoolAllocation.objects.bulk_create(
            PoolAllocation(
                pool=self.pool, line=line, sequence=self.count + n + 1, requested=line.total, allocated=line.total
            )
            for n, line in enumerate(lines)
        )
        Payment.objects.bulk_create(
            Payment(
                line=line,
                source="central",
                amount=D("10.00"),
                paid_on=at("2025-04-01").date(),
                voucher="V",
                recorded_by=self.reviewer,
            )
            for line in lines
        )
        self.count += count


def count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries), queries


@pytest.mark.parametrize(
    ("name", "pinned"),
    [
        ("run-list", 7),
        ("run-lines", 7),
        ("run-exclusions", 7),
        ("award-list", 6),
        ("pool-detail", 6),
        ("my-subsidies", 6),
    ],
)
def test_list_query_count_does_not_grow_with_rows(client, name, pinned):
    rows = Rows()
    rows.add(1)
    kwargs = {"run": rows.run.pk} if name.startswith("run-") and name != "run-list" else {}
    if name == "pool-detail":
        kwargs = {"pool": rows.pool.pk}
    path = url(name, **kwargs)
    client.force_login(rows.owner if name == "my-subsidies" else rows.reviewer)
    count(client, path)
    one, _ = count(client, path)
    rows.add(49)
    fifty, queries = count(client, path)
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert one == fifty, f"{path}: {one} queries for 1 row, {fifty} for 50\n{sql[:6000]}"
    assert fifty == pinned, f"{path}: {fifty} queries, pinned at {pinned}\n{sql[:6000]}"
    listed = client.get(path).json()
    assert len(listed.get("results", listed.get("allocations", []))) == 50
