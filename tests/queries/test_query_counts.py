"""Every list page and list endpoint costs the same number of queries for 1 row as for 50 rows."""

import pytest
from django.utils import timezone

from filings.models import Application, ApplicationLine
from portal.core.roles import Role
from tests.factories import (
    CalendarDayFactory,
    EnterpriseProfileFactory,
    IndustryFactory,
    PoolMembershipFactory,
    ProgramFactory,
    ScenarioModuleFactory,
    UserFactory,
    user_with_role,
)
from tests.support.pages import page_queries as count_queries

pytestmark = pytest.mark.django_db


def add_rows(kind, program, count):
    for _ in range(count):
        if kind == "enterprises":
            EnterpriseProfileFactory(program=program, industry=program.industries.first())
        elif kind == "providers":
            membership = PoolMembershipFactory(program=program)
            membership.industries.set(program.industries.all()[:2])
        elif kind == "industries":
            IndustryFactory(program=program)
        elif kind == "scenarios":
            module = ScenarioModuleFactory(program=program)
            module.industries.set(program.industries.all()[:2])
        elif kind == "members":
            user_with_role(program, Role.EXPERT)
        elif kind == "calendar":
            CalendarDayFactory(program=program)
        elif kind == "filings":
            profile = EnterpriseProfileFactory(program=program, industry=program.industries.first())
            application = Application.objects.create(
                program=program,
                enterprise=profile,
                track="lightweight",
                title="项目",
                status="submitted",
                submitted_at=timezone.now(),
                created_by=UserFactory(),
            )
            ApplicationLine.objects.create(application=application, part="N", category="software", amount=1000)
        else:
            raise AssertionError(kind)


# (what is listed, URL under the program, pinned query count). The count includes the session, user,
# role lookup and the program switcher of the page shell.
CASES = [
    ("enterprises", "/p/{slug}/enterprises/", 9),  # + the program's pilot credit codes for the badge
    ("providers", "/p/{slug}/providers/", 9),
    ("industries", "/p/{slug}/industries/", 7),
    ("scenarios", "/p/{slug}/scenarios/", 9),
    ("members", "/p/{slug}/members/", 7),
    ("calendar", "/p/{slug}/calendar/", 7),
    ("filings", "/p/{slug}/filings/", 7),  # keys, then rows (portal.core.paging); cold: test_queue_cache.py
    ("filings", "/api/v1/programs/{slug}/applications/", 7),
    ("industries", "/api/v1/programs/{slug}/industries/", 6),
    ("scenarios", "/api/v1/programs/{slug}/scenario-modules/", 7),
    ("enterprises", "/api/v1/programs/{slug}/organisations/", 6),
    ("providers", "/api/v1/programs/{slug}/organisations/", 6),
]


@pytest.mark.parametrize(("kind", "url", "pinned"), CASES)
def test_query_count_does_not_grow_with_rows(client, kind, url, pinned):
    program = ProgramFactory()
    IndustryFactory.create_batch(2, program=program)
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    client.force_login(admin)
    url = url.format(slug=program.slug)

    add_rows(kind, program, 1)
    count_queries(client, url)  # warm caches (content types, session) that every later request finds full
    one, _ = count_queries(client, url)
    add_rows(kind, program, 49)
    fifty, queries = count_queries(client, url)
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert one == fifty, f"{url}: {one} queries for 1 row, {fifty} for 50\n{sql}"
    assert fifty == pinned, f"{url}: {fifty} queries, pinned at {pinned}\n{sql}"


def test_program_list_endpoint_is_constant_in_programs(client):
    user = UserFactory()
    client.force_login(user)
    counts = []
    for size in (1, 50):
        while user.role_assignments.count() < size:
            user_with_role(ProgramFactory(), Role.AUDITOR)
            from programs.services import role_grant

            role_grant(program=ProgramFactory(), user=user, role=Role.AUDITOR)
        count_queries(client, "/api/v1/programs/")
        counts.append(count_queries(client, "/api/v1/programs/")[0])
    assert counts[0] == counts[1] == 4
