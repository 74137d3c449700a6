"""Third-party supervision (全过程监理, seed 001 §11): the bureau assigns a firm to an approved project, the firm
sees only its assigned projects, inspects them and requests rectifications, the lead contractor answers, the
firm closes or sends back; open rectifications gate the acceptance request unless the bureau waives them, and
count against the provider in the horse race."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acceptance import services as acceptance
from acceptance.models import AcceptanceReview
from demo.activity import demo_png
from filings.models import Application
from filings.selectors import application_get
from organisations.models import OrganisationKind
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Role
from programs.models import Program
from providers.models import ProviderSelection
from rankings import horse_race, periods
from rankings import services as rankings
from subsidies.accepted import ProjectSpec, accepted_projects_create
from supervision import services
from supervision.models import (
    Inspection,
    InspectionPhoto,
    Rectification,
    RectificationEvent,
    RectificationStatus,
    SupervisionAssignment,
)
from tests.factories import OrganisationFactory, user_with_role
from tests.support.clock import SHANGHAI
from tests.support.people import access_in, user
from tests.support.supervision import firm, inspect

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
D = Decimal
TITLE = "炊具车间轻量化数字化改造"
AMOUNTS = dict.fromkeys(("n_software", "n_hardware", "x_software", "x_hardware", "automation"), D("10000"))


access_of = access_in(SLUG)


@pytest.fixture
def project():
    """The demo's Wuyi project in implementation (provider: the wuyi-provider login's organisation)."""
    return Application.objects.get(program__slug=SLUG, title=TITLE)


@pytest.fixture
def assigned(project):
    return services.assignment_create(
        access=access_of("wuyi-reviewer"), application=project, organisation=firm(), note="每月巡查"
    )


def rectification(project, text="冲压机接入数据采集", days=10):
    inspection = inspect(project, (text, days))
    return inspection.rectifications.get()


def elsewhere_project():
    """An approved project of another program (Yongkang)."""
    program = Program.objects.get(slug="yongkang-2024")
    spec = ProjectSpec("永康别家企业", program.industries.first().code, datetime(2024, 7, 2, 10, tzinfo=SHANGHAI))
    return accepted_projects_create(program, [spec], actor=user("yongkang-reviewer"))[0]


def complete(project):
    Application.objects.filter(pk=project.pk).update(completed_at=timezone.now())
    project.refresh_from_db()
    return project


def request_acceptance(project):
    return acceptance.acceptance_request(
        access=access_of("wuyi-enterprise2"), application=project, deliverables="MES、采集终端", amounts=AMOUNTS
    )


# --- who sees what ----------------------------------------------------------------------------------------


def test_the_firm_sees_only_its_assigned_projects_and_no_more_once_the_assignment_ends(client, project):
    client.force_login(user("wuyi-supervision"))
    pages = {
        "list": f"/p/{SLUG}/supervision/",
        "filings": f"/p/{SLUG}/filings/",
        "detail": f"/p/{SLUG}/filings/{project.pk}/",
        "project": f"/p/{SLUG}/supervision/projects/{project.pk}/",
        "api": f"/api/v1/programs/{SLUG}/supervision/projects/{project.pk}/",
    }
    other = accepted_projects_create(
        project.program,
        [ProjectSpec("别的项目企业", "kitchenware", datetime(2024, 7, 2, 10, tzinfo=SHANGHAI))],
        actor=user("wuyi-reviewer"),
    )[0]

    def seen():
        listed = [row.application_id for row in client.get(pages["list"]).context["page"].object_list]
        filings = [row.pk for row in client.get(pages["filings"]).context["page"].object_list]
        codes = {name: client.get(pages[name]).status_code for name in ("detail", "project", "api")}
        return listed, filings, codes

    assert seen() == ([], [], {"detail": 404, "project": 404, "api": 404})
    assignment = services.assignment_create(
        access=access_of("wuyi-reviewer"), application=project, organisation=firm(), note=""
    )
    assert seen() == ([project.pk], [project.pk], {"detail": 200, "project": 200, "api": 200})
    # another project of the program stays out of sight
    assert client.get(f"/p/{SLUG}/filings/{other.pk}/").status_code == 404
    assert client.get(f"/p/{SLUG}/supervision/projects/{other.pk}/").status_code == 404
    api = client.get(f"/api/v1/programs/{SLUG}/supervision/assignments/").json()
    assert [row["application"]["id"] for row in api["results"]] == [project.pk]

    services.assignment_end(access=access_of("wuyi-admin"), assignment=assignment, reason="合同期满")
    assert seen() == ([], [], {"detail": 404, "project": 404, "api": 404})
    assignment.refresh_from_db()
    assert not assignment.is_active and assignment.ended_reason == "合同期满"
    assert assignment.ended_by == user("wuyi-admin") and assignment.ended_at is not None
    assert SupervisionAssignment.objects.filter(pk=assignment.pk).exists()  # kept


def test_the_enterprise_provider_and_staff_read_the_project_and_another_enterprise_does_not(client, project, assigned):
    item = rectification(project)
    outsider = user_with_role(Program.objects.get(slug=SLUG), Role.ENTERPRISE, username="other-enterprise")
    outsider.organisation = OrganisationFactory(name="别家企业有限公司")
    outsider.save()
    url = f"/api/v1/programs/{SLUG}/supervision/projects/{project.pk}/"
    for username, status in (
        ("wuyi-enterprise2", 200),
        ("wuyi-provider", 200),
        ("wuyi-reviewer", 200),
        ("wuyi-auditor", 200),
        ("wuyi-supervisor", 200),
        ("wuyi-supervision", 200),
        ("other-enterprise", 404),
        ("wuyi-expert", 403),
    ):
        client.force_login(user(username))
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            data = response.json()
            assert data["open_rectifications"] == 1 and data["blocking_rectifications"] == 1
            assert data["inspections"][0]["rectifications"][0]["id"] == item.pk


def test_assignment_refuses_other_programs_unapproved_projects_firms_without_the_role_and_a_second_firm(project):
    reviewer = access_of("wuyi-reviewer")
    elsewhere = elsewhere_project()
    with pytest.raises(PortalError):
        services.assignment_create(access=reviewer, application=elsewhere, organisation=firm())
    draft = Application.objects.filter(program__slug=SLUG).exclude(status="approved").first()
    if draft is None:
        draft = Application.objects.create(
            program=project.program,
            enterprise=project.enterprise,
            track="lightweight",
            title="草稿",
            created_by=user("wuyi-enterprise2"),
        )
    with pytest.raises(PortalError):
        services.assignment_create(access=reviewer, application=draft, organisation=firm())
    roleless = OrganisationFactory(name="无角色监理公司", kind=OrganisationKind.SUPERVISION_FIRM)
    with pytest.raises(PortalError):
        services.assignment_create(access=reviewer, application=project, organisation=roleless)
    with pytest.raises(NotAllowed):
        services.assignment_create(access=access_of("wuyi-enterprise2"), application=project, organisation=firm())
    services.assignment_create(access=reviewer, application=project, organisation=firm())
    second = OrganisationFactory(name="第二监理公司", kind=OrganisationKind.SUPERVISION_FIRM)
    holder = user_with_role(project.program, Role.SUPERVISION_FIRM, username="second-firm")
    holder.organisation = second
    holder.save()
    with pytest.raises(Conflict):
        services.assignment_create(access=reviewer, application=project, organisation=second)
    assert SupervisionAssignment.objects.filter(application=project).count() == 1


def test_the_api_assigns_and_ends_with_the_codes_of_each_refusal(client, project):
    url = f"/api/v1/programs/{SLUG}/supervision/assignments/"
    body = {"application": project.pk, "organisation": firm().pk, "note": "首次委派"}
    client.force_login(user("wuyi-enterprise2"))
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(user("wuyi-auditor"))
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(user("wuyi-reviewer"))
    elsewhere = elsewhere_project()
    assert client.post(url, {**body, "application": elsewhere.pk}, content_type="application/json").status_code == 400
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201 and created.json()["firm"] == firm().name
    assert client.post(url, body, content_type="application/json").status_code == 409
    end = f"{url}{created.json()['id']}/end/"
    assert client.post(end, {"reason": ""}, content_type="application/json").status_code == 400
    ended = client.post(end, {"reason": "更换监理单位"}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["is_active"] is False
    assert client.post(end, {"reason": "再次"}, content_type="application/json").status_code == 409


# --- inspections ------------------------------------------------------------------------------------------


def test_an_inspection_with_photos_and_requests_and_what_is_refused(project, assigned):
    photo = SimpleUploadedFile("现场.png", demo_png(), content_type="image/png")
    inspection = inspect(project, ("补充培训签到表", 5), ("更新设备清单", 0), uploads=[photo])
    assert inspection.photos.count() == 1 and inspection.rectifications.count() == 2
    assert set(
        RectificationEvent.objects.filter(rectification__inspection=inspection).values_list("kind", flat=True)
    ) == {"requested"}
    before = (Inspection.objects.count(), Rectification.objects.count(), InspectionPhoto.objects.count())
    today = timezone.localdate()
    with pytest.raises(PortalError):  # in the future
        inspect(project, on=today + timedelta(days=1))
    with pytest.raises(PortalError):  # deadline before the inspection
        inspect(project, ("补齐", -1))
    with pytest.raises(PortalError):  # eleven photos
        inspect(project, uploads=[SimpleUploadedFile(f"{n}.png", demo_png()) for n in range(11)])
    with pytest.raises(PortalError):  # not a picture
        inspect(project, uploads=[SimpleUploadedFile("x.png", b"not a png")])
    with pytest.raises(NotAllowed):  # the provider does not inspect
        services.inspection_record(
            access=access_of("wuyi-provider"), application=project, inspected_on=today, findings="x"
        )
    assert (Inspection.objects.count(), Rectification.objects.count(), InspectionPhoto.objects.count()) == before


def test_the_photo_leaves_only_through_a_reader_of_the_project(client, project, assigned):
    inspection = inspect(project, uploads=[SimpleUploadedFile("现场.png", demo_png())])
    photo = inspection.photos.get()
    url = f"/p/{SLUG}/supervision/projects/{project.pk}/inspections/{inspection.pk}/photos/{photo.pk}/"
    client.force_login(user("wuyi-enterprise2"))
    response = client.get(url)
    served = b"".join(response.streaming_content)
    assert response.status_code == 200 and served == photo.file.open("rb").read()
    # stored re-encoded: the same pixels as the upload, nothing else
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(served)).tobytes() == Image.open(BytesIO(demo_png())).tobytes()
    client.force_login(user("wuyi-expert"))
    assert client.get(url).status_code == 403
    wrong = f"/p/{SLUG}/supervision/projects/{project.pk}/inspections/{inspection.pk + 1}/photos/{photo.pk}/"
    client.force_login(user("wuyi-reviewer"))
    assert client.get(wrong).status_code == 404


def test_the_inspection_api_takes_photos_and_requests_in_one_multipart_body(client, project, assigned):
    client.force_login(user("wuyi-supervision"))
    url = f"/api/v1/programs/{SLUG}/supervision/projects/{project.pk}/inspections/"
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        url,
        {
            "inspected_on": day,
            "findings": "看板未上线",
            "rectifications": f'[{{"request": "上线生产看板", "due_on": "{due}"}}]',
            "photos": [SimpleUploadedFile("a.png", demo_png())],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert len(data["photos"]) == 1 and data["rectifications"][0]["request"] == "上线生产看板"
    assert client.get(data["photos"][0]["url"]).status_code == 200
    client.force_login(user("wuyi-provider"))
    assert client.post(url, {"inspected_on": day, "findings": "x"}).status_code == 403


# --- rectifications ---------------------------------------------------------------------------------------


def test_the_life_of_a_rectification_leaves_who_when_and_why_at_every_step(project, assigned):
    item = rectification(project)
    provider, firm_access = access_of("wuyi-provider"), access_of("wuyi-supervision")
    with pytest.raises(Conflict):  # closing needs an answer first
        services.rectification_close(access=firm_access, rectification=item, conclusion="ok")
    with pytest.raises(NotAllowed):  # the firm does not answer
        services.rectification_answer(access=firm_access, rectification=item, answer="已整改")
    other = ProviderSelection.objects.filter(membership__program__slug=SLUG).exclude(
        membership__organisation=user("wuyi-provider").organisation
    )
    other_user = get_user_model().objects.filter(organisation=other.first().membership.organisation).first()
    with pytest.raises(NotAllowed):  # the provider of another project does not answer
        services.rectification_answer(access=access_of(other_user), rectification=item, answer="已整改")
    with pytest.raises(PortalError):
        services.rectification_answer(access=provider, rectification=item, answer="  ")

    services.rectification_answer(access=provider, rectification=item, answer="已接入 1 台")
    services.rectification_reopen(access=firm_access, rectification=item, reason="仍有 1 台未接入")
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN
    services.rectification_answer(access=provider, rectification=item, answer="2 台均已接入，见截图")
    with pytest.raises(Conflict):
        services.rectification_answer(access=provider, rectification=item, answer="again")
    services.rectification_close(access=firm_access, rectification=item, conclusion="复查到位")
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED and item.closing_note == "复查到位"
    assert item.closed_by == user("wuyi-supervision") and item.answered_by == user("wuyi-provider")
    with pytest.raises(Conflict):
        services.rectification_reopen(access=firm_access, rectification=item, reason="x")

    history = list(item.history.order_by("history_date", "history_id"))
    assert [(row.status, row.history_user.username) for row in history] == [
        ("open", "wuyi-supervision"),
        ("answered", "wuyi-provider"),
        ("open", "wuyi-supervision"),
        ("answered", "wuyi-provider"),
        ("closed", "wuyi-supervision"),
    ]
    assert "仍有 1 台未接入" in history[2].history_change_reason
    assert all(row.history_date is not None for row in history)
    events = list(item.events.order_by("created_at", "id").values_list("kind", "text", "actor__username"))
    assert events == [
        ("requested", "冲压机接入数据采集", "wuyi-supervision"),
        ("answered", "已接入 1 台", "wuyi-provider"),
        ("sent_back", "仍有 1 台未接入", "wuyi-supervision"),
        ("answered", "2 台均已接入，见截图", "wuyi-provider"),
        ("closed", "复查到位", "wuyi-supervision"),
    ]


def test_the_pages_act_by_capability(client, project, assigned):
    item = rectification(project)
    base = f"/p/{SLUG}/supervision/projects/{project.pk}/rectifications/{item.pk}"
    client.force_login(user("wuyi-supervision"))
    assert client.post(f"{base}/answer/", {"answer": "x"}).status_code == 403
    client.force_login(user("wuyi-provider"))
    page = client.get(f"/p/{SLUG}/supervision/projects/{project.pk}/")
    assert page.context["is_provider"] and not page.context["is_firm"]
    assert client.post(f"{base}/answer/", {"answer": "已接入"}).status_code == 302
    client.force_login(user("wuyi-supervision"))
    assert client.post(f"{base}/close/", {"conclusion": "到位"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "closed"
    client.force_login(user("wuyi-enterprise2"))
    assert client.post(f"{base}/waive/", {"reason": "x"}).status_code == 403


# --- the acceptance gate ----------------------------------------------------------------------------------


def test_an_open_rectification_blocks_the_acceptance_request_until_the_firm_closes_it(project, assigned):
    item = rectification(project, text="冲压机接入数据采集")
    complete(project)
    with pytest.raises(Conflict) as refused:
        request_acceptance(project)
    assert "冲压机接入数据采集" in refused.value.message and refused.value.fields["rectifications"] == [str(item.pk)]
    services.rectification_answer(access=access_of("wuyi-provider"), rectification=item, answer="已接入")
    with pytest.raises(Conflict):  # answered is not closed
        request_acceptance(project)
    assert not AcceptanceReview.objects.filter(application=project).exists()
    services.rectification_close(access=access_of("wuyi-supervision"), rectification=item, conclusion="到位")
    assert request_acceptance(project).application_id == project.pk


def test_a_bureau_waiver_with_a_reason_lets_the_request_go_ahead(project, assigned):
    item = rectification(project)
    complete(project)
    for username in ("wuyi-enterprise2", "wuyi-provider", "wuyi-supervision", "wuyi-auditor"):
        with pytest.raises(NotAllowed):
            services.rectification_waive(access=access_of(username), rectification=item, reason="理由")
    with pytest.raises(PortalError):
        services.rectification_waive(access=access_of("wuyi-reviewer"), rectification=item, reason=" ")
    item.refresh_from_db()
    assert item.waived_at is None
    services.rectification_waive(access=access_of("wuyi-reviewer"), rectification=item, reason="待供货，不影响验收")
    item.refresh_from_db()
    assert item.waiver_reason == "待供货，不影响验收" and item.waived_by == user("wuyi-reviewer")
    assert item.status == "open"  # the request itself stays open
    with pytest.raises(Conflict):
        services.rectification_waive(access=access_of("wuyi-reviewer"), rectification=item, reason="again")
    assert request_acceptance(project).application_id == project.pk


def test_the_request_page_and_the_api_show_the_block_and_the_waiver(client, project, assigned):
    item = rectification(project, text="上线生产看板")
    complete(project)
    client.force_login(user("wuyi-enterprise2"))
    page = f"/p/{SLUG}/filings/{project.pk}/acceptance/request/"
    response = client.get(page)
    assert [row.pk for row in response.context["gate"].blocking] == [item.pk]
    assert "上线生产看板" in response.content.decode()
    posted = client.post(page, {"deliverables": "MES", **dict.fromkeys(AMOUNTS, "10000")})
    assert posted.status_code == 200 and "上线生产看板" in str(posted.context["form"].non_field_errors())
    api = f"/api/v1/programs/{SLUG}/applications/{project.pk}/acceptance/"
    body = {"deliverables": "MES", "amounts": dict.fromkeys(AMOUNTS, "10000")}
    refused = client.post(api, body, content_type="application/json")
    assert refused.status_code == 409 and "上线生产看板" in refused.json()["error"]["message"]

    client.force_login(user("wuyi-reviewer"))
    waive = f"/api/v1/programs/{SLUG}/supervision/projects/{project.pk}/rectifications/{item.pk}/waive/"
    assert client.post(waive, {"reason": ""}, content_type="application/json").status_code == 400
    assert client.post(waive, {"reason": "设备到货后补装"}, content_type="application/json").status_code == 200
    client.force_login(user("wuyi-enterprise2"))
    response = client.get(page)
    assert response.context["gate"].blocking == [] and [r.pk for r in response.context["gate"].waived] == [item.pk]
    assert "设备到货后补装" in response.content.decode()
    assert client.post(api, body, content_type="application/json").status_code == 201


# --- the project card -------------------------------------------------------------------------------------


def test_the_filing_page_card_shows_open_and_overdue_counts_in_two_queries(client, project, assigned):
    from django.template import Context

    from supervision.templatetags.supervision_tags import project_supervision

    inspect(project, ("逾期的要求", 0), ("未逾期的要求", 30), on=timezone.localdate() - timedelta(days=5))
    client.force_login(user("wuyi-enterprise2"))
    html = client.get(f"/p/{SLUG}/filings/{project.pk}/").content.decode()
    assert 'class="card supervision-card"' in html and 'data-open="2" data-overdue="1"' in html
    access = access_of("wuyi-enterprise2")
    shown = application_get(access=access, pk=project.pk)  # as the filing page has it
    with CaptureQueriesContext(connection) as queries:
        rendered = project_supervision(Context({"access": access, "application": shown, "program": access.program}))
    assert len(queries) <= 2 and firm().name in rendered
    expert = access_of("wuyi-expert")
    assert project_supervision(Context({"access": expert, "application": shown, "program": expert.program})) == ""


# --- the horse race ---------------------------------------------------------------------------------------


@pytest.fixture
def twin_providers():
    """Two Wuyi providers (different industries) each with one accepted project, equal in every figure."""
    program = Program.objects.get(slug=SLUG)
    ProviderSelection.objects.filter(membership__program=program).update(selected_on=date(2024, 6, 1))
    chosen = {s.industry.code: s.membership for s in ProviderSelection.objects.filter(membership__program=program)}
    at = datetime(2024, 7, 2, 10, tzinfo=SHANGHAI)
    specs = [
        ProjectSpec("整改甲", "kitchenware", at, provider=chosen["kitchenware"], score=D("85")),
        ProjectSpec("整改乙", "power-tools", at, provider=chosen["power-tools"], score=D("85")),
    ]
    projects = accepted_projects_create(program, specs, actor=user("wuyi-reviewer"))
    period = periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    return program, chosen, projects, period


def rectification_at(project, created, closed=None):
    """A rectification of `project` requested at `created` (and closed at `closed`), written as of those dates."""
    actor = user("wuyi-supervision")
    assignment = SupervisionAssignment.objects.filter(
        application=project
    ).first() or SupervisionAssignment.objects.create(
        program=project.program, application=project, organisation=firm(), assigned_by=user("wuyi-reviewer")
    )
    inspection = Inspection.objects.create(
        assignment=assignment, application=project, inspected_on=created.date(), findings="x", recorded_by=actor
    )
    item = Rectification.objects.create(
        inspection=inspection, application=project, request="整改", due_on=created.date(), requested_by=actor
    )
    fields = {"created_at": created}
    if closed is not None:
        fields.update(status="closed", closed_at=closed, closed_by=actor)
    Rectification.objects.filter(pk=item.pk).update(**fields)
    return item


def overall(program, period):
    snapshot = rankings.snapshot_make(program=program, period=period)
    return {entry.subject_id: entry for entry in snapshot.entries.filter(group="")}


def test_an_open_rectification_at_the_cut_off_puts_the_provider_below_its_equal(twin_providers):
    program, chosen, projects, period = twin_providers
    rectification_at(projects[0], datetime(2024, 7, 5, 9, tzinfo=SHANGHAI))
    rectification_at(projects[1], period.cutoff + timedelta(hours=1))  # after the cut-off: not counted
    entries = overall(program, period)
    kitchen, tools = entries[chosen["kitchenware"].pk], entries[chosen["power-tools"].pk]
    assert kitchen.values["rectifications"] == "1" and tools.values["rectifications"] == "0"
    assert kitchen.score < tools.score and tools.rank == 1 and kitchen.rank == 2


def test_a_rectification_closed_before_the_cut_off_does_not_count(twin_providers):
    program, chosen, projects, period = twin_providers
    rectification_at(
        projects[0], datetime(2024, 7, 3, 9, tzinfo=SHANGHAI), closed=datetime(2024, 7, 6, tzinfo=SHANGHAI)
    )
    # closed only after the cut-off: still open at it
    rectification_at(projects[1], datetime(2024, 7, 3, 9, tzinfo=SHANGHAI), closed=period.cutoff + timedelta(days=1))
    entries = overall(program, period)
    kitchen, tools = entries[chosen["kitchenware"].pk], entries[chosen["power-tools"].pk]
    assert kitchen.values["rectifications"] == "0" and tools.values["rectifications"] == "1"
    assert kitchen.score > tools.score


def test_the_indicator_is_read_in_one_query_whatever_the_number_of_rectifications(twin_providers):
    program, _chosen, projects, period = twin_providers
    rectification_at(projects[0], datetime(2024, 7, 3, tzinfo=SHANGHAI))
    with CaptureQueriesContext(connection) as one:
        horse_race.HorseRace.groups_as_of(program, period.cutoff)
    for project in projects * 3:
        rectification_at(project, datetime(2024, 7, 4, tzinfo=SHANGHAI))
    with CaptureQueriesContext(connection) as many:
        groups = horse_race.HorseRace.groups_as_of(program, period.cutoff)
    assert len(one) == len(many)
    values = {subject.id: subject.values["rectifications"] for subject in groups[0].subjects}
    assert sorted(v for v in values.values() if v) == [D(3), D(4)]
