"""The queue's cached reads (its count, its reference data) and the cached program menu stay exact: every change to
what they were read from shows on the next request; with the cache down the pages still load."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from filings.models import Application, ApplicationLine, Status
from filings.services import application_transition
from portal.core import versions
from portal.core.roles import Role
from programs.access import program_access
from programs.models import RoleAssignment
from programs.services import role_revoke
from tests.factories import (
    EnterpriseProfileFactory,
    IndustryFactory,
    PoolMembershipFactory,
    ProgramFactory,
    RegionFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def file(program, industry, *, provider=None, name=None):
    profile = EnterpriseProfileFactory(program=program, industry=industry)
    if name:
        profile.organisation.name = name
        profile.organisation.save()
    application = Application.objects.create(
        program=program,
        enterprise=profile,
        provider=provider,
        track="lightweight",
        title="项目",
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=UserFactory(),
    )
    ApplicationLine.objects.create(application=application, part="N", category="software", amount=1000)
    return application


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count, response.content.decode()


@pytest.fixture
def queue(client):
    program = ProgramFactory()
    doors, cups = IndustryFactory(program=program, code="doors"), IndustryFactory(program=program, code="cups")
    reviewer = user_with_role(program, Role.BUREAU_REVIEWER)
    client.force_login(reviewer)
    for _ in range(3):
        file(program, doors)
    return program, doors, cups, reviewer, f"/p/{program.slug}/filings/"


def test_the_count_follows_filings_statuses_names_and_industries(client, queue):
    program, doors, cups, reviewer, url = queue
    assert listed(client, url)[0] == listed(client, url)[0] == 3  # the second one from the cache

    first = file(program, doors, name="甲乙丙智能门业有限公司")
    assert listed(client, url)[0] == 4

    access = program_access(user=reviewer, slug=program.slug)
    application_transition(access=access, application=first, action="return", comment="请补充报价单")
    assert listed(client, f"{url}?status=returned")[0] == 1
    assert listed(client, f"{url}?status=submitted")[0] == 3

    assert listed(client, f"{url}?search=甲乙丙")[0] == 1
    organisation = first.enterprise.organisation
    organisation.name = "丁戊己智能门业有限公司"
    organisation.save()
    assert listed(client, f"{url}?search=甲乙丙")[0] == 0
    assert listed(client, f"{url}?search=丁戊己")[0] == 1

    assert listed(client, f"{url}?industry=cups")[0] == 0
    profile = first.enterprise
    profile.industry = cups
    profile.save()
    assert listed(client, f"{url}?industry=cups")[0] == 1
    assert listed(client, f"{url}?industry=doors")[0] == 3


def test_the_reference_data_follows_new_industries_and_renamed_providers(client, queue):
    program, doors, _cups, _reviewer, url = queue
    membership = PoolMembershipFactory(program=program)
    file(program, doors, provider=membership)
    page = listed(client, url)[1]
    assert membership.organisation.name in page
    IndustryFactory(program=program, code="tea", name="茶叶加工")
    membership.organisation.name = "改名后的数字化服务有限公司"
    membership.organisation.save()
    page = listed(client, url)[1]
    assert '<option value="tea">茶叶加工</option>' in page
    assert page.count("改名后的数字化服务有限公司") == 2  # the provider filter and the filing's row


def switcher(client, url):
    page = client.get(url).content.decode()
    return re.search(r'<ul class="switcher-list">(.*?)</ul>', page, re.S).group(1)


def test_the_program_menu_follows_role_grants_and_revocations(client):
    home, other = ProgramFactory(short_name="本项目"), ProgramFactory(short_name="别的项目")
    admin = user_with_role(other, Role.BUREAU_ADMIN)
    user = user_with_role(home, Role.AUDITOR)
    client.force_login(user)
    url = f"/p/{home.slug}/"
    assert "别的项目" not in switcher(client, url)
    from programs.services import role_grant

    role_grant(program=other, user=user, role=Role.AUDITOR)
    assert "别的项目" in switcher(client, url)
    assignment = RoleAssignment.objects.get(program=other, user=user, revoked_at__isnull=True)
    role_revoke(access=program_access(user=admin, slug=other.slug), assignment=assignment, reason="调岗")
    assert "别的项目" not in switcher(client, url)
    assert client.get(f"/p/{other.slug}/").status_code == 404


def test_a_write_renews_the_version_again_when_its_transaction_commits(django_capture_on_commit_callbacks):
    program = ProgramFactory()
    computed = []

    def read():
        return versions.cached(program.pk, "test", (), lambda: computed.append(1) or len(computed))

    with django_capture_on_commit_callbacks(execute=True):
        IndustryFactory(program=program)
        # A reader between the write and the commit caches under the version the write set...
        assert read() == 1
        assert read() == 1
    # ...which the commit replaces, so the value read before the commit is not served after it.
    assert read() == 2


def test_cached_values_are_kept_per_program(client, queue):
    program, doors, _cups, _reviewer, url = queue
    elsewhere = file(ProgramFactory(), IndustryFactory())
    listed(client, url)
    elsewhere.pk = None  # another program's new filing (of an existing enterprise) leaves this count cached
    elsewhere.save()
    with CaptureQueriesContext(connection) as queries:
        assert listed(client, url)[0] == 3
    assert not [q for q in queries.captured_queries if 'COUNT(*) AS "__count" FROM "filings_application"' in q["sql"]]


@pytest.mark.parametrize("rows", [1, 50])
def test_a_cold_queue_costs_the_same_queries_for_1_and_50_rows(client, rows):
    """After a change, the first request reads the count and the reference data again: a fixed number of queries
    more than a warm one (7, tests/queries/test_query_counts.py), whatever the number of rows."""
    program = ProgramFactory()
    industry = IndustryFactory(program=program)
    client.force_login(user_with_role(program, Role.BUREAU_REVIEWER))
    for _ in range(rows):
        file(program, industry)
    url = f"/p/{program.slug}/filings/"
    client.get(url)
    versions.bump(program.pk)
    with CaptureQueriesContext(connection) as queries:
        assert listed(client, url)[0] == rows
    assert len(queries) == 7 + 6, "\n".join(q["sql"] for q in queries.captured_queries)


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
)
def test_the_queue_and_the_menu_load_with_the_cache_down(client, queue):
    program, doors, _cups, _reviewer, url = queue
    with pytest.raises(Exception):  # noqa: B017, PT011 — nothing listens there
        cache.get("anything")
    assert listed(client, url)[0] == 3
    file(program, doors)
    count, page = listed(client, url)
    assert count == 4
    assert program.display_short_name in switcher(client, url)


def test_rows_name_townships_outside_the_program_and_follow_the_language(client, queue):
    program, doors, _cups, _reviewer, url = queue
    doors.name_en = "Doors and windows"
    doors.save()
    elsewhere = RegionFactory(level="township", name="外县某镇", parent=RegionFactory())
    application = file(program, doors)
    application.enterprise.township = elsewhere
    application.enterprise.save()
    rows = client.get(url).context["page"].object_list
    assert [row.township for row in rows if row.pk == application.pk] == ["外县某镇"]
    assert {row.industry for row in rows} == {doors.name}
    client.cookies["django_language"] = "en"
    english = client.get(url).context["page"].object_list
    assert {row.industry for row in english} == {"Doors and windows"}
