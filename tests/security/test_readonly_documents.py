"""The read-only roles (supervisor, auditor) and the documents: they download the acceptance reports and the
bulletins already made, and may not ask for new ones (each request writes a job row and renders a file). Their
one document request in the spec is the auditor's Excel ledger."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from acceptance import services as acceptance
from acceptance.models import AcceptanceReportFile, ReportJob
from portal.core.errors import NotAllowed
from portal.core.roles import READ_ONLY_ROLES, Capability, Role, capabilities_of
from programs.access import program_access
from programs.models import Program
from rankings import periods
from rankings import services as rankings
from rankings.models import BulletinFile, BulletinJob
from tests.support.people import access_in, user

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
READERS = ["wuyi-auditor", "wuyi-supervisor"]


access_of = access_in(SLUG)


def stored_files() -> int:
    return sum(len(names) for _root, _dirs, names in os.walk(settings.MEDIA_ROOT))


def test_the_read_only_roles_hold_only_reading_capabilities():
    reading = {Capability.QUOTE, Capability.COMPARE_POLICIES, Capability.EXPORT_LEDGER}
    assert {Role.SUPERVISOR, Role.AUDITOR} == READ_ONLY_ROLES
    for role in READ_ONLY_ROLES:
        held = capabilities_of({role})
        assert {cap for cap in held if not cap.startswith("view_")} <= reading, role
        assert Capability.GENERATE_ACCEPTANCE_REPORT not in held and Capability.GENERATE_BULLETIN not in held
    assert Capability.EXPORT_LEDGER in capabilities_of({Role.AUDITOR})  # the spec's one export for the auditor


# The acceptance report ----------------------------------------------------------------------------------------


def report_url(name, review, **kwargs):
    return reverse(f"acceptance:{name}", kwargs={"program": SLUG, "review": review.pk, **kwargs})


def report_footprint(review):
    return {
        "jobs": ReportJob.objects.filter(review=review).count(),
        "files": AcceptanceReportFile.objects.filter(review=review).count(),
        "stored": stored_files(),
    }


@pytest.mark.parametrize("reader", READERS)
def test_a_read_only_role_may_not_generate_an_acceptance_report(client, passed, reader):
    before = report_footprint(passed)
    with pytest.raises(NotAllowed):
        acceptance.report_request(access=access_of(reader), review=passed)
    client.force_login(user(reader))
    assert client.post(report_url("report-request", passed)).status_code == 403
    assert report_footprint(passed) == before
    page = client.get(report_url("review", passed))
    assert page.status_code == 200 and report_url("report-request", passed) not in page.content.decode()


def test_the_read_only_roles_download_the_report_the_bureau_generated(
    client,
    passed,
    django_capture_on_commit_callbacks,
):
    client.force_login(user("wuyi-reviewer"))
    assert report_url("report-request", passed) in client.get(report_url("review", passed)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(report_url("report-request", passed)).status_code == 302
    made = AcceptanceReportFile.objects.get(review=passed)
    download = report_url("report-download", passed, report_file=made.pk)
    for reader in READERS:
        client.force_login(user(reader))
        before = report_footprint(passed)
        assert download in client.get(report_url("review", passed)).content.decode()
        response = client.get(download)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
        assert report_footprint(passed) == before


# The bulletin ---------------------------------------------------------------------------------------------------


@pytest.fixture
def snapshot():
    program = Program.objects.get(slug=SLUG)
    return rankings.snapshot_make(
        program=program, period=periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    )


def ranking_url(name, snapshot, **kwargs):
    return reverse(f"rankings:{name}", kwargs={"program": SLUG, "snapshot": snapshot.pk, **kwargs})


def ranking_page(snapshot):
    return reverse("rankings:horse-race", kwargs={"program": SLUG}) + f"?snapshot={snapshot.pk}"


def bulletin_footprint(snapshot):
    return {
        "jobs": BulletinJob.objects.filter(snapshot=snapshot).count(),
        "files": BulletinFile.objects.filter(snapshot=snapshot).count(),
        "stored": stored_files(),
    }


@pytest.mark.parametrize("reader", READERS)
def test_a_read_only_role_may_not_generate_a_bulletin(client, snapshot, reader):
    before = bulletin_footprint(snapshot)
    with pytest.raises(NotAllowed):
        rankings.bulletin_request(access=access_of(reader), snapshot=snapshot)
    client.force_login(user(reader))
    assert client.post(ranking_url("bulletin-request", snapshot)).status_code == 403
    assert bulletin_footprint(snapshot) == before
    page = client.get(ranking_page(snapshot))
    assert page.status_code == 200 and ranking_url("bulletin-request", snapshot) not in page.content.decode()


def test_the_read_only_roles_download_the_bulletin_the_bureau_generated(client, snapshot):
    client.force_login(user("wuyi-reviewer"))
    assert ranking_url("bulletin-request", snapshot) in client.get(ranking_page(snapshot)).content.decode()
    made = rankings.bulletin_render(job=rankings.bulletin_request(access=access_of("wuyi-reviewer"), snapshot=snapshot))
    download = ranking_url("bulletin-download", snapshot, bulletin=made.pk)
    for reader in READERS:
        client.force_login(user(reader))
        before = bulletin_footprint(snapshot)
        assert download in client.get(ranking_page(snapshot)).content.decode()
        response = client.get(download)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
        assert bulletin_footprint(snapshot) == before


def test_a_bulletin_of_another_program_is_refused_at_the_service(snapshot):
    yongkang = Program.objects.get(slug="yongkang-2024")
    access = program_access(user=user("reviewer"), slug=yongkang.slug)  # the reviewer of several programs
    before = bulletin_footprint(snapshot)
    with pytest.raises(NotAllowed):
        rankings.bulletin_request(access=access, snapshot=snapshot)
    assert bulletin_footprint(snapshot) == before
