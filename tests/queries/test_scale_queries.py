"""The reviewer's daily pages cost the same number of queries whatever the program's history: 100 or 1,000
filings (`seed_scale`), the first page or the last, 1 or 50 rows."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demo.scale import scale_build
from filings.models import Application
from programs.models import Program
from rankings import periods
from rankings.services import scheme_of, snapshot_make

pytestmark = pytest.mark.django_db

PROGRAM = "scale-001"
PAGES = {
    "queue": f"/p/{PROGRAM}/filings/",
    "queue, last page": f"/p/{PROGRAM}/filings/?page={{last}}",
    "queue, approved by enterprise": f"/p/{PROGRAM}/filings/?status=approved&sort=enterprise",
    "queue, by investment": f"/p/{PROGRAM}/filings/?sort=-total",
    "queue API": f"/api/v1/programs/{PROGRAM}/applications/",
    "queue API, last page": f"/api/v1/programs/{PROGRAM}/applications/?page={{last}}",
    "dashboard": f"/p/{PROGRAM}/",
    "horse race": f"/p/{PROGRAM}/horse-race/",
}


class Rollback(Exception):
    pass


def queries_at(client, size):
    """{page: queries} for the program's reviewer with `size` generated filings; the data is rolled back."""
    found = {}
    try:
        with transaction.atomic():
            scale_build(applications=size, programs=1, seed=9)
            program = Program.objects.get(slug=PROGRAM)
            scheme = scheme_of(program)
            ended = periods.ended_periods(scheme.period, program.starts_on, program.ends_on)
            snapshot_make(program=program, period=ended[-1], kind=scheme.kind)
            filed = Application.objects.filter(program=program, submitted_at__isnull=False).count()
            last = -(-filed // 50)
            client.force_login(get_user_model().objects.get(username=f"{PROGRAM}-reviewer"))
            for name, template in PAGES.items():
                url = template.format(last=last)
                client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                assert response.status_code == 200, (name, response.status_code)
                rows = response.json()["results"] if "/api/" in url else response.context.get("page")
                if name.startswith("queue"):
                    listed = rows if isinstance(rows, list) else rows.object_list
                    assert 0 < len(listed) <= 50, name
                if name == "queue, last page":
                    assert rows.number == last > 1
                found[name] = len(queries)
            raise Rollback
    except Rollback:
        return found


def test_the_daily_pages_cost_the_same_queries_for_100_and_1000_filings(client):
    small, large = queries_at(client, 100), queries_at(client, 1000)
    assert small == large
    assert large["queue"] == large["queue, last page"] == large["queue, by investment"]
    assert large["queue API"] == large["queue API, last page"]


@pytest.mark.parametrize("sort", ["-submitted", "status", "-total", "enterprise"])
def test_deferred_pages_hold_exactly_the_rows_of_plain_offset_pages(sort):
    """Every page, front half and back half (read backwards), lists the same filings in the same order."""
    from django.core.paginator import Paginator

    from filings.selectors import application_list
    from portal.core.paging import DeferredPaginator
    from portal.core.roles import Role
    from programs.access import ProgramAccess

    try:
        with transaction.atomic():
            scale_build(applications=140, programs=1, seed=4)
            program = Program.objects.get(slug=PROGRAM)
            reviewer = get_user_model().objects.get(username=f"{PROGRAM}-reviewer")
            access = ProgramAccess(program=program, user=reviewer, roles=frozenset({Role.BUREAU_REVIEWER}))
            rows = application_list(access=access, sort=sort)
            plain, deferred = Paginator(rows, 25), DeferredPaginator(rows, 25)
            assert deferred.num_pages == plain.num_pages >= 5
            for number in plain.page_range:
                expected = [(row.pk, row.total) for row in plain.page(number)]
                assert [(row.pk, row.total) for row in deferred.page(number)] == expected, number
            raise Rollback
    except Rollback:
        pass
