"""The acceptance pages: the enterprise requests, the provider co-signs, the bureau seats a panel (an insider is
refused on the page), experts score (their own sheet only until they submit), the auditor records the audit
with its report (served to readers of the review only), the review closes, the public announcement lists the
project with its proposed subsidy, an objection holds it; and the digital-level assessments page."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from acceptance import selectors, services
from acceptance.digital_level import LEVEL_NAMES
from acceptance.models import (
    AcceptanceReview,
    AuditReport,
    DigitalAssessment,
    ExpertSheet,
    FinancialAudit,
    ObjectionStatus,
    ReviewStatus,
)
from filings.models import Application, Status
from portal.core.roles import Role
from programs.models import Program
from scoring.models import SheetItem, SheetStatus
from tests.factories import EnterpriseProfileFactory, OrganisationFactory, user_with_role
from tests.support.pages import shown
from tests.support.people import access_in, as_user, demo_user
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
D = Decimal
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
AMOUNTS = {
    "n_software": "150000",
    "n_hardware": "50000",
    "x_software": "20000",
    "x_hardware": "40000",
    "automation": "0",
}


def project_enterprise():
    """The login of the enterprise whose project the demo holds in implementation."""
    return get_user_model().objects.get(username="wuyi-enterprise2")


access_of = access_in(SLUG)
url = urls_in("acceptance", SLUG)


@pytest.fixture
def people():
    program = Program.objects.get(slug=SLUG)
    institute = OrganisationFactory(name="浙江工业大学")
    experts = [demo_user(Role.EXPERT)] + [
        user_with_role(program, Role.EXPERT, username=f"page-expert-{n}", organisation=institute) for n in range(3)
    ]
    return {
        "program": program,
        "experts": experts,
        "auditor": demo_user(Role.FINANCIAL_AUDITOR),
        "reviewer": demo_user(Role.BUREAU_REVIEWER),
        "enterprise": project_enterprise(),
        "provider": demo_user(Role.PROVIDER),
    }


def requested(project, people):
    review = services.acceptance_request(
        access=access_of(people["enterprise"]),
        application=project,
        deliverables="MES、看板、采集终端",
        amounts={key: D(value) for key, value in AMOUNTS.items()},
    )
    return services.acceptance_cosign(access=access_of(people["provider"]), review=review)


def assigned(project, people):
    review = requested(project, people)
    return services.panel_assign(
        access=access_of(people["reviewer"]),
        review=review,
        experts=people["experts"][:3],
        financial_auditor=people["auditor"],
    )


def sheet_data(review, share, *, submit, comment=""):
    items = SheetItem.objects.filter(section__template=review.template)
    data = {f"item_{item.pk}": str((item.max_points * D(share)).quantize(D("0.01"))) for item in items}
    return {**data, "comment": comment, "submit": "1" if submit else "0"}


def fill(review, expert, share="0.8"):
    items = SheetItem.objects.filter(section__template=review.template)
    scores = {str(item.pk): str((item.max_points * D(share)).quantize(D("0.01"))) for item in items}
    services.expert_sheet_save(access=access_of(expert), review=review, scores=scores, submit=True)


def audit_on_page(client, review, auditor):
    """Every sheet in (80% of every item) is not needed for the audit: it is recorded through the page, with a
    PDF report, and the X hardware cut from 40,000 to 30,000."""
    return as_user(client, auditor).post(
        url("audit", review=review.pk),
        {
            **AMOUNTS,
            "x_hardware": "30000",
            "conclusion": "账实相符，X硬件核减一万元",
            "report": SimpleUploadedFile("审计报告.pdf", PDF, content_type="application/pdf"),
        },
    )


# The request and the co-signature ---------------------------------------------------------------------------


def test_the_enterprise_requests_acceptance_on_the_page_and_the_provider_may_not(client, completed, people):
    progress = as_user(client, people["enterprise"]).get(
        reverse("implementation:progress", kwargs={"program": SLUG, "application": completed.pk})
    )
    assert url("request", application=completed.pk) in progress.content.decode()

    as_user(client, people["provider"])
    assert client.get(url("request", application=completed.pk)).status_code == 403
    assert client.post(url("request", application=completed.pk), {"deliverables": "x", **AMOUNTS}).status_code == 403
    assert not AcceptanceReview.objects.filter(application=completed).exists()

    as_user(client, people["enterprise"])
    page = client.get(url("request", application=completed.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="200000.00"' in body  # N software prefilled from the filing's active items
    assert 'value="60000.00"' in body  # X hardware
    assert shown(selectors.rubric_for(completed).display_name) in body

    missing = client.post(url("request", application=completed.pk), {"deliverables": "", **AMOUNTS})
    assert missing.status_code == 200 and not AcceptanceReview.objects.filter(application=completed).exists()

    response = client.post(url("request", application=completed.pk), {"deliverables": "MES、看板", **AMOUNTS})
    review = AcceptanceReview.objects.get(application=completed)
    assert response.status_code == 302 and response["Location"] == url("review", review=review.pk)
    assert (review.status, review.declared_n_software, review.declared_x_hardware) == (
        ReviewStatus.REQUESTED,
        D("150000"),
        D("40000"),
    )
    again = client.get(url("request", application=completed.pk))
    assert again.status_code == 302 and again["Location"] == url("review", review=review.pk)


def test_the_provider_cosigns_on_the_review_page(client, completed, people):
    review = services.acceptance_request(
        access=access_of(people["enterprise"]),
        application=completed,
        deliverables="MES",
        amounts={key: D(value) for key, value in AMOUNTS.items()},
    )
    cosign = url("cosign", review=review.pk)
    assert as_user(client, people["enterprise"]).post(cosign).status_code == 403
    page = as_user(client, people["provider"]).get(url("review", review=review.pk))
    assert page.status_code == 200 and cosign in page.content.decode()
    assert client.post(cosign).status_code == 302
    review.refresh_from_db()
    assert review.cosigned_by == people["provider"] and review.cosigned_at is not None
    assert cosign not in client.get(url("review", review=review.pk)).content.decode()


# The panel --------------------------------------------------------------------------------------------------


def test_the_panel_form_refuses_an_expert_from_the_enterprise(client, completed, people):
    review = requested(completed, people)
    insider = user_with_role(
        people["program"],
        Role.EXPERT,
        username="page-insider",
        display_name="企业内部专家",
        organisation=completed.enterprise.organisation,
    )
    as_user(client, people["reviewer"])
    good = people["experts"][:2]
    response = client.post(
        url("panel", review=review.pk),
        {"experts": [good[0].pk, good[1].pk, insider.pk], "financial_auditor": people["auditor"].pk},
    )
    assert response.status_code == 200
    refusal = " ".join(response.context["panel_form"].non_field_errors())
    assert str(insider) in refusal and completed.enterprise.organisation.name in refusal
    assert escape(refusal) in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED and not review.seats.exists()

    response = client.post(
        url("panel", review=review.pk),
        {"experts": [e.pk for e in people["experts"][:3]], "financial_auditor": people["auditor"].pk},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.PANEL and review.seats.filter(is_active=True).count() == 3
    assert review.financial_auditor == people["auditor"]


# Sheets -----------------------------------------------------------------------------------------------------


def test_the_sheet_page_is_for_seated_experts_of_the_program_only(client, completed, people):
    review = assigned(completed, people)
    elsewhere = demo_user(Role.EXPERT, slug="yongkang-2024")
    assert as_user(client, elsewhere).get(url("sheet", review=review.pk)).status_code == 404
    not_seated = people["experts"][3]
    assert as_user(client, not_seated).get(url("sheet", review=review.pk)).status_code == 404
    page = as_user(client, people["experts"][0]).get(url("sheet", review=review.pk))
    item = SheetItem.objects.filter(section__template=review.template).first()
    assert page.status_code == 200 and f'name="item_{item.pk}"' in page.content.decode()


def test_an_expert_sees_only_its_own_sheet_until_it_submits(client, completed, people):
    review = assigned(completed, people)
    first, second = people["experts"][:2]
    response = as_user(client, first).post(
        url("sheet", review=review.pk), sheet_data(review, "0.9", submit=True, comment="ZZ第一位专家意见")
    )
    assert response.status_code == 302
    response = as_user(client, second).post(
        url("sheet", review=review.pk), sheet_data(review, "0.7", submit=False, comment="ZZ第二位专家草稿")
    )
    assert response.status_code == 302 and response["Location"] == url("sheet", review=review.pk)
    assert ExpertSheet.objects.get(review=review, expert=second).status == SheetStatus.DRAFT

    body = client.get(url("review", review=review.pk)).content.decode()
    assert "ZZ第二位专家草稿" in body and "ZZ第一位专家意见" not in body

    client.post(url("sheet", review=review.pk), sheet_data(review, "0.7", submit=True, comment="ZZ第二位专家意见"))
    body = client.get(url("review", review=review.pk)).content.decode()
    assert "ZZ第二位专家意见" in body and "ZZ第一位专家意见" in body

    reviewer_body = as_user(client, people["reviewer"]).get(url("review", review=review.pk)).content.decode()
    assert "ZZ第一位专家意见" in reviewer_body and "ZZ第二位专家意见" in reviewer_body


# The audit and its report ---------------------------------------------------------------------------------


def test_the_audit_is_recorded_with_its_report_which_only_readers_of_the_review_download(client, completed, people):
    review = assigned(completed, people)
    form_page = as_user(client, people["auditor"]).get(url("review", review=review.pk))
    assert url("audit", review=review.pk) in form_page.content.decode()
    assert as_user(client, people["reviewer"]).post(url("audit", review=review.pk), AMOUNTS).status_code == 403
    assert not AuditReport.objects.filter(audit__review=review).exists()

    not_a_pdf = as_user(client, people["auditor"]).post(
        url("audit", review=review.pk),
        {**AMOUNTS, "conclusion": "账实相符", "report": SimpleUploadedFile("报告.pdf", b"not a pdf")},
    )
    assert not_a_pdf.status_code == 200 and "errorlist" in not_a_pdf.content.decode()
    assert not FinancialAudit.objects.filter(review=review).exists()

    for expert in people["experts"][:3]:
        fill(review, expert)
    response = audit_on_page(client, review, people["auditor"])
    assert response.status_code == 302, response.content.decode()[:2000]
    review = AcceptanceReview.objects.get(pk=review.pk)
    assert review.status == ReviewStatus.AUDITED  # every sheet and the audit are in
    report = AuditReport.objects.get(audit__review=review)
    assert review.audit.x_hardware == D("30000") and report.original_name.endswith(".pdf")
    download = url("audit-report", review=review.pk, report=report.pk)

    for reader in (people["reviewer"], people["enterprise"], people["auditor"]):
        response = as_user(client, reader).get(download)
        assert response.status_code == 200, reader
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    elsewhere = demo_user(Role.BUREAU_REVIEWER, slug="yongkang-2024")
    assert as_user(client, elsewhere).get(download).status_code == 404
    assert as_user(client, people["experts"][3]).get(download).status_code == 404  # not on this panel

    page = as_user(client, people["reviewer"]).get(url("review", review=review.pk)).content.decode()
    assert download in page and "账实相符" in page


# The result, the announcement and objections --------------------------------------------------------------


def test_close_announce_and_an_objection_holds_the_project(client, completed, people):
    review = assigned(completed, people)
    for expert in people["experts"][:3]:
        fill(review, expert)
    assert audit_on_page(client, review, people["auditor"]).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.AUDITED

    as_user(client, people["reviewer"])
    assert url("close", review=review.pk) in client.get(url("review", review=review.pk)).content.decode()
    assert client.post(url("close", review=review.pk)).status_code == 302
    review.refresh_from_db()
    assert (review.status, review.score) == (ReviewStatus.PASSED, D("80.00"))

    today = timezone.localdate()
    response = client.post(url("announce", review=review.pk), {"starts_on": today.isoformat()})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANNOUNCING and review.announcement_ends_on > today

    _version, result = selectors.review_estimate(review)
    with translation.override(settings.LANGUAGE_CODE):
        subsidy = floatformat(result.total, "2g")
    assert result.total > 0
    for reader in (people["enterprise"], people["reviewer"]):
        page = as_user(client, reader).get(url("announcement"))
        assert page.status_code == 200
        body = page.content.decode()
        assert shown(completed.title) in body and completed.filing_number in body
        assert f'<p class="announcement-bureau">{shown(people["program"].bureau_name)}</p>' in body
        assert subsidy in body and "data-print" in body

    as_user(client, people["reviewer"])
    assert client.post(url("objection", review=review.pk), {"raised_by": "匿名来信", "text": ""}).status_code == 200
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANNOUNCING
    response = client.post(url("objection", review=review.pk), {"raised_by": "匿名来信", "text": "投资额虚高"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.ON_HOLD
    body = client.get(url("announcement")).content.decode()
    assert shown(completed.title) in body and shown(ReviewStatus.ON_HOLD.label) in body

    objection = review.objections.get()
    resolve = url("resolve", review=review.pk, objection=objection.pk)
    assert resolve in client.get(url("review", review=review.pk)).content.decode()
    assert as_user(client, people["enterprise"]).post(resolve, {"decision": "dismissed"}).status_code == 403
    response = as_user(client, people["reviewer"]).post(resolve, {"decision": "dismissed", "resolution": "发票齐全"})
    assert response.status_code == 302
    objection.refresh_from_db()
    review.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED and review.status == ReviewStatus.ANNOUNCING
    steps = list(review.transitions.values_list("to_status", flat=True))
    assert steps[-3:] == ["announcing", "on_hold", "announcing"]


# Pages for every role, the list and its filter ------------------------------------------------------------


def test_the_review_page_opens_for_every_reader_and_the_list_filters(client, completed, people):
    review = assigned(completed, people)
    readers = [
        people["enterprise"],
        people["provider"],
        people["reviewer"],
        people["experts"][0],
        people["auditor"],
        demo_user(Role.SUPERVISOR),
    ]
    for reader in readers:
        as_user(client, reader)
        assert client.get(url("review", review=review.pk)).status_code == 200, reader
        listing = client.get(url("reviews"))
        assert listing.status_code == 200 and url("review", review=review.pk) in listing.content.decode(), reader
    as_user(client, people["reviewer"])
    assert url("review", review=review.pk) in client.get(url("reviews"), {"status": "panel"}).content.decode()
    assert url("review", review=review.pk) not in client.get(url("reviews"), {"status": "passed"}).content.decode()
    assert as_user(client, demo_user(Role.COMMITTEE_MEMBER)).get(url("reviews")).status_code == 403
    assert as_user(client, demo_user(Role.ENTERPRISE, "yongkang-2024")).get(url("reviews")).status_code == 404
    not_seated = people["experts"][3]
    assert as_user(client, not_seated).get(url("review", review=review.pk)).status_code == 404


# Digital-level assessments --------------------------------------------------------------------------------


@pytest.fixture
def jinhua_project():
    program = Program.objects.get(slug="jinhua-pilot")
    profile = EnterpriseProfileFactory(program=program, organisation=OrganisationFactory(name="ZZ磁材企业"))
    return Application.objects.create(
        program=program,
        enterprise=profile,
        track="pilot",
        title="磁材车间数字化",
        status=Status.APPROVED,
        filing_number="JH-ZZ-0001",
        submitted_at=timezone.now(),
        created_by=demo_user(Role.BUREAU_REVIEWER, "jinhua-pilot"),
    )


def test_the_assessments_page_records_an_assessment_and_shows_its_level(client, jinhua_project):
    slug = "jinhua-pilot"
    reviewer = demo_user(Role.BUREAU_REVIEWER, slug)
    page_url = url("assessments", slug=slug, application=jinhua_project.pk)
    as_user(client, reviewer)
    page = client.get(page_url)
    assert page.status_code == 200
    assert url("assessment-new", slug=slug, application=jinhua_project.pk) in page.content.decode()

    scenes = {f"scene_{n}": "3" if n <= 6 else "1" for n in range(1, 17)}
    data = {
        "phase": "after",
        "assessed_on": "2025-06-01",
        "basics": "30",
        "management": "20",
        "results": "12",
        **scenes,
        "report": SimpleUploadedFile("评估报告.pdf", PDF, content_type="application/pdf"),
    }
    refused = client.post(
        url("assessment-new", slug=slug, application=jinhua_project.pk), {**data, "basics": "51", "report": ""}
    )
    assert refused.status_code == 200 and not DigitalAssessment.objects.filter(application=jinhua_project).exists()

    response = client.post(url("assessment-new", slug=slug, application=jinhua_project.pk), data)
    assert response.status_code == 302 and response["Location"] == page_url
    assessment = DigitalAssessment.objects.get(application=jinhua_project)
    assert (assessment.level, assessment.score, assessment.assessed_on) == (3, D("62"), date(2025, 6, 1))

    body = client.get(page_url).content.decode()
    assert shown(LEVEL_NAMES[3]) in body and shown(assessment.reason) in body
    report = assessment.reports.get()
    download = url(
        "assessment-report",
        slug=slug,
        application=jinhua_project.pk,
        assessment=assessment.pk,
        assessment_report=report.pk,
    )
    assert download in body
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert as_user(client, demo_user(Role.BUREAU_REVIEWER)).get(download).status_code == 404  # another program
    assert as_user(client, demo_user(Role.ENTERPRISE, slug)).get(page_url).status_code == 404  # not its project
    assert (
        as_user(client, demo_user(Role.ENTERPRISE, slug))
        .post(url("assessment-new", slug=slug, application=jinhua_project.pk), data)
        .status_code
        == 403
    )


def test_without_a_standard_the_assessment_form_is_not_offered(client, completed, people):
    page = as_user(client, people["reviewer"]).get(url("assessments", application=completed.pk))
    assert page.status_code == 200
    assert url("assessment-new", application=completed.pk) not in page.content.decode()
