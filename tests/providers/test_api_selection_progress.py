"""The v1 API of provider selection rounds and project implementation, on the demo program: conflicts of
interest refuse a sheet, scores are checked against their maxima and summed exactly, a round with a missing
sheet is confirmed only with a reason, publication makes the provider pickable, and progress is posted by the
implementing provider and answered by the enterprise only."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.activity import demo_png
from filings.models import Application
from implementation.models import Milestone, ProgressEvidence, ProgressPost
from implementation.services import milestones_create
from organisations.models import OrganisationKind
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Industry, Program
from providers import selectors as provider_selectors
from providers import services as provider_services
from providers.models import CommitteeSheet, ConflictDeclaration, PoolStatus
from scoring.models import SheetItem
from scoring.selectors import sheet_template_list
from scoring.services import sheet_templates_load
from tests.factories import EnterpriseProfileFactory, OrganisationFactory, PoolMembershipFactory, user_with_role
from tests.support.people import api
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db

PROGRAM = "wuyi-2024"
OTHER_PROGRAM = "yongkang-2024"
PNG = demo_png()  # a real image: uploads are decoded


url = urls_in("api", PROGRAM)


def selection_template(program):
    template = sheet_template_list(program=program, purpose="selection").filter(is_active=True).first()
    return template or sheet_templates_load(program=program, codes=["wuyi-provider-selection"])[0]


@pytest.fixture
def world(db):
    program = Program.objects.get(slug=PROGRAM)
    industry = Industry.objects.filter(program=program, is_active=True).order_by("sort_order", "code").first()
    admin = user_with_role(program, Role.BUREAU_ADMIN, username="api-sel-admin")
    provider_org = OrganisationFactory(kind=OrganisationKind.PROVIDER, name="接口遴选服务商有限公司")
    membership = PoolMembershipFactory(program=program, organisation=provider_org, status=PoolStatus.POOL)
    provider = user_with_role(program, Role.PROVIDER, username="api-sel-provider", organisation=provider_org)
    return {
        "program": program,
        "industry": industry,
        "admin": admin,
        "admin_access": program_access(user=admin, slug=PROGRAM),
        "membership": membership,
        "provider": provider,
    }


def committee_member(program, username, organisation=None):
    organisation = organisation or OrganisationFactory(kind=OrganisationKind.ASSOCIATION)
    return user_with_role(program, Role.COMMITTEE_MEMBER, username=username, organisation=organisation)


def scoring_round(world, members):
    """A round of the demo program in scoring, with `members` seated and the world's provider applied (through
    the API)."""
    access = world["admin_access"]
    today = timezone.localdate()
    selection_round = provider_services.round_create(
        access=access,
        fields={
            "title": "接口测试遴选",
            "opens_on": today - datetime.timedelta(days=1),
            "closes_on": today + datetime.timedelta(days=30),
            "places": 3,
            "template": selection_template(world["program"]),
        },
        industries=[world["industry"]],
    )
    for member in members:
        provider_services.round_seat(access=access, selection_round=selection_round, member=member)
    provider_services.round_advance(access=access, selection_round=selection_round)
    response = api(world["provider"]).post(
        url("selection-round-apply", round=selection_round.pk),
        {"industries": [world["industry"].code], "team": "项目团队", "solution": "整体方案", "local_support_staff": 5},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["industries"] == [world["industry"].code]
    provider_services.round_advance(access=access, selection_round=selection_round)
    entry = provider_selectors.round_applicants(selection_round).get(pk=response.json()["id"])
    return selection_round, entry


def items_of(selection_round):
    return list(
        SheetItem.objects.filter(section__template=selection_round.template)
        .select_related("section")
        .order_by("section__number", "number")
    )


def full_scores(selection_round):
    """A value for every item just under its maximum, written without trailing zeros ("24.5")."""
    scores = {}
    for index, item in enumerate(items_of(selection_round)):
        value = item.max_points - Decimal("0.25") * (index % 3 + 1)
        scores[str(item.pk)] = f"{value.normalize():f}"
    return scores


def test_conflicted_members_are_refused_a_sheet(world):
    program, provider_org = world["program"], world["membership"].organisation
    same = committee_member(program, "api-coi-same", organisation=provider_org)
    affiliate = committee_member(
        program,
        "api-coi-affiliate",
        organisation=OrganisationFactory(kind=OrganisationKind.PROVIDER, group=provider_org),
    )
    declaring = committee_member(program, "api-coi-declaring")
    selection_round, entry = scoring_round(world, [same, affiliate, declaring])
    sheet_url = url("selection-round-sheet", round=selection_round.pk, entry=entry.pk)
    body = {"scores": full_scores(selection_round), "comment": "", "submit": True}

    for member in (same, affiliate):
        response = api(member).put(sheet_url, body, format="json")
        assert response.status_code == 403, response.json()
        assert response.json()["error"]["code"] == "not_allowed"

    clean = api(declaring)
    assert clean.get(sheet_url).status_code == 404  # no sheet of its own yet
    declared = clean.post(
        url("selection-round-conflict", round=selection_round.pk),
        {"applicant": entry.pk, "kind": "shareholding", "note": "持股"},
        format="json",
    )
    assert declared.status_code == 201, declared.json()
    assert declared.json()["applicant"] == entry.pk
    assert ConflictDeclaration.objects.filter(application=entry, member=declaring).exists()
    refused = clean.put(sheet_url, body, format="json")
    assert refused.status_code == 403, refused.json()
    again = clean.post(
        url("selection-round-conflict", round=selection_round.pk),
        {"applicant": entry.pk, "kind": "other"},
        format="json",
    )
    assert again.status_code == 409

    assert not CommitteeSheet.objects.filter(application=entry).exists()
    detail = api(world["admin"]).get(url("selection-round-detail", round=selection_round.pk))
    assert detail.status_code == 200
    assert {cell["state"] for cell in detail.json()["completeness"]} == {"conflict"}
    assert detail.json()["missing_sheets"] == 0


def test_scores_are_checked_against_maxima_and_summed_exactly(world):
    member = committee_member(world["program"], "api-score-member")
    other = committee_member(world["program"], "api-score-other")
    selection_round, entry = scoring_round(world, [member, other])
    sheet_url = url("selection-round-sheet", round=selection_round.pk, entry=entry.pk)
    items = items_of(selection_round)
    client = api(member)

    too_high = client.put(
        sheet_url, {"scores": {str(items[0].pk): f"{items[0].max_points + Decimal('0.01')}"}}, format="json"
    )
    assert too_high.status_code == 400, too_high.json()
    assert str(items[0].pk) in too_high.json()["error"]["fields"]["scores"]
    assert not CommitteeSheet.objects.filter(application=entry).exists()

    unknown = client.put(sheet_url, {"scores": {"999999999": "1"}}, format="json")
    assert unknown.status_code == 400
    assert not CommitteeSheet.objects.filter(application=entry).exists()

    scores = full_scores(selection_round)
    values = {key: Decimal(value) for key, value in scores.items()}
    total = sum(values.values(), Decimal("0"))
    first_section = sum((values[str(item.pk)] for item in items if item.section.number == 1), Decimal("0"))
    saved = client.put(sheet_url, {"scores": scores, "comment": "方案完整", "submit": True}, format="json")
    assert saved.status_code == 200, saved.json()
    data = saved.json()
    assert data["status"] == "submitted"
    assert data["total"] == f"{total:.2f}"
    assert data["first_section"] == f"{first_section:.2f}"
    assert data["scores"] == {key: f"{value:.2f}" for key, value in values.items()}
    sheet = CommitteeSheet.objects.get(application=entry, member=member)
    assert (sheet.total, sheet.first_section) == (total, first_section)

    read = client.get(sheet_url)
    assert read.status_code == 200
    assert read.json()["id"] == sheet.pk and read.json()["others"] == []
    assert client.put(sheet_url, {"scores": scores, "submit": True}, format="json").status_code == 409
    assert api(other).get(sheet_url).status_code == 404
    assert api(world["provider"]).put(sheet_url, {"scores": scores}, format="json").status_code == 403


def test_confirm_needs_a_reason_for_missing_sheets_and_publication_makes_the_provider_pickable(world):
    program, industry, membership = world["program"], world["industry"], world["membership"]
    scorer = committee_member(program, "api-confirm-scorer")
    absent = committee_member(program, "api-confirm-absent")
    selection_round, entry = scoring_round(world, [scorer, absent])
    scores = full_scores(selection_round)
    submitted = api(scorer).put(
        url("selection-round-sheet", round=selection_round.pk, entry=entry.pk),
        {"scores": scores, "submit": True},
        format="json",
    )
    assert submitted.status_code == 200
    admin = api(world["admin"], language="en")

    listed = admin.get(url("selection-round-list"))
    assert listed.status_code == 200
    row = next(r for r in listed.json()["results"] if r["id"] == selection_round.pk)
    assert (row["status"], row["applicant_count"], row["seat_count"]) == ("scoring", 1, 2)
    assert row["template"]["code"] == selection_round.template.code
    assert (
        api(world["provider"]).get(url("selection-round-detail", round=selection_round.pk)).json().get("ranking")
        is None
    )  # not before publication

    refused = admin.post(url("selection-round-confirm", round=selection_round.pk), {"reason": ""}, format="json")
    assert refused.status_code == 400, refused.json()
    assert "missing" in refused.json()["error"]["message"]
    assert "reason" in refused.json()["error"]["fields"]
    assert not provider_selectors.pickable_providers(program=program, industry=industry).filter(pk=membership.pk)

    confirmed = admin.post(
        url("selection-round-confirm", round=selection_round.pk),
        {"reason": "委员因公缺席，经局务会同意"},
        format="json",
    )
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "confirmed"
    ranking = admin.get(url("selection-round-detail", round=selection_round.pk)).json()["ranking"]
    (table,) = ranking
    assert table["industry"] == industry.code
    (ranked,) = table["rows"]
    total = sum((Decimal(value) for value in scores.values()), Decimal("0"))
    assert (ranked["applicant"], ranked["rank"], ranked["score"], ranked["sheets"], ranked["proposed"]) == (
        entry.pk,
        1,
        f"{total:.2f}",
        1,
        True,
    )

    assert admin.post(url("selection-round-publish", round=selection_round.pk), {}, format="json").status_code == 400
    published = admin.post(
        url("selection-round-publish", round=selection_round.pk),
        {"published_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    assert provider_selectors.pickable_providers(program=program, industry=industry).filter(pk=membership.pk).exists()
    membership.refresh_from_db()
    assert membership.status == PoolStatus.SELECTED
    seen_by_provider = api(world["provider"]).get(url("selection-round-detail", round=selection_round.pk)).json()
    assert seen_by_provider["ranking"][0]["rows"][0]["applicant"] == entry.pk
    assert [applicant["id"] for applicant in seen_by_provider["applicants"]] == [entry.pk]


def test_a_round_lists_what_the_caller_may_do_now(world):
    member = committee_member(world["program"], "api-actions-member")
    selection_round, _entry = scoring_round(world, [member])
    detail_url = url("selection-round-detail", round=selection_round.pk)
    admin = api(world["admin"])
    assert admin.get(detail_url).json()["actions"] == ["seat", "confirm"]
    row = next(r for r in admin.get(url("selection-round-list")).json()["results"] if r["id"] == selection_round.pk)
    assert row["actions"] == ["seat", "confirm"]
    assert api(member).get(detail_url).json()["actions"] == ["conflict_declare", "sheet_save"]
    assert api(world["provider"]).get(detail_url).json()["actions"] == []
    confirmed = admin.post(url("selection-round-confirm", round=selection_round.pk), {"reason": "缺席"}, format="json")
    assert (confirmed.json()["status"], confirmed.json()["actions"]) == ("confirmed", ["publish"])


def test_a_provider_decision_goes_through_the_bureau_only(world):
    membership = world["membership"]
    decision_url = url("provider-decision", provider=membership.pk)
    body = {"kind": "admit", "reason": "增选", "industries": [world["industry"].code], "reference": "武经商〔2024〕1号"}
    assert api(world["provider"]).post(decision_url, body, format="json").status_code == 403
    unknown = api(world["admin"]).post(decision_url, {**body, "industries": ["no-such-industry"]}, format="json")
    assert unknown.status_code == 400 and "industries" in unknown.json()["error"]["fields"]
    admitted = api(world["admin"]).post(decision_url, body, format="json")
    assert admitted.status_code == 201, admitted.json()
    assert (admitted.json()["status_before"], admitted.json()["status_after"]) == ("pool", "selected")
    assert provider_selectors.pickable_providers(program=world["program"], industry=world["industry"]).filter(
        pk=membership.pk
    )


@pytest.fixture
def project(world):
    program = world["program"]
    profile = EnterpriseProfileFactory(program=program, industry=world["industry"])
    enterprise = user_with_role(
        program, Role.ENTERPRISE, username="api-progress-enterprise", organisation=profile.organisation
    )
    membership = world["membership"]
    today = timezone.localdate()
    application = Application.objects.create(
        program=program,
        enterprise=profile,
        provider=membership,
        track="lightweight",
        title="接口进度测试项目",
        status="approved",
        filing_number="API-PROGRESS-1",
        submitted_at=timezone.now(),
        implementation_deadline=today + datetime.timedelta(days=90),
        created_by=enterprise,
    )
    milestones = milestones_create(application=application, approved_on=today, acting_user=world["admin"])
    return {**world, "application": application, "enterprise": enterprise, "milestones": milestones}


def test_progress_is_posted_by_the_provider_and_answered_by_the_enterprise(project):
    application, milestone = project["application"], project["milestones"][0]
    progress_url = url("application-progress", application=application.pk)
    provider, enterprise = api(project["provider"]), api(project["enterprise"])
    body = {"milestone": milestone.pk, "percent": 60, "text": "完成设备联网与数据采集", "claims_completion": False}

    posted = provider.post(
        progress_url,
        {**body, "files": [SimpleUploadedFile("现场.png", PNG, content_type="image/png")]},
        format="multipart",
    )
    assert posted.status_code == 201, posted.json()
    post = posted.json()
    assert (post["milestone"], post["percent"], post["status"]) == (milestone.pk, 60, "pending")
    (evidence,) = post["evidence"]
    stored = ProgressEvidence.objects.get(post_id=post["id"])
    assert (evidence["id"], evidence["name"], evidence["content_type"]) == (stored.pk, "现场.png", "image/png")
    assert evidence["url"] == f"/p/{PROGRAM}/filings/{application.pk}/progress/{post['id']}/evidence/{stored.pk}/"

    refused = enterprise.post(progress_url, body, format="multipart")
    assert refused.status_code == 403
    assert ProgressPost.objects.filter(application=application).count() == 1
    foreign_milestone = provider.post(progress_url, {**body, "milestone": 999999999}, format="multipart")
    assert foreign_milestone.status_code == 400 and "milestone" in foreign_milestone.json()["error"]["fields"]

    response_url = url("application-progress-response", application=application.pk, post=post["id"])
    own_answer = provider.post(response_url, {"decision": "confirm"}, format="json")
    assert own_answer.status_code == 403
    assert enterprise.post(response_url, {"decision": "dispute", "response": ""}, format="json").status_code == 400
    confirmed = enterprise.post(response_url, {"decision": "confirm", "response": "属实"}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "confirmed"
    assert Milestone.objects.get(pk=milestone.pk).percent == 60
    assert enterprise.post(response_url, {"decision": "confirm"}, format="json").status_code == 409

    read = enterprise.get(progress_url)
    assert read.status_code == 200
    data = read.json()
    assert next(m for m in data["milestones"] if m["id"] == milestone.pk)["percent"] == 60
    expected = sum((Decimal(m["percent"]) for m in data["milestones"]), Decimal("0")) / len(data["milestones"])
    assert data["percent"] == f"{expected.quantize(Decimal('0.01'))}"
    assert data["overdue"] is False and data["completed_at"] is None
    assert [p["id"] for p in data["posts"]] == [post["id"]]

    outsider = user_with_role(Program.objects.get(slug=OTHER_PROGRAM), Role.BUREAU_ADMIN, username="api-other-admin")
    assert api(outsider).get(progress_url).status_code == 404
    assert api(outsider).post(response_url, {"decision": "confirm"}, format="json").status_code == 404
    stranger = user_with_role(
        project["program"], Role.ENTERPRISE, username="api-other-enterprise", organisation=OrganisationFactory()
    )
    assert api(stranger).get(progress_url).status_code == 404


def test_complaints_are_filed_by_the_enterprise_and_decided_by_the_bureau(project):
    application = project["application"]
    complaints_url = url("application-complaints", application=application.pk)
    enterprise = api(project["enterprise"])
    assert enterprise.post(complaints_url, {"text": ""}, format="json").status_code == 400
    assert api(project["provider"]).post(complaints_url, {"text": "x"}, format="json").status_code == 403
    filed = enterprise.post(complaints_url, {"text": "驻场人员长期缺席"}, format="json")
    assert filed.status_code == 201, filed.json()
    complaint = filed.json()
    assert complaint["status"] == "open" and complaint["decided_by"] is None
    assert [row["id"] for row in api(project["provider"]).get(complaints_url).json()] == [complaint["id"]]

    decision_url = url("complaint-decision", complaint=complaint["id"])
    assert (
        api(project["provider"]).post(decision_url, {"decision": "dismiss", "note": "x"}, format="json").status_code
        == 403
    )
    decided = api(project["admin"]).post(decision_url, {"decision": "dismiss", "note": "经核实已整改"}, format="json")
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "dismissed" and decided.json()["decided_by"]

    early = enterprise.post(url("application-rating", application=application.pk), {"score": 5}, format="json")
    assert early.status_code == 409  # implementation is not complete
