"""The provider-side lists cost the same number of queries for 1 row as for 50: rounds, a round's applicants
and completeness grid, complaints, and a project's progress updates."""

from datetime import date

import pytest
from django.utils import timezone

from filings.models import Application
from implementation.models import Complaint, Milestone, ProgressPost
from portal.core.roles import Role
from providers.models import CommitteeSeat, CommitteeSheet, RoundApplication, SelectionRound
from scoring.models import SheetItem, SheetSection, SheetTemplate
from tests.factories import (
    EnterpriseProfileFactory,
    IndustryFactory,
    PoolMembershipFactory,
    ProgramFactory,
    UserFactory,
    user_with_role,
)
from tests.support.pages import page_queries as count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    program = ProgramFactory()
    industry = IndustryFactory(program=program)
    admin = user_with_role(program, Role.BUREAU_REVIEWER)
    template = SheetTemplate.objects.create(program=program, code="sheet", purpose="selection", name="评分表")
    section = SheetSection.objects.create(template=template, number=1, name="能力")
    SheetItem.objects.create(section=section, number=1, name="能力", max_points=100)
    selection_round = SelectionRound.objects.create(
        program=program,
        title="遴选",
        opens_on=date(2024, 1, 1),
        closes_on=date(2024, 2, 1),
        template=template,
        status="scoring",
        created_by=admin,
    )
    selection_round.industries.set([industry])
    member = user_with_role(program, Role.COMMITTEE_MEMBER)
    CommitteeSeat.objects.create(round=selection_round, member=member)
    provider = PoolMembershipFactory(program=program)
    application = Application.objects.create(
        program=program,
        enterprise=EnterpriseProfileFactory(program=program, industry=industry),
        provider=provider,
        track="lightweight",
        title="项目",
        status="approved",
        submitted_at=timezone.now(),
        implementation_deadline=date(2030, 1, 1),
        created_by=admin,
    )
    milestone = Milestone.objects.create(application=application, number=1, name="部署", due_on=date(2030, 1, 1))
    return {
        "program": program,
        "industry": industry,
        "admin": admin,
        "template": template,
        "round": selection_round,
        "member": member,
        "application": application,
        "milestone": milestone,
    }


def add(kind, world, count):
    for _ in range(count):
        if kind == "rounds":
            extra = SelectionRound.objects.create(
                program=world["program"],
                title="遴选",
                opens_on=date(2024, 1, 1),
                closes_on=date(2024, 2, 1),
                template=world["template"],
                created_by=world["admin"],
            )
            extra.industries.set([world["industry"]])
        elif kind == "applicants":
            entry = RoundApplication.objects.create(
                round=world["round"],
                membership=PoolMembershipFactory(program=world["program"]),
                team="t",
                solution="s",
                local_support_staff=1,
                applied_at=timezone.now(),
            )
            entry.industries.set([world["industry"]])
            CommitteeSheet.objects.create(
                round=world["round"], application=entry, member=world["member"], status="submitted", total=80
            )
        elif kind == "complaints":
            Complaint.objects.create(application=world["application"], text="投诉", filed_by=UserFactory())
        elif kind == "posts":
            ProgressPost.objects.create(
                application=world["application"],
                milestone=world["milestone"],
                percent=10,
                text="进度",
                posted_by=world["admin"],
            )
        else:
            raise AssertionError(kind)


CASES = [
    ("rounds", "/p/{slug}/rounds/", 7),
    ("applicants", "/p/{slug}/rounds/{round}/", 28),
    ("complaints", "/p/{slug}/complaints/", 7),
    ("posts", "/p/{slug}/filings/{application}/progress/", 12),  # + the subcontracted parts
    ("rounds", "/api/v1/programs/{slug}/selection-rounds/", 7),
    ("applicants", "/api/v1/programs/{slug}/selection-rounds/{round}/", 19),
    ("posts", "/api/v1/programs/{slug}/applications/{application}/progress/", 9),  # + the subcontracted parts
]


@pytest.mark.parametrize(("kind", "url", "pinned"), CASES)
def test_query_count_does_not_grow_with_rows(client, world, kind, url, pinned):
    client.force_login(world["admin"])
    url = url.format(slug=world["program"].slug, round=world["round"].pk, application=world["application"].pk)
    add(kind, world, 1)
    count_queries(client, url)
    one, _ = count_queries(client, url)
    add(kind, world, 49)
    fifty, queries = count_queries(client, url)
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert one == fifty, f"{url}: {one} queries for 1 row, {fifty} for 50\n{sql}"
    assert fifty == pinned, f"{url}: {fifty} queries, pinned at {pinned}\n{sql}"
