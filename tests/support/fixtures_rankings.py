"""Fixtures of rankings: Wuyi's horse race with projects accepted, ratings and a complaint."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from implementation.models import ProviderRating
from programs.models import Program
from providers.models import ProviderSelection
from subsidies.accepted import ProjectSpec, accepted_projects_create
from tests.factories import ComplaintFactory, ProviderRatingFactory
from tests.support.clock import at

D = Decimal


@pytest.fixture
def wuyi_race(db):
    """Wuyi's selected providers chosen in June 2024, with projects of their industries accepted since."""
    program = Program.objects.get(slug="wuyi-2024")
    ProviderSelection.objects.filter(membership__program=program).update(selected_on=date(2024, 6, 1))
    selections = {s.industry.code: s.membership for s in ProviderSelection.objects.filter(membership__program=program)}
    actor = get_user_model().objects.get(username="wuyi-reviewer")
    specs = [
        ProjectSpec("厨具甲", "kitchenware", at("2024-07-02"), provider=selections["kitchenware"], score=D("90")),
        ProjectSpec("厨具乙", "kitchenware", at("2024-07-03"), provider=selections["kitchenware"], score=D("80")),
        ProjectSpec("工具丙", "power-tools", at("2024-07-04"), provider=selections["power-tools"], score=D("70")),
    ]
    projects = accepted_projects_create(program, specs, actor=actor)
    enterprise = get_user_model().objects.get(username="wuyi-enterprise")
    for project, score in zip(projects, (5, 4, 2), strict=True):
        rating = ProviderRatingFactory(application=project, score=score, rated_by=enterprise)
        ProviderRating.objects.filter(pk=rating.pk).update(created_at=at("2024-07-05"))
    ComplaintFactory(
        application=projects[2], text="进度滞后", filed_by=enterprise, status="confirmed", decided_at=at("2024-07-05")
    )
    return program, selections, projects
