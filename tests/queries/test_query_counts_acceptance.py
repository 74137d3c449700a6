"""The acceptance lists cost the same number of queries for 1 row as for 50: the reviews page and endpoint,
and the public announcement page and endpoint (with each project's proposed subsidy)."""

from datetime import date

import pytest
from django.utils import timezone

from acceptance.models import AcceptanceReview, FinancialAudit
from filings.models import Application, ApplicationLine
from programs.models import Program
from tests.factories import EnterpriseProfileFactory, PoolMembershipFactory, user_with_role
from tests.support.pages import page_queries as count

pytestmark = pytest.mark.django_db


def add(program, reviewer, count):
    template = program.sheet_templates.get(code="acceptance")
    industry = program.industries.get(code="kitchenware")
    provider = PoolMembershipFactory(program=program)
    for _ in range(count):
        application = Application.objects.create(
            program=program,
            enterprise=EnterpriseProfileFactory(program=program, industry=industry),
            provider=provider,
            track="lightweight",
            title="项目",
            status="approved",
            submitted_at=timezone.now(),
            created_by=reviewer,
        )
        ApplicationLine.objects.create(application=application, part="N", category="software", amount=200000)
        review = AcceptanceReview.objects.create(
            application=application,
            status="announcing",
            template=template,
            deliverables="交付",
            requested_by=reviewer,
            score=80,
            decided_at=timezone.now(),
            announcement_starts_on=date(2026, 12, 1),
            announcement_ends_on=date(2026, 12, 9),
        )
        FinancialAudit.objects.create(review=review, auditor=reviewer, conclusion="相符", n_software=200000)


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        ("/p/wuyi-2024/acceptance/", 7),
        ("/p/wuyi-2024/announcement/", 16),
        ("/api/v1/programs/wuyi-2024/acceptance-reviews/", 6),
        ("/api/v1/programs/wuyi-2024/announcement/", 14),
    ],
)
def test_query_count_does_not_grow_with_rows(client, url, pinned):
    program = Program.objects.get(slug="wuyi-2024")
    AcceptanceReview.objects.filter(application__program=program).update(status="failed")
    reviewer = user_with_role(program, "bureau_reviewer", username="counting-reviewer")
    client.force_login(reviewer)
    add(program, reviewer, 1)
    count(client, url)
    one, _ = count(client, url)
    add(program, reviewer, 49)
    fifty, queries = count(client, url)
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert one == fifty, f"{url}: {one} queries for 1 row, {fifty} for 50\n{sql[:6000]}"
    assert fifty == pinned, f"{url}: {fifty} queries, pinned at {pinned}"
