"""N+X filings: the workflow for every role and state, the journey through the API, the queue's cost,
and two reviewers approving one filing at once on PostgreSQL."""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.utils import timezone

from demo.activity import demo_pdf
from filings.models import Application, Status, Transition
from filings.selectors import application_get
from filings.services import application_create, application_transition
from filings.workflow import ACTIONS
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Role
from programs.models import Program, ScenarioModule
from tests.factories import EnterpriseProfileFactory, user_with_role
from tests.support.environment import need
from tests.support.filings import contract_fields, new_draft, stored_files
from tests.support.people import access_in, demo_user

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"


access_of = access_in(SLUG)


def in_status(status):
    application = new_draft()
    submitted = None if status == Status.DRAFT else timezone.now()
    Application.objects.filter(pk=application.pk).update(
        status=status, submitted_at=submitted, provider_response="" if status == Status.DRAFT else "accepted"
    )
    application.refresh_from_db()
    return application


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_for_every_role_and_state(action, status, role):
    application = in_status(status)
    actor = demo_user(role)
    spec = ACTIONS[action]
    allowed = status in spec.sources and role in spec.roles
    comment = "请补充合同附件" if spec.needs_comment else ""
    if allowed:
        application_transition(access=access_of(actor), application=application, action=action, comment=comment)
        application.refresh_from_db()
        assert application.status == spec.target
        step = Transition.objects.get(application=application)
        assert (step.from_status, step.to_status, step.actor) == (status, spec.target, actor)
    else:
        with pytest.raises((NotAllowed, Conflict)):
            application_transition(access=access_of(actor), application=application, action=action, comment=comment)
        application.refresh_from_db()
        assert application.status == status
        assert not Transition.objects.filter(application=application).exists()


def test_an_enterprise_acts_only_on_its_own_filings():
    application = in_status(Status.DRAFT)
    program = Program.objects.get(slug=SLUG)
    profile = EnterpriseProfileFactory(program=program, industry=program.industries.first())
    other = user_with_role(program, Role.ENTERPRISE, organisation=profile.organisation)
    with pytest.raises(NotAllowed):
        application_transition(access=access_of(other), application=application, action="submit")
    with pytest.raises(Http404):
        application_get(access=access_of(other), pk=application.pk)


def test_comments_are_required_to_return_or_reject():
    application = in_status(Status.SUBMITTED)
    with pytest.raises(PortalError, match="comment|意见|Give a comment"):
        application_transition(
            access=access_of(demo_user(Role.BUREAU_REVIEWER)), application=application, action="return"
        )


def test_submission_is_checked_by_the_policy_engine():
    enterprise = access_of(demo_user(Role.ENTERPRISE, "yongkang-2024"), "yongkang-2024")
    module = ScenarioModule.objects.filter(program__slug="yongkang-2024").first()
    small = application_create(
        access=enterprise,
        fields={"title": "小项目", "track": "lightweight"},
        lines=[{"module": module, "part": "N", "category": "software", "description": "", "amount": Decimal("250000")}],
    )
    with pytest.raises(PortalError) as error:
        application_transition(access=enterprise, application=small, action="submit")
    assert "总投入低于30万元" in error.value.message
    small.refresh_from_db()
    assert small.status == Status.DRAFT


def test_approval_numbers_the_filing_fixes_the_batch_and_sets_the_deadline():
    application = in_status(Status.SUBMITTED)
    approved = application_transition(
        access=access_of(demo_user(Role.BUREAU_REVIEWER)), application=application, action="approve"
    )
    assert approved.filing_number.startswith("WUYI-2024-")
    assert approved.batch is not None
    assert approved.implementation_deadline is not None
    months = (approved.implementation_deadline.year - approved.decided_at.year) * 12 + (
        approved.implementation_deadline.month - approved.decided_at.month
    )
    assert months == 3


def test_the_second_of_two_reviewers_is_told_what_happened():
    application = in_status(Status.SUBMITTED)
    first = access_of(demo_user(Role.BUREAU_REVIEWER))
    second = access_of(get_user_model().objects.get(username="reviewer"))
    application_transition(access=first, application=application, action="approve", expected_status="submitted")
    with pytest.raises(Conflict) as error:
        application_transition(
            access=second, application=application, action="reject", comment="资料不全", expected_status="submitted"
        )
    assert "Approved" in error.value.message or "已批准" in error.value.message or "通过" in error.value.message
    assert Transition.objects.filter(application=application).count() == 1


def test_the_journey_through_the_api(client):
    enterprise, reviewer = demo_user(Role.ENTERPRISE), demo_user(Role.BUREAU_REVIEWER)
    module = ScenarioModule.objects.filter(program__slug=SLUG, kind="N").first()
    base = f"/api/v1/programs/{SLUG}/applications/"
    terms = contract_fields("380000")
    body = {
        "title": "API申报",
        "track": "lightweight",
        **{name: str(value) for name, value in terms.items() if name != "provider"},
        "provider": terms["provider"].pk,
        "lines": [
            {"module": module.pk, "part": "N", "category": "software", "amount": "300000"},
            {"part": "X", "category": "hardware", "description": "看板", "amount": "80000"},
        ],
    }
    client.force_login(enterprise)
    created = client.post(base, body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["total"] == "380000.00" and created.json()["status"] == "draft"
    detail = client.get(f"{base}{pk}/").json()
    assert detail["estimate"]["eligible"] is True and Decimal(detail["estimate"]["total"]) > 0
    assert detail["target_level"] is None and detail["policy_version"] is None and detail["attachments"] == []
    contract = SimpleUploadedFile("合同.pdf", demo_pdf("api contract"), content_type="application/pdf")
    uploaded = client.post(f"{base}{pk}/attachments/", {"kind": "contract", "file": contract})
    assert uploaded.status_code == 201 and uploaded.json()["kind"] == "contract"
    assert (
        client.post(f"{base}{pk}/transitions/", {"action": "submit"}, content_type="application/json").json()["status"]
        == "submitted"
    )
    client.force_login(get_user_model().objects.get(username="wuyi-provider"))
    accepted = client.post(f"{base}{pk}/provider-response/", {"decision": "accept"}, content_type="application/json")
    assert accepted.status_code == 200, accepted.content

    client.force_login(reviewer)
    queue = client.get(base, {"status": "submitted"}).json()
    assert pk in [row["id"] for row in queue["results"]]
    returned = client.post(
        f"{base}{pk}/transitions/", {"action": "return", "comment": "请补充报价单"}, content_type="application/json"
    )
    assert returned.json()["status"] == "returned"

    client.force_login(enterprise)
    body["lines"][1]["amount"] = "90000"
    body["contract_budget"] = "390000.00"
    assert client.put(f"{base}{pk}/", body, content_type="application/json").json()["total"] == "390000.00"
    assert (
        client.post(f"{base}{pk}/transitions/", {"action": "resubmit"}, content_type="application/json").json()[
            "status"
        ]
        == "resubmitted"
    )
    refused = client.post(f"{base}{pk}/transitions/", {"action": "approve"}, content_type="application/json")
    assert refused.status_code == 403

    client.force_login(reviewer)
    approved = client.post(
        f"{base}{pk}/transitions/",
        {"action": "approve", "expected_status": "resubmitted"},
        content_type="application/json",
    ).json()
    assert approved["status"] == "approved" and approved["filing_number"]
    detail = client.get(f"{base}{pk}/").json()
    assert [step["action"] for step in detail["transitions"]] == [
        "submit",
        "provider_accept",
        "return",
        "resubmit",
        "approve",
    ]
    assert detail["transitions"][2]["comment"] == "请补充报价单"
    assert detail["policy_version"] == "wuyi-2024-plan" and detail["provider_response"] == "accepted"


def test_queue_query_count_is_constant(client):
    from django.test.utils import CaptureQueriesContext

    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    counts = []
    for size in (1, 50):
        while Application.objects.filter(program__slug=SLUG).count() < size:
            in_status(Status.SUBMITTED)
        client.get(f"/api/v1/programs/{SLUG}/applications/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/programs/{SLUG}/applications/").status_code == 200
        counts.append(len(queries))
    assert counts == [7, 7]  # the page's keys, then its rows (portal.core.paging)


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_leave_exactly_one_transition():
    need(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    from demo.build import demo_build

    demo_build()
    application = in_status(Status.SUBMITTED)
    reviewers = [demo_user(Role.BUREAU_REVIEWER), get_user_model().objects.get(username="reviewer")]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        from django.db import connections

        try:
            barrier.wait()
            application_transition(access=access_of(user), application=application, action="approve")
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "conflict"]
    assert Transition.objects.filter(application=application, action="approve").count() == 1
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED


# --- attachments -----------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_attachments_are_checked_stored_privately_and_served_only_to_readers(client, settings):
    from filings.models import Attachment

    application = new_draft(attach=False)
    enterprise = demo_user(Role.ENTERPRISE)
    client.force_login(enterprise)
    url = f"/p/{SLUG}/filings/{application.pk}/attachments/"
    before = stored_files()
    refused = [
        upload("合同.exe", b"MZ\x90\x00"),
        upload("合同.pdf", b"MZ\x90\x00 not a pdf"),
    ]
    for item in refused:
        response = client.post(url, {"kind": "contract", "file": item})
        assert response.status_code == 302
    # too large: refused while it streams in, before the view (tests/security/test_upload_hardening.py)
    too_large = upload("报价单.pdf", PDF + b"0" * (settings.UPLOAD_MAX_BYTES + 1))
    assert client.post(url, {"kind": "contract", "file": too_large}).status_code == 413
    assert stored_files() == before and not Attachment.objects.filter(application=application).exists()

    client.post(url, {"kind": "contract", "file": upload("../../etc/passwd/..\\合同 终稿.pdf", PDF)})
    attachment = Attachment.objects.get(application=application)
    assert attachment.original_name == "合同 终稿.pdf"
    assert ".." not in attachment.file.name and attachment.file.name.startswith("private/filings/")
    assert len(stored_files()) == len(before) + 1

    download = client.get(f"{url}{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment;" in download["Content-Disposition"]

    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    assert client.get(f"{url}{attachment.pk}/").status_code == 404  # a draft is the enterprise's own
    application_transition(access=access_of(enterprise), application=application, action="submit")
    assert client.get(f"{url}{attachment.pk}/").status_code == 200
    client.force_login(enterprise)
    late = client.post(url, {"kind": "quotation", "file": upload("报价单.pdf", PDF)})
    assert (
        late.status_code == 302 and Attachment.objects.filter(application=application).count() == 1
    )  # a submitted filing takes no new file
    client.force_login(demo_user(Role.BUREAU_REVIEWER, "yongkang-2024"))
    assert client.get(f"{url}{attachment.pk}/").status_code == 404
    client.force_login(demo_user(Role.EXPERT))
    assert client.get(f"{url}{attachment.pk}/").status_code == 403
    client.logout()
    assert client.get(f"{url}{attachment.pk}/").status_code == 302
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def form_post(lines_rows, **fields):
    data = {
        "title": "页面申报",
        "track": "lightweight",
        "lines-TOTAL_FORMS": str(len(lines_rows) + 1),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, row in enumerate(lines_rows):
        data.update({f"lines-{index}-{key}": value for key, value in row.items()})
    # the extra blank row a browser sends untouched
    data.update(
        {f"lines-{len(lines_rows)}-{key}": "" for key in ("module", "part", "category", "description", "amount")}
    )
    return data


def test_the_journey_through_the_pages(client):
    enterprise, reviewer = demo_user(Role.ENTERPRISE), demo_user(Role.BUREAU_REVIEWER)
    module = ScenarioModule.objects.filter(program__slug=SLUG, kind="N").first()
    rows = [
        {"module": module.pk, "part": "N", "category": "software", "description": "", "amount": "300000"},
        {"module": "", "part": "X", "category": "hardware", "description": "定制看板", "amount": "80000"},
    ]
    client.force_login(enterprise)
    assert client.get(f"/p/{SLUG}/filings/new/").status_code == 200
    terms = {**contract_fields("380000"), "contract_budget": "380000"}
    terms["provider"] = terms["provider"].pk
    created = client.post(f"/p/{SLUG}/filings/new/", form_post(rows, **terms))
    assert created.status_code == 302, created.content.decode()[:2000]
    application = Application.objects.get(title="页面申报")
    detail = f"/p/{SLUG}/filings/{application.pk}/"
    page = client.get(detail).content.decode()
    assert "380,000.00" in page and "定制看板" in page
    contract = SimpleUploadedFile("合同.pdf", demo_pdf("page contract"), content_type="application/pdf")
    client.post(f"{detail}attachments/", {"kind": "contract", "file": contract})
    client.post(f"{detail}act/", {"action": "submit", "expected_status": "draft"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    client.force_login(get_user_model().objects.get(username="wuyi-provider"))
    assert f'action="{detail}provider-response/"' in client.get(detail).content.decode()  # the answer form
    client.post(f"{detail}provider-response/", {"decision": "accept"})

    client.force_login(reviewer)
    queue = client.get(f"/p/{SLUG}/filings/", {"status": "submitted", "search": "页面申报"}).content.decode()
    assert "页面申报" in queue
    client.post(f"{detail}act/", {"action": "return", "comment": "X部分请附报价单", "expected_status": "submitted"})

    client.force_login(enterprise)
    assert "X部分请附报价单" in client.get(detail).content.decode()
    rows[1]["amount"] = "90000"
    assert client.post(f"{detail}edit/", form_post(rows, **{**terms, "contract_budget": "390000"})).status_code == 302
    client.post(f"{detail}act/", {"action": "resubmit", "expected_status": "returned"})

    client.force_login(reviewer)
    response = client.post(f"/p/{SLUG}/filings/bulk-approve/", {"ids": [application.pk]}, follow=True)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.filing_number
    assert [step.action for step in application.transitions.all()] == [
        "submit",
        "provider_accept",
        "return",
        "resubmit",
        "approve",
    ]
    assert application.lines.filter(is_active=True).count() == 2
    assert sum(line.amount for line in application.lines.filter(is_active=True)) == Decimal("390000")


def test_each_transition_notifies_the_people_involved_once(
    client, django_capture_on_commit_callbacks, mailoutbox, settings
):
    from notifications.filing_notices import transition_notify
    from notifications.models import Notification

    settings.EMAIL_NOTIFICATIONS = True
    enterprise_user, reviewer = demo_user(Role.ENTERPRISE), demo_user(Role.BUREAU_REVIEWER)
    reviewer.email = "reviewer@bureau.example"
    reviewer.save()
    application = new_draft("通知测试项目")
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(access=access_of(enterprise_user), application=application, action="submit")
    step = application.transitions.get()
    told = Notification.objects.filter(source=f"filings.Transition:{step.pk}")
    assert reviewer in [item.recipient for item in told]
    assert enterprise_user not in [item.recipient for item in told]  # the actor is not told of its own step
    assert any("通知测试项目" in message.body for message in mailoutbox)

    count = told.count()
    transition_notify(transition_id=step.pk)  # a task that runs twice sends once
    assert told.count() == count

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            access=access_of(reviewer), application=application, action="return", comment="请补充报价单"
        )
    mine = Notification.objects.filter(recipient=enterprise_user, link__endswith=f"/filings/{application.pk}/")
    assert mine.count() == 1 and "请补充报价单" in mine.get().text

    client.force_login(enterprise_user)
    inbox = client.get("/notifications/").content.decode()
    assert "请补充报价单" in inbox
    response = client.post(f"/notifications/{mine.get().pk}/read/")
    assert response.status_code == 302 and response.url == f"/p/{SLUG}/filings/{application.pk}/"
    assert mine.get().read_at is not None
    client.force_login(reviewer)
    assert client.post(f"/notifications/{mine.get().pk}/read/").status_code == 404


def test_the_form_estimates_while_typing_and_saves_nothing(client):
    client.force_login(demo_user(Role.ENTERPRISE))
    module = ScenarioModule.objects.filter(program__slug=SLUG, kind="N").first()
    rows = [{"module": module.pk, "part": "N", "category": "software", "description": "", "amount": "600000"}]
    before = Application.objects.count()
    response = client.post(f"/p/{SLUG}/filings/estimate/", form_post(rows))
    body = response.content.decode()
    assert response.status_code == 200
    assert "按上限计" in body  # N above the industry cap is shown, not hidden
    assert Application.objects.count() == before
    yongkang = demo_user(Role.ENTERPRISE, "yongkang-2024")
    client.force_login(yongkang)
    module = ScenarioModule.objects.filter(program__slug="yongkang-2024").first()
    small = [{"module": module.pk, "part": "N", "category": "software", "description": "", "amount": "200000"}]
    warning = client.post("/p/yongkang-2024/filings/estimate/", form_post(small)).content.decode()
    assert "总投入低于30万元" in warning


def test_bulk_approval_through_the_api(client):
    waiting = [in_status(Status.SUBMITTED), in_status(Status.RESUBMITTED)]
    draft = in_status(Status.DRAFT)
    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    url = f"/api/v1/programs/{SLUG}/applications/bulk-approve/"
    ids = [application.pk for application in waiting] + [draft.pk, 999999]
    result = client.post(url, {"ids": ids}, content_type="application/json").json()
    assert result["approved"] == sorted(application.pk for application in waiting)
    assert set(result["refused"]) == {str(draft.pk), "999999"}
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT
    client.force_login(demo_user(Role.ENTERPRISE))
    assert client.post(url, {"ids": ids}, content_type="application/json").status_code == 403


def test_the_queue_escapes_what_enterprises_typed(client):
    application = in_status(Status.SUBMITTED)
    Application.objects.filter(pk=application.pk).update(title='<script>alert("x")</script>', filing_number="A&B-1")
    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    body = client.get(f"/p/{SLUG}/filings/?search=A%26B-1").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert '<script>alert("x")' not in body
    assert "A&amp;B-1" in body
