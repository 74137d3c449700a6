"""Fixtures of acceptance on the demo's Wuyi project: the project completed, the people of a panel, the review
passed."""

import pytest
from django.contrib.auth import get_user_model

from filings.models import Application
from implementation import services as implementation
from portal.core.roles import Role
from programs.models import Program
from tests.factories import OrganisationFactory, user_with_role
from tests.support.acceptance import SLUG, access_of, passed_review
from tests.support.filings import DEMO_PROJECT


@pytest.fixture
def completed():
    """The demo's Wuyi project with every milestone confirmed and its completion confirmed."""
    project = Application.objects.get(program__slug=SLUG, title=DEMO_PROJECT)
    provider, enterprise = access_of("wuyi-provider"), access_of("wuyi-enterprise2")
    milestones = list(project.milestones.order_by("number"))
    for milestone in milestones:
        if milestone.percent < 100:
            post = implementation.progress_post(
                access=provider,
                application=project,
                milestone=milestone,
                percent=100,
                text="完成",
                claims_completion=milestone == milestones[-1],
            )
            implementation.progress_respond(access=enterprise, post=post, confirm=True)
    project.refresh_from_db()
    assert project.completed_at is not None
    return project


@pytest.fixture
def panel_people():
    program = Program.objects.get(slug=SLUG)
    institute = OrganisationFactory(name="浙江工业大学")
    experts = [get_user_model().objects.get(username="wuyi-expert")] + [
        user_with_role(program, Role.EXPERT, username=f"expert-{n}", organisation=institute) for n in range(3)
    ]
    return {"program": program, "experts": experts, "auditor": get_user_model().objects.get(username="wuyi-finaudit")}


@pytest.fixture
def passed(completed, panel_people):
    """The demo's Wuyi project accepted (`passed_review`)."""
    return passed_review(completed, panel_people)
