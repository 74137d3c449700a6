"""The v1 API of acceptance and digital-level assessments, on the demo programs: the enterprise requests and the
provider co-signs, the panel refuses insiders and people without the role, sheets are program-scoped and checked
against each item's maximum, the full flow ends passed at an exact score and in the public announcement, and an
assessment's level is computed from the program's standards."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acceptance import selectors
from acceptance.models import AcceptanceReview, AuditReport, DigitalAssessment, ExpertSeat, ExpertSheet, ReviewStatus
from filings.models import Application
from portal.core.roles import Role
from programs.models import Program
from scoring.models import SheetItem
from tests.factories import EnterpriseProfileFactory, OrganisationFactory, user_with_role
from tests.support.people import api, user
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db

PROGRAM = "wuyi-2024"
D = Decimal
AMOUNTS = {
    "n_software": "150000.00",
    "n_hardware": "50000.00",
    "x_software": "20000.00",
    "x_hardware": "40000.00",
    "automation": "0.00",
}
PDF = b"%PDF-1.4\n%audit\n%%EOF\n"


url = urls_in("api", PROGRAM)


@pytest.fixture
def experts():
    program = Program.objects.get(slug=PROGRAM)
    institute = OrganisationFactory(name="浙江工业大学")
    return [user("wuyi-expert")] + [
        user_with_role(program, Role.EXPERT, username=f"api-expert-{n}", organisation=institute) for n in range(3)
    ]


def requested(project):
    response = api("wuyi-enterprise2").post(
        url("acceptance-request", application=project.pk),
        {"deliverables": "MES、看板、采集终端", "amounts": AMOUNTS},
        format="json",
    )
    assert response.status_code == 201, response.json()
    review_id = response.json()["id"]
    cosigned = api("wuyi-provider").post(url("acceptance-cosign", review=review_id), format="json")
    assert cosigned.status_code == 200, cosigned.json()
    return review_id


def panel_body(experts):
    return {"experts": [expert.pk for expert in experts], "financial_auditor": user("wuyi-finaudit").pk}


def seated(project, experts):
    review_id = requested(project)
    response = api("wuyi-reviewer").post(url("acceptance-panel", review=review_id), panel_body(experts), format="json")
    assert response.status_code == 200, response.json()
    return review_id


def items_of(review_id):
    template = AcceptanceReview.objects.get(pk=review_id).template
    return list(SheetItem.objects.filter(section__template=template).order_by("section__number", "number"))


def scores_at(review_id, share):
    return {str(item.pk): f"{(item.max_points * share).quantize(D('0.01'))}" for item in items_of(review_id)}


def test_the_enterprise_requests_and_the_provider_cosigns(completed):
    request_url = url("acceptance-request", application=completed.pk)
    body = {"deliverables": "MES、看板、采集终端", "amounts": AMOUNTS}

    refused = api("wuyi-provider").post(request_url, body, format="json")
    assert refused.status_code == 403, refused.json()
    negative = api("wuyi-enterprise2").post(
        request_url, {**body, "amounts": {**AMOUNTS, "x_hardware": "-1"}}, format="json"
    )
    assert negative.status_code == 400 and "x_hardware" in negative.json()["error"]["fields"]["amounts"]
    assert not AcceptanceReview.objects.filter(application=completed).exists()

    created = api("wuyi-enterprise2").post(request_url, body, format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert row["application"] == {
        "id": completed.pk,
        "filing_number": completed.filing_number,
        "title": completed.title,
    }
    assert (row["status"], row["score"], row["template"]["code"]) == ("requested", None, "acceptance")
    assert row["provider"] == completed.provider.organisation.name
    assert api("wuyi-enterprise2").post(request_url, body, format="json").status_code == 409

    detail_url = url("acceptance-review-detail", review=row["id"])
    detail = api("wuyi-enterprise2").get(detail_url).json()
    assert detail["declared"] == AMOUNTS and detail["cosigned_at"] is None
    assert "audit" not in detail and "sheets" not in detail and "result" not in detail
    assert [step["to_status"] for step in detail["transitions"]] == ["requested"]

    assert api("wuyi-enterprise2").post(url("acceptance-cosign", review=row["id"])).status_code == 403
    cosigned = api("wuyi-provider").post(url("acceptance-cosign", review=row["id"]))
    assert cosigned.status_code == 200, cosigned.json()
    assert cosigned.json()["cosigned_at"] is not None
    assert api("wuyi-provider").post(url("acceptance-cosign", review=row["id"])).status_code == 409

    listed = api("wuyi-reviewer").get(url("acceptance-review-list"), {"status": "requested"})
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [row["id"]]
    assert api("wuyi-reviewer").get(url("acceptance-review-list"), {"status": "passed"}).json()["results"] == []
    stranger = user_with_role(
        Program.objects.get(slug=PROGRAM),
        Role.ENTERPRISE,
        username="api-acc-stranger",
        organisation=OrganisationFactory(),
    )
    assert api(stranger).get(detail_url).status_code == 404
    assert api(stranger).get(url("acceptance-review-list")).json()["results"] == []
    assert api("yongkang-reviewer").get(detail_url.replace(PROGRAM, "yongkang-2024")).status_code == 404


def test_a_review_lists_what_the_caller_may_do_now(completed, experts):
    created = api("wuyi-enterprise2").post(
        url("acceptance-request", application=completed.pk),
        {"deliverables": "MES、看板、采集终端", "amounts": AMOUNTS},
        format="json",
    )
    assert created.status_code == 201 and created.json()["actions"] == []
    review_id = created.json()["id"]
    detail_url = url("acceptance-review-detail", review=review_id)
    assert api("wuyi-provider").get(detail_url).json()["actions"] == ["cosign"]
    assert api("wuyi-reviewer").get(detail_url).json()["actions"] == ["panel_assign"]
    listed = api("wuyi-reviewer").get(url("acceptance-review-list"), {"status": "requested"}).json()["results"]
    assert [(row["id"], row["actions"]) for row in listed] == [(review_id, ["panel_assign"])]

    api("wuyi-provider").post(url("acceptance-cosign", review=review_id))
    seated = api("wuyi-reviewer").post(
        url("acceptance-panel", review=review_id), panel_body(experts[:3]), format="json"
    )
    assert (seated.json()["status"], seated.json()["actions"]) == ("panel", ["panel_replace"])
    assert api(experts[0]).get(detail_url).json()["actions"] == ["conflict_declare", "sheet_save"]
    assert api("wuyi-finaudit").get(detail_url).json()["actions"] == ["audit_record"]
    assert api("wuyi-enterprise2").get(detail_url).json()["actions"] == []


def test_the_panel_refuses_insiders_and_people_without_the_role(completed, experts):
    review_id = requested(completed)
    panel_url = url("acceptance-panel", review=review_id)
    program = Program.objects.get(slug=PROGRAM)
    insider = user_with_role(
        program, Role.EXPERT, username="api-acc-insider", organisation=completed.provider.organisation
    )
    reviewer = api("wuyi-reviewer")

    refused = reviewer.post(panel_url, panel_body([*experts[:2], insider]), format="json")
    assert refused.status_code == 400, refused.json()
    assert str(insider) in refused.json()["error"]["message"]
    assert "experts" in refused.json()["error"]["fields"]
    assert not ExpertSeat.objects.filter(review_id=review_id).exists()

    no_role = reviewer.post(panel_url, panel_body([*experts[:2], user("wuyi-committee")]), format="json")
    assert no_role.status_code == 400, no_role.json()
    assert no_role.json()["error"]["fields"]["experts"] == [
        f"{user('wuyi-committee').pk}: Not an expert of this program."
    ]
    unknown_auditor = reviewer.post(
        panel_url, {**panel_body(experts[:3]), "financial_auditor": experts[3].pk}, format="json"
    )
    assert unknown_auditor.status_code == 400 and "financial_auditor" in unknown_auditor.json()["error"]["fields"]
    absent = reviewer.post(panel_url, {**panel_body(experts[:3]), "experts": [999_999_999]}, format="json")
    assert absent.status_code == 400 and "experts" in absent.json()["error"]["fields"]
    assert not ExpertSeat.objects.filter(review_id=review_id).exists()
    assert api("wuyi-provider").post(panel_url, panel_body(experts[:3]), format="json").status_code == 403

    assigned = reviewer.post(panel_url, panel_body(experts[:3]), format="json")
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["status"] == "panel"
    assert [seat["state"] for seat in assigned.json()["panel"]] == ["missing"] * 3
    assert assigned.json()["financial_auditor"] == str(user("wuyi-finaudit"))

    declared = api(experts[2]).post(
        url("acceptance-conflict", review=review_id), {"kind": "kinship", "note": "亲属"}, format="json"
    )
    assert declared.status_code == 201, declared.json()
    assert declared.json()["kind"] == "kinship"
    panel = reviewer.get(url("acceptance-review-detail", review=review_id)).json()["panel"]
    assert [seat["state"] for seat in panel] == ["missing", "missing", "conflict"]
    assert api(experts[2]).get(url("acceptance-review-detail", review=review_id)).status_code == 404


def test_sheets_are_program_scoped_and_checked_against_each_maximum(completed, experts):
    review_id = seated(completed, experts[:3])
    sheet_url = url("acceptance-sheet", review=review_id)
    items = items_of(review_id)
    expert = api(experts[0])

    elsewhere = user_with_role(Program.objects.get(slug="yongkang-2024"), Role.EXPERT, username="api-acc-yk-expert")
    assert api(elsewhere).put(sheet_url, {"scores": scores_at(review_id, D("0.8"))}, format="json").status_code == 404
    assert api(experts[3]).put(sheet_url, {"scores": {}}, format="json").status_code == 404  # not on this panel
    assert api("wuyi-enterprise2").put(sheet_url, {"scores": {}}, format="json").status_code == 403

    too_high = expert.put(
        sheet_url, {"scores": {str(items[0].pk): f"{items[0].max_points + D('0.01')}"}}, format="json"
    )
    assert too_high.status_code == 400, too_high.json()
    assert str(items[0].pk) in too_high.json()["error"]["fields"]["scores"]
    assert expert.put(sheet_url, {"scores": {"999999999": "1"}}, format="json").status_code == 400
    assert not ExpertSheet.objects.filter(review_id=review_id).exists()
    assert expert.get(sheet_url).status_code == 404

    draft = expert.put(sheet_url, {"scores": {str(items[0].pk): "1.5"}, "comment": "初评"}, format="json")
    assert draft.status_code == 200, draft.json()
    assert (draft.json()["status"], draft.json()["total"], draft.json()["scores"]) == (
        "draft",
        "1.50",
        {str(items[0].pk): "1.50"},
    )
    incomplete = expert.put(sheet_url, {"scores": {str(items[0].pk): "1.5"}, "submit": True}, format="json")
    assert incomplete.status_code == 400 and str(items[-1].pk) in incomplete.json()["error"]["fields"]["scores"]
    assert expert.get(sheet_url).json()["id"] == draft.json()["id"]
    assert AcceptanceReview.objects.get(pk=review_id).status == ReviewStatus.SCORING


def test_the_full_flow_ends_passed_and_in_the_announcement(completed, experts):
    review_id = seated(completed, experts[:3])
    scores = scores_at(review_id, D("0.8"))
    bonus = sum((D(scores[str(item.pk)]) for item in items_of(review_id) if item.is_bonus), D("0"))
    for expert in experts[:3]:
        saved = api(expert).put(
            url("acceptance-sheet", review=review_id), {"scores": scores, "submit": True}, format="json"
        )
        assert saved.status_code == 200, saved.json()
        assert (saved.json()["status"], saved.json()["total"], saved.json()["bonus"]) == (
            "submitted",
            "80.00",
            f"{bonus:.2f}",
        )

    audit_url = url("acceptance-audit", review=review_id)
    body = {**AMOUNTS, "conclusion": "账实相符"}
    assert api("wuyi-reviewer").post(audit_url, body, format="multipart").status_code == 403
    audited = api("wuyi-finaudit").post(
        audit_url,
        {**body, "report": SimpleUploadedFile("审计报告.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    assert audited.status_code == 201, audited.json()
    assert (audited.json()["total"], audited.json()["conclusion"]) == ("260000.00", "账实相符")
    assert AuditReport.objects.filter(audit__review_id=review_id).count() == 1
    assert api("wuyi-finaudit").post(audit_url, body, format="json").status_code == 409

    closed = api("wuyi-reviewer").post(url("acceptance-close", review=review_id))
    assert closed.status_code == 200, closed.json()
    data = closed.json()
    assert (data["status"], data["score"]) == ("passed", "80.00")
    assert data["result"]["score"] == "80.00" and data["result"]["passed"] is True
    assert data["result"]["pass_mark"] == "60.00"
    assert "80.00" in data["result"]["working"]
    assert [seat["state"] for seat in data["panel"]] == ["submitted"] * 3
    assert len(data["sheets"]) == 3 and all(sheet["total"] == "80.00" for sheet in data["sheets"])
    assert data["audit"]["n_software"] == "150000.00"
    _version, estimate = selectors.review_estimate(AcceptanceReview.objects.get(pk=review_id))
    proposed = {"total": f"{estimate.total:.2f}", "policy_version": estimate.policy_version}
    assert data["proposed_subsidy"] == proposed and D(proposed["total"]) > 0

    seen_by_enterprise = api("wuyi-enterprise2").get(url("acceptance-review-detail", review=review_id)).json()
    assert seen_by_enterprise["audit"]["total"] == "260000.00" and "sheets" not in seen_by_enterprise
    seen_by_expert = api(experts[0]).get(url("acceptance-review-detail", review=review_id)).json()
    assert len(seen_by_expert["sheets"]) == 3 and "audit" not in seen_by_expert

    announce_url = url("acceptance-announce", review=review_id)
    assert api("wuyi-reviewer").post(announce_url, {"starts_on": "9999-12-31"}, format="json").status_code == 400
    starts_on = timezone.localdate() + datetime.timedelta(days=1)
    announced = api("wuyi-reviewer").post(announce_url, {"starts_on": starts_on.isoformat()}, format="json")
    assert announced.status_code == 200, announced.json()
    assert announced.json()["status"] == "announcing"
    assert announced.json()["announcement_starts_on"] == starts_on.isoformat()
    ends_on = announced.json()["announcement_ends_on"]

    listing = api("wuyi-committee").get(url("announcement"))
    assert listing.status_code == 200
    (row,) = [r for r in listing.json()["results"] if r["id"] == review_id]
    assert (row["enterprise"], row["project"]) == (completed.enterprise.organisation.name, completed.title)
    assert (row["score"], row["audited_total"], row["announcement_ends_on"]) == ("80.00", "260000.00", ends_on)
    assert row["proposed_subsidy"] == proposed["total"]

    objection = api("wuyi-reviewer").post(
        url("acceptance-objection", review=review_id), {"raised_by": "匿名来信", "text": "投资额虚高"}, format="json"
    )
    assert objection.status_code == 201, objection.json()
    assert objection.json()["status"] == "open"
    held = api("wuyi-reviewer").get(url("acceptance-review-detail", review=review_id)).json()
    assert held["status"] == "on_hold" and [o["id"] for o in held["objections"]] == [objection.json()["id"]]

    resolve_url = url("acceptance-objection-resolve", review=review_id, objection=objection.json()["id"])
    assert (
        api("wuyi-reviewer").post(resolve_url, {"decision": "dismiss", "resolution": ""}, format="json").status_code
        == 400
    )
    assert (
        api("wuyi-reviewer")
        .post(
            url("acceptance-objection-resolve", review=review_id, objection=999_999_999),
            {"decision": "dismiss", "resolution": "x"},
            format="json",
        )
        .status_code
        == 404
    )
    resolved = api("wuyi-reviewer").post(
        resolve_url, {"decision": "dismiss", "resolution": "经核查发票齐全"}, format="json"
    )
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status"] == "dismissed" and resolved.json()["resolved_by"]
    final = api("wuyi-reviewer").get(url("acceptance-review-detail", review=review_id)).json()
    assert final["status"] == "announcing" and final["result"]["passed"] is True
    assert [step["to_status"] for step in final["transitions"]] == [
        "requested",
        "panel",
        "scoring",
        "audited",
        "passed",
        "announcing",
        "on_hold",
        "announcing",
    ]


@pytest.fixture
def jinhua_project():
    program = Program.objects.get(slug="jinhua-pilot")
    return Application.objects.create(
        program=program,
        enterprise=EnterpriseProfileFactory(program=program),
        track="pilot",
        title="磁材车间数字化（接口）",
        status="approved",
        submitted_at=timezone.now(),
        created_by=user("jinhua-reviewer"),
    )


def test_an_assessment_computes_the_level_from_the_programs_standards(jinhua_project):
    assessments_url = url("assessment-list", program="jinhua-pilot", application=jinhua_project.pk)
    body = {
        "phase": "after",
        "assessed_on": "2025-06-01",
        "basics": "30",
        "management": "20",
        "results": "12",
        "scene_levels": [3] * 6 + [1] * 10,
    }
    reviewer = api("jinhua-reviewer")

    short = reviewer.post(assessments_url, {**body, "scene_levels": [3] * 6 + [1] * 9}, format="json")
    assert short.status_code == 400, short.json()
    assert "scene_levels" in short.json()["error"]["fields"]
    too_high = reviewer.post(assessments_url, {**body, "basics": "50.01"}, format="json")
    assert too_high.status_code == 400 and "basics" in too_high.json()["error"]["fields"]
    assert api("jinhua-enterprise").post(assessments_url, body, format="json").status_code == 403
    assert not DigitalAssessment.objects.filter(application=jinhua_project).exists()

    recorded = reviewer.post(assessments_url, body, format="json")
    assert recorded.status_code == 201, recorded.json()
    data = recorded.json()
    assert (data["phase"], data["score"], data["level"]) == ("after", "62.00", 3)
    assert data["scene_levels"] == body["scene_levels"] and data["assessed_on"] == "2025-06-01"
    assert data["assessor"] == str(user("jinhua-reviewer")) and data["reason"]

    again = reviewer.post(
        assessments_url,
        {
            **body,
            "scene_levels": [2] * 5 + [1] * 11,
            "report": SimpleUploadedFile("评测报告.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert again.status_code == 201, again.json()
    assert again.json()["level"] == 2  # 62 points, but no scene at level 3
    listed = reviewer.get(assessments_url)
    assert listed.status_code == 200
    assert [(row["level"], row["is_active"]) for row in listed.json()] == [(2, True), (3, False)]
    assert api("wuyi-reviewer").get(assessments_url.replace("jinhua-pilot", PROGRAM)).status_code == 404


def test_a_seated_expert_reads_and_records_assessments_through_the_api_as_on_the_page(completed, experts):
    review_id = seated(completed, experts[:3])
    assessments_url = url("assessment-list", application=completed.pk)
    seated_expert, outsider = api(experts[0].username), api(experts[3].username)
    assert seated_expert.get(assessments_url).status_code == 200  # through the review it sits on
    assert outsider.get(assessments_url).status_code == 404  # an expert of no review of this project
    body = {"phase": "after", "assessed_on": "2025-06-01", "basics": "30", "management": "20", "results": "12"}
    recorded = seated_expert.post(assessments_url, {**body, "scene_levels": [3] * 6 + [1] * 10}, format="json")
    # Past the role check (an expert may assess), refused only because Wuyi sets no digital-level standard.
    assert (recorded.status_code, recorded.json()["error"]["code"]) == (400, "refused"), recorded.json()
    assert review_id
