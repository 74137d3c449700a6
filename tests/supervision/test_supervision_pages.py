"""Supervision pages: each renders for the parties that read it, the forms write through the services, and the
list page and its API cost the same queries for 1 row as for 50."""

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.activity import demo_png
from filings.models import Application
from programs.models import Program
from subsidies.accepted import ProjectSpec, accepted_projects_create
from supervision import services
from supervision.models import Inspection, Rectification, SupervisionAssignment
from tests.support.clock import SHANGHAI
from tests.support.people import access_in, user
from tests.support.supervision import firm, inspect

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
access_of = access_in(SLUG)


@pytest.fixture
def project():
    return Application.objects.get(program__slug=SLUG, title="炊具车间轻量化数字化改造")


def test_the_bureau_assigns_through_the_form_and_ends_through_the_project_page(client, project):
    client.force_login(user("wuyi-reviewer"))
    form = client.get(f"/p/{SLUG}/supervision/assign/?application={project.pk}")
    assert form.status_code == 200
    assert project.pk in [a.pk for a in form.context["form"].fields["application"].queryset]
    assert [f.pk for f in form.context["form"].fields["organisation"].queryset] == [firm().pk]
    response = client.post(
        f"/p/{SLUG}/supervision/assign/", {"application": project.pk, "organisation": firm().pk, "note": "委派"}
    )
    assert response.status_code == 302 and response["Location"] == f"/p/{SLUG}/supervision/projects/{project.pk}/"
    assignment = SupervisionAssignment.objects.get(application=project, is_active=True)
    assert assignment.assigned_by == user("wuyi-reviewer") and assignment.note == "委派"
    page = client.get(response["Location"])
    assert page.context["may_end"] and not page.context["may_assign"] and firm().name in page.content.decode()
    assert client.post(f"/p/{SLUG}/supervision/{assignment.pk}/end/", {"reason": ""}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.is_active  # no reason: refused
    client.post(f"/p/{SLUG}/supervision/{assignment.pk}/end/", {"reason": "监理合同终止"})
    assignment.refresh_from_db()
    assert not assignment.is_active and assignment.ended_reason == "监理合同终止"
    client.force_login(user("wuyi-enterprise2"))
    assert client.get(f"/p/{SLUG}/supervision/assign/").status_code == 403


def test_the_firm_records_an_inspection_through_the_form(client, project):
    services.assignment_create(access=access_of("wuyi-reviewer"), application=project, organisation=firm())
    client.force_login(user("wuyi-supervision"))
    url = f"/p/{SLUG}/supervision/projects/{project.pk}/inspections/new/"
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    refused = client.post(
        url,
        {
            "inspected_on": today.isoformat(),
            "findings": "看板未上线",
            "request_1": "上线看板",
            "due_on_1": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert refused.status_code == 200 and refused.context["form"].errors and not Inspection.objects.exists()
    done = client.post(
        url,
        {
            "inspected_on": today.isoformat(),
            "findings": "看板未上线",
            "request_1": "上线看板",
            "due_on_1": (today + timedelta(days=7)).isoformat(),
            "photos": [SimpleUploadedFile("现场.png", demo_png())],
        },
    )
    assert done.status_code == 302
    inspection = Inspection.objects.get(application=project)
    assert inspection.photos.count() == 1 and list(inspection.rectifications.values_list("request", flat=True)) == [
        "上线看板"
    ]
    page = client.get(f"/p/{SLUG}/supervision/projects/{project.pk}/")
    html = page.content.decode()
    assert page.context["is_firm"] and "上线看板" in html and "看板未上线" in html
    client.force_login(user("wuyi-provider"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "username",
    ["wuyi-reviewer", "wuyi-admin", "wuyi-auditor", "wuyi-supervisor", "wuyi-enterprise2", "wuyi-provider"],
)
def test_every_reader_sees_the_list_and_the_project(client, project, username):
    services.assignment_create(access=access_of("wuyi-reviewer"), application=project, organisation=firm())
    inspect(project, ("补齐接入", 0), on=timezone.localdate() - timedelta(days=2))
    client.force_login(user(username))
    listed = client.get(f"/p/{SLUG}/supervision/", {"open": "1"})
    assert listed.status_code == 200
    rows = list(listed.context["page"].object_list)
    assert [(row.application_id, row.open_count, row.overdue_count) for row in rows] == [(project.pk, 1, 1)]
    page = client.get(f"/p/{SLUG}/supervision/projects/{project.pk}/")
    assert page.status_code == 200 and "补齐接入" in page.content.decode()
    assert page.context["may_waive"] == (username == "wuyi-reviewer")


def test_the_list_filters(client, project):
    assignment = services.assignment_create(access=access_of("wuyi-reviewer"), application=project, organisation=firm())
    client.force_login(user("wuyi-reviewer"))
    url = f"/p/{SLUG}/supervision/"

    def ids(**params):
        return [row.pk for row in client.get(url, params).context["page"].object_list]

    assert ids() == [assignment.pk] and ids(open="1") == [] and ids(search="炊具") == [assignment.pk]
    assert ids(search="不存在") == [] and ids(firm=str(firm().pk)) == [assignment.pk] and ids(state="ended") == []
    services.assignment_end(access=access_of("wuyi-reviewer"), assignment=assignment, reason="结束")
    assert ids() == [] and ids(state="ended") == [assignment.pk] and ids(state="all") == [assignment.pk]
    assert client.get(url, {"firm": "x" * 30, "state": "nonsense", "page": "999"}).status_code == 200


# --- query counts -----------------------------------------------------------------------------------------


def supervised(count):
    """`count` approved Wuyi projects, each assigned to the firm with an inspection and an open rectification."""
    program = Program.objects.get(slug=SLUG)
    at = datetime(2024, 7, 2, 10, tzinfo=SHANGHAI)
    specs = [ProjectSpec(f"监理计数企业{n:02d}", "kitchenware", at) for n in range(count)]
    projects = accepted_projects_create(program, specs, actor=user("wuyi-reviewer"))
    reviewer, inspector = user("wuyi-reviewer"), user("wuyi-supervision")
    assignments = SupervisionAssignment.objects.bulk_create(
        SupervisionAssignment(program=program, application=p, organisation=firm(), assigned_by=reviewer)
        for p in projects
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(
            assignment=a, application_id=a.application_id, inspected_on=at.date(), findings="x", recorded_by=inspector
        )
        for a in assignments
    )
    Rectification.objects.bulk_create(
        Rectification(
            inspection=i, application_id=i.application_id, request="整改", due_on=at.date(), requested_by=inspector
        )
        for i in inspections
    )


PATHS = {"page": f"/p/{SLUG}/supervision/", "api": f"/api/v1/programs/{SLUG}/supervision/assignments/"}


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(
    ("username", "kind", "pinned"),
    [
        ("wuyi-reviewer", "page", 8),  # the staff's page also lists the firms for its filter
        ("wuyi-supervision", "page", 7),
        ("wuyi-reviewer", "api", 6),
        ("wuyi-supervision", "api", 6),
    ],
)
def test_the_list_costs_the_same_queries_for_1_row_as_for_50(
    client, django_assert_num_queries, rows, username, kind, pinned
):
    supervised(rows)
    client.force_login(user(username))
    client.get(PATHS[kind])  # warm the session and the content types
    with django_assert_num_queries(pinned):
        response = client.get(PATHS[kind])
    assert response.status_code == 200
    count = response.context["page"].paginator.count if kind == "page" else response.json()["count"]
    assert count == rows
