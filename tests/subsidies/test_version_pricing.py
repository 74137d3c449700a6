"""The policy version a project is priced under is fixed at its approval: activating another version changes only
filings approved after it, runs price each project under its own version (several at once), and a bureau admin
re-prices named projects with a recorded reason. Amounts are the Yongkang mid-level pilot examples of
policies.md, worked by hand."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from filings.models import Application, ProviderResponse, Status
from filings.services import application_transition
from policies import services as policy_services
from policies.models import PolicyVersion, VersionStatus
from policies.services import policy_version_draft_from
from portal.core.errors import NotAllowed, PortalError
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program
from subsidies import approvals, calculation, pricing, runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.ledger_jobs import ledger_bytes
from subsidies.models import RunLine
from subsidies.selectors import ledger_rows, run_lines
from tests.factories import user_with_role
from tests.support.clock import at
from tests.support.pages import page_queries
from tests.support.people import access_in, api, user

pytestmark = pytest.mark.django_db
D = Decimal
SLUG = "yongkang-2024"
OPINION, NOTE = "yongkang-2024-opinion", "yongkang-2024-drafting-note"

# midlevel-pilot, T = 2,000,000 software and hardware, A = 1,200,000 automation equipment (policies.md):
# opinion: 60 % × 2,000,000 = 1,200,000; A ≥ 1,000,000 so 18 % × 1,200,000 = 216,000; no award → 1,416,000
OPINION_TOTAL = D("1416000.00")
# drafting note: 30 % × 2,000,000 = 600,000 + 216,000 = 816,000 subsidy; + the 300,000 award after acceptance
NOTE_SUBSIDY, NOTE_AWARD, NOTE_TOTAL = D("816000.00"), D("300000.00"), D("1116000.00")


access_of = access_in(SLUG)


def version(code) -> PolicyVersion:
    return PolicyVersion.objects.get(code=code)


def api_url(name, code, program=SLUG):
    return reverse(f"api:policy-version-{name}", kwargs={"program": program, "policy_version": code})


def accepted(*names, version_code=None) -> list[Application]:
    """Mid-level pilot projects (T 2,000,000, A 1,200,000) whose acceptance passed and whose announcement ended;
    priced under `version_code` when given, else under the version active when they are written."""
    specs = [
        ProjectSpec(
            name,
            "power-tools",
            at(f"2025-03-{10 + n:02d}"),
            track="midlevel-pilot",
            n_software=D("1500000"),
            x_hardware=D("500000"),
            automation=D("1200000"),
        )
        for n, name in enumerate(names)
    ]
    applications = accepted_projects_create(Program.objects.get(slug=SLUG), specs, actor=user("yongkang-reviewer"))
    if version_code:
        Application.objects.filter(pk__in=[a.pk for a in applications]).update(policy_version=version(version_code))
    return applications


def approved_now(application) -> Application:
    """Back to "submitted" with the provider's acceptance, then approved by the reviewer through the filing
    workflow (the version is fixed then). The filing numbers of the projects to approve are cleared beforehand
    (`unnumbered`)."""
    Application.objects.filter(pk=application.pk).update(
        status=Status.SUBMITTED,
        policy_version=None,
        implementation_deadline=None,
        provider_response=ProviderResponse.ACCEPTED,
    )
    return application_transition(access=access_of("yongkang-reviewer"), application=application, action="approve")


def unnumbered(*applications):
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(filing_number="")


def calculated_run():
    run = runs.run_create(access=access_of("yongkang-reviewer"), title="版本核算")
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    return run


def line_of(run, application) -> RunLine:
    return run_lines(run).get(application=application)


def activate_note():
    return policy_services.policy_version_activate(
        access=access_of("yongkang-admin"), version=version(NOTE), effective_from=date(2025, 2, 1)
    )


def test_activating_a_version_leaves_approved_filings_under_the_version_they_were_approved_under(client):
    first, later = accepted("先批准甲", "后批准乙")
    unnumbered(first, later)
    with time_machine.travel(at("2025-01-15"), tick=False):
        first = approved_now(first)
    assert first.policy_version.code == OPINION
    assert first.implementation_deadline == date(2025, 7, 15)  # the opinion's 6 months

    client.force_login(user("yongkang-admin"))
    response = client.post(
        reverse("policies:activate", kwargs={"program": SLUG, "version": version(NOTE).pk}),
        {"effective_from": "2025-02-01"},
    )
    assert response.status_code == 302
    assert version(NOTE).status == VersionStatus.ACTIVE and version(OPINION).status == VersionStatus.RETIRED

    with time_machine.travel(at("2025-02-10"), tick=False):
        later = approved_now(later)
    first.refresh_from_db()
    assert (first.policy_version.code, first.implementation_deadline) == (OPINION, date(2025, 7, 15))
    assert (later.policy_version.code, later.implementation_deadline) == (NOTE, date(2025, 10, 10))  # 8 months

    run = calculated_run()
    opinion_line, note_line = line_of(run, first), line_of(run, later)
    assert (opinion_line.total, opinion_line.awards) == (OPINION_TOTAL, D("0.00"))
    assert opinion_line.result["policy_version"] == opinion_line.inputs["policy_version"] == OPINION
    assert [line["rate"] for line in opinion_line.result["subsidy_lines"]] == ["0.60", "0.18"]
    assert (note_line.subsidy, note_line.awards, note_line.total) == (NOTE_SUBSIDY, NOTE_AWARD, NOTE_TOTAL)
    assert note_line.result["policy_version"] == note_line.inputs["policy_version"] == NOTE
    assert [line["rate"] for line in note_line.result["subsidy_lines"]] == ["0.30", "0.18"]


def test_a_run_prices_two_versions_at_once_reading_each_snapshot_once():
    (under_opinion,) = accepted("意见版甲", version_code=OPINION)
    (under_note,) = accepted("说明版乙", version_code=NOTE)
    (unfixed,) = accepted("未定版丙")
    Application.objects.filter(pk=unfixed.pk).update(policy_version=None)  # approved before versions were fixed
    run = calculated_run()
    assert line_of(run, under_opinion).total == OPINION_TOTAL
    assert (line_of(run, under_note).total, line_of(run, under_note).awards) == (NOTE_TOTAL, NOTE_AWARD)
    assert line_of(run, unfixed).total == OPINION_TOTAL
    assert line_of(run, unfixed).result["policy_version"] == OPINION
    assert run.policy_version is None  # the lines name two versions
    assert calculation.run_policy_versions(run) == [NOTE, OPINION]
    assert (
        sum(line.total for line in run_lines(run).filter(application__in=[under_opinion, under_note, unfixed]))
        == OPINION_TOTAL + NOTE_TOTAL + OPINION_TOTAL
        == D("3948000.00")
    )

    # more projects under the same two versions cost no more queries: one snapshot per version, no row reads
    with CaptureQueriesContext(connection) as before:
        calculation.calculate(run)
    accepted("意见版丁", "意见版戊", version_code=OPINION)
    accepted("说明版己", "说明版庚", version_code=NOTE)
    with CaptureQueriesContext(connection) as after:
        calculation.calculate(run)
    assert len(after.captured_queries) == len(before.captured_queries)
    snapshots = [q["sql"] for q in after.captured_queries if 'FROM "subsidies_policytrack"' in q["sql"]]
    assert len(snapshots) == 2


def test_the_fingerprint_follows_the_versions_so_a_repriced_project_gives_a_new_calculation():
    (project,) = accepted("改价甲", version_code=OPINION)
    run = calculated_run()
    generation, fingerprint = run.generation, run.fingerprint
    again = calculation.calculate(run)
    assert (again.generation, again.fingerprint) == (generation, fingerprint)  # unchanged: nothing written
    activate_note()
    admin = access_of("yongkang-admin")
    pricing.application_reprice(access=admin, applications=[project], version=version(NOTE), reason="按起草说明")
    repriced = calculation.calculate(run)
    assert repriced.generation == generation + 1 and repriced.fingerprint != fingerprint
    assert line_of(repriced, project).total == NOTE_TOTAL


def test_repricing_records_who_when_and_why_and_the_next_calculation_uses_it():
    (project,) = accepted("改价乙", version_code=OPINION)
    activate_note()
    admin = access_of("yongkang-admin")
    before = project.history.count()
    done = pricing.application_reprice(
        access=admin, applications=[project.pk], version=version(NOTE), reason="  经局务会研究按起草说明执行  "
    )
    assert [application.pk for application in done] == [project.pk]
    project.refresh_from_db()
    assert project.policy_version.code == NOTE
    latest = project.history.first()
    assert project.history.count() == before + 1
    assert (latest.history_user, latest.history_change_reason) == (admin.user, "经局务会研究按起草说明执行")
    assert latest.policy_version_id == version(NOTE).pk
    assert line_of(calculated_run(), project).total == NOTE_TOTAL

    # back to the retired opinion: a retired version still prices projects; the history shows before and after
    pricing.application_reprice(access=admin, applications=[project], version=version(OPINION), reason="复核后恢复")
    project.refresh_from_db()
    assert project.policy_version.code == OPINION
    latest = project.history.first()
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes == {"policy_version": (version(NOTE).pk, version(OPINION).pk)}
    assert (latest.history_user, latest.history_change_reason) == (admin.user, "复核后恢复")
    # naming the version it already has writes no history row
    count = project.history.count()
    pricing.application_reprice(access=admin, applications=[project], version=version(OPINION), reason="再次确认")
    assert project.history.count() == count


def test_repricing_refusals_name_their_field():
    (project,) = accepted("拒绝甲", version_code=OPINION)
    admin = access_of("yongkang-admin")
    note = version(NOTE)  # still a draft
    with pytest.raises(NotAllowed):
        pricing.application_reprice(
            access=access_of("yongkang-reviewer"), applications=[project], version=version(OPINION), reason="x"
        )
    cases = [
        ({"version": version(OPINION), "reason": "  "}, "reason"),
        ({"version": note, "reason": "草稿不可"}, "version"),
        ({"version": version("wuyi-2024-plan"), "reason": "别的项目"}, "version"),
    ]
    for kwargs, field in cases:
        with pytest.raises(PortalError) as refused:
            pricing.application_reprice(access=admin, applications=[project], **kwargs)
        assert list(refused.value.fields) == [field], kwargs
    with pytest.raises(PortalError) as refused:
        pricing.application_reprice(access=admin, applications=[], version=version(OPINION), reason="空")
    assert list(refused.value.fields) == ["applications"]
    project.refresh_from_db()
    assert project.policy_version.code == OPINION


def test_the_reprice_api_refuses_each_rule_with_its_status_and_field():
    (in_run,) = accepted("已核定乙", version_code=OPINION)
    run = calculated_run()
    runs.run_review(access=access_of("yongkang-reviewer"), run=run)
    second = user_with_role(Program.objects.get(slug=SLUG), Role.BUREAU_REVIEWER, username="pricing-second")
    approvals.run_approve(access=access_of(second), run=run)
    assert line_of(run, in_run).frozen
    (project,) = accepted("接口甲", version_code=OPINION)
    (submitted,) = accepted("未批准丙")
    Application.objects.filter(pk=submitted.pk).update(status=Status.SUBMITTED)
    foreign = Application.objects.filter(program__slug="wuyi-2024").first()
    activate_note()
    admin = api("yongkang-admin")
    body = {"applications": [project.pk], "reason": "按起草说明"}

    def post(client, code=NOTE, **changes):
        return client.post(api_url("reprice", code), {**body, **changes}, format="json")

    assert post(api("yongkang-reviewer")).status_code == 403
    assert post(api(user_with_role(Program.objects.get(slug=SLUG), Role.AUDITOR))).status_code == 403
    assert post(api("wuyi-admin")).status_code == 404
    assert post(admin, code="no-such-version").status_code == 404
    assert post(admin, code="wuyi-2024-plan").status_code == 404  # another program's version
    draft = policy_version_draft_from(
        access=access_of("yongkang-admin"), version=version(NOTE), code="yk-pricing-draft", name="测试草稿"
    )
    refusals = [
        (post(admin, reason=""), "reason"),
        (post(admin, code=draft.code), "version"),
        (post(admin, applications=[]), "applications"),
        (post(admin, applications=[foreign.pk]), "applications"),
        (post(admin, applications=[project.pk, submitted.pk]), "applications"),
        (post(admin, applications=[project.pk, in_run.pk]), "applications"),
    ]
    for response, field in refusals:
        assert response.status_code == 400, response.json()
        assert list(response.json()["error"]["fields"]) == [field], response.json()
    assert in_run.filing_number in refusals[-1][0].json()["error"]["message"]
    assert submitted.filing_number in refusals[-2][0].json()["error"]["message"]
    project.refresh_from_db()
    assert project.policy_version.code == OPINION  # all or none

    ok = post(admin)
    assert ok.status_code == 200, ok.json()
    assert ok.json() == [
        {"id": project.pk, "filing_number": project.filing_number, "title": project.title, "policy_version": NOTE}
    ]
    assert project.history.first().history_change_reason == "按起草说明"


ROLE_STATUS = dict.fromkeys(Role, 403) | {Role.BUREAU_ADMIN: 200}


@pytest.mark.parametrize("role", list(Role))
def test_the_activate_api_for_every_role(role):
    program = Program.objects.get(slug=SLUG)
    response = api(user_with_role(program, role)).post(api_url("activate", NOTE), {}, format="json")
    assert response.status_code == ROLE_STATUS[role], response.json()
    assert version(NOTE).status == (VersionStatus.ACTIVE if role == Role.BUREAU_ADMIN else VersionStatus.DRAFT)


def test_the_activate_api_refusals():
    program = Program.objects.get(slug=SLUG)
    admin = api("yongkang-admin")
    outsider = api(user_with_role(Program.objects.get(slug="wuyi-2024"), Role.BUREAU_ADMIN))
    assert outsider.post(api_url("activate", NOTE), {}, format="json").status_code == 404
    assert APIClient().post(api_url("activate", NOTE), {}, format="json").status_code == 401
    assert admin.post(api_url("activate", "no-such-version"), {}, format="json").status_code == 404
    assert admin.post(api_url("activate", "wuyi-2024-plan"), {}, format="json").status_code == 404

    active = admin.post(api_url("activate", OPINION), {}, format="json")
    assert active.status_code == 409 and OPINION in active.json()["error"]["message"]
    bad_date = admin.post(api_url("activate", NOTE), {"effective_from": "soon"}, format="json")
    assert bad_date.status_code == 400 and list(bad_date.json()["error"]["fields"]) == ["effective_from"]

    draft = policy_version_draft_from(
        access=program_access(user=user("yongkang-admin"), slug=SLUG),
        version=version(OPINION),
        code="yk-invalid-draft",
        name="无效草稿",
    )
    draft.tracks.update(kind="no-such-kind")
    invalid = admin.post(api_url("activate", draft.code), {}, format="json")
    assert invalid.status_code == 400 and "未知参数" in invalid.json()["error"]["message"]
    assert version("yk-invalid-draft").status == VersionStatus.DRAFT

    ok = admin.post(api_url("activate", NOTE), {"effective_from": "2025-02-01"}, format="json")
    assert ok.status_code == 200
    assert (ok.json()["code"], ok.json()["status"], ok.json()["effective_from"]) == (NOTE, "active", "2025-02-01")
    assert "midlevel-pilot" in ok.json()["tracks"]
    retired = admin.post(api_url("activate", OPINION), {}, format="json")
    assert retired.status_code == 409 and OPINION in retired.json()["error"]["message"]
    assert version(OPINION).status == VersionStatus.RETIRED
    assert program.policy_versions.get(status=VersionStatus.ACTIVE).code == NOTE


def test_the_reprice_page_lists_approved_filings_and_reprices_the_ticked_ones(client):
    project, other = accepted("页面甲", "页面乙", version_code=OPINION)
    activate_note()
    page = reverse("subsidies:reprice", kwargs={"program": SLUG, "version": version(NOTE).pk})
    client.force_login(user("yongkang-reviewer"))
    assert client.get(page).status_code == 403
    client.force_login(user("yongkang-admin"))
    detail = client.get(reverse("policies:version", kwargs={"program": SLUG, "version": version(NOTE).pk}))
    assert page in detail.content.decode()
    listed = client.get(page, {"q": "页面"})
    assert listed.status_code == 200
    assert {a.pk for a in listed.context["page"].object_list} == {project.pk, other.pk}
    assert OPINION in listed.content.decode()

    refused = client.post(page, {"applications": [project.pk], "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert refused.context["selected"] == {project.pk}
    done = client.post(page, {"applications": [project.pk], "reason": "按起草说明"})
    assert done.status_code == 302
    project.refresh_from_db()
    other.refresh_from_db()
    assert (project.policy_version.code, other.policy_version.code) == (NOTE, OPINION)

    draft_page = reverse("subsidies:reprice", kwargs={"program": SLUG, "version": version(OPINION).pk})
    assert client.get(draft_page).status_code == 200  # retired: still offered


def test_what_ifs_still_compare_any_version_over_lines_priced_under_several():
    (under_opinion,) = accepted("假设甲", version_code=OPINION)
    (under_note,) = accepted("假设乙", version_code=NOTE)
    run = calculated_run()
    reviewer = api("yongkang-reviewer")
    url = reverse("api:run-what-if", kwargs={"program": SLUG, "run": run.pk})
    found = reviewer.post(url, {"version": OPINION}, format="json")
    assert found.status_code == 200, found.json()
    rows = {row["line"]: row for row in found.json()["rows"]}
    note_line = line_of(run, under_note)
    # the drafting-note line (1,116,000) under the opinion: 1,416,000, 300,000 more
    assert (rows[note_line.pk]["current"], rows[note_line.pk]["other"]) == ("1116000.00", "1416000.00")
    assert rows[note_line.pk]["difference"] == "300000.00"
    assert line_of(run, under_opinion).pk not in rows  # unchanged under its own version


def test_projects_written_in_bulk_are_priced_under_the_version_active_when_written():
    (before,) = accepted("批量前甲")
    activate_note()
    (after,) = accepted("批量后乙")
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.policy_version.code, after.policy_version.code) == (OPINION, NOTE)
    run = calculated_run()
    assert (line_of(run, before).total, line_of(run, after).total) == (OPINION_TOTAL, NOTE_TOTAL)


def test_a_run_priced_under_two_versions_names_both_on_its_pages_in_the_api_and_in_the_ledger(client):
    (under_opinion,) = accepted("两版甲", version_code=OPINION)
    (under_note,) = accepted("两版乙", version_code=NOTE)
    run = calculated_run()
    both = [NOTE, OPINION]
    assert run.policy_version is None and calculation.run_policy_versions(run) == both
    client.force_login(user("yongkang-reviewer"))

    page = client.get(reverse("subsidies:run", kwargs={"program": SLUG, "run": run.pk}))
    assert page.context["policy_versions"] == both
    text = page.content.decode()
    assert "Not calculated yet." not in text and "尚未计算" not in text
    assert f'<span class="mono">{NOTE}</span>, <span class="mono">{OPINION}</span>' in text
    listed = client.get(reverse("subsidies:runs", kwargs={"program": SLUG}))
    (row,) = [item for item in listed.context["page"].object_list if item.pk == run.pk]
    assert row.policy_versions == both
    assert f'<span class="mono">{NOTE}</span>, <span class="mono">{OPINION}</span>' in listed.content.decode()
    for application, code in ((under_opinion, OPINION), (under_note, NOTE)):
        line = line_of(run, application)
        shown = client.get(reverse("subsidies:line", kwargs={"program": SLUG, "run": run.pk, "line": line.pk}))
        assert f'<span class="row-sub mono">{code}</span>' in shown.content.decode()

    reviewer = api("yongkang-reviewer")
    detail = reviewer.get(reverse("api:run-detail", kwargs={"program": SLUG, "run": run.pk})).json()
    assert (detail["policy_version"], detail["policy_versions"]) == (None, both)
    (item,) = [
        item
        for item in reviewer.get(reverse("api:run-list", kwargs={"program": SLUG})).json()["results"]
        if item["id"] == run.pk
    ]
    assert (item["policy_version"], item["policy_versions"]) == (None, both)

    program = Program.objects.get(slug=SLUG)
    versions = {row.enterprise: row.policy_version for row in ledger_rows(program, run)}
    assert (versions["两版甲"], versions["两版乙"]) == (OPINION, NOTE)
    from openpyxl import load_workbook

    sheet = list(load_workbook(io.BytesIO(ledger_bytes(program, run)), read_only=True)["台账"].values)
    column = {title: index for index, title in enumerate(sheet[0])}
    in_sheet = {row[column["企业"]]: row[column["政策版本"]] for row in sheet[1:-1]}
    assert (in_sheet["两版甲"], in_sheet["两版乙"]) == (OPINION, NOTE)


def test_a_run_priced_under_one_version_names_it_alone():
    (project,) = accepted("单版甲", version_code=NOTE)
    run = calculated_run()
    assert run.policy_version.code == NOTE
    detail = api("yongkang-reviewer").get(reverse("api:run-detail", kwargs={"program": SLUG, "run": run.pk})).json()
    assert (detail["policy_version"], detail["policy_versions"]) == (NOTE, [NOTE])
    draft = runs.run_create(access=access_of("yongkang-reviewer"), title="未核算")
    listed = api("yongkang-reviewer").get(reverse("api:run-list", kwargs={"program": SLUG})).json()["results"]
    assert {item["id"]: item["policy_versions"] for item in listed}[draft.pk] == []


def test_the_run_list_costs_the_same_queries_with_runs_priced_under_two_versions(client):
    accepted("计数甲", version_code=OPINION)
    single = calculated_run()
    assert single.policy_version.code == OPINION
    client.force_login(user("yongkang-reviewer"))
    page, endpoint = (
        reverse("subsidies:runs", kwargs={"program": SLUG}),
        reverse("api:run-list", kwargs={"program": SLUG}),
    )
    one_version = (page_queries(client, page)[0], page_queries(client, endpoint)[0])
    accepted("计数乙", version_code=NOTE)
    mixed = [calculated_run() for _ in range(3)]
    assert all(run.policy_version is None for run in mixed)
    two_versions = (page_queries(client, page)[0], page_queries(client, endpoint)[0])
    assert one_version == two_versions == (7, 7)  # the pins of test_run_pages.py and test_api_runs.py
    rows = client.get(endpoint).json()["results"]
    assert [item["policy_versions"] for item in rows] == [[NOTE, OPINION]] * 3 + [[OPINION]]
