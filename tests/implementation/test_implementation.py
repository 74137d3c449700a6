"""Implementation through the services: a later update replaces an unanswered one, completion needs every
milestone confirmed and no update left unanswered, and ends with one rating."""

import pytest

from filings.models import Application
from implementation import services
from implementation.models import PostStatus
from portal.core.errors import Conflict, PortalError
from tests.support.people import access_in

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"


access_of = access_in(SLUG)


@pytest.fixture
def project():
    return Application.objects.get(program__slug=SLUG, title="炊具车间轻量化数字化改造")


def post(project, milestone, percent, **extra):
    return services.progress_post(
        access=access_of("wuyi-provider"),
        application=project,
        milestone=milestone,
        percent=percent,
        text=f"{milestone.name} {percent}%",
        **extra,
    )


def confirm(item):
    return services.progress_respond(access=access_of("wuyi-enterprise2"), post=item, confirm=True)


def test_a_later_update_replaces_the_unanswered_one(project):
    second = project.milestones.get(number=2)
    waiting = project.progress_posts.get(milestone=second, status=PostStatus.PENDING)
    newer = post(project, second, 60)
    waiting.refresh_from_db()
    assert waiting.status == PostStatus.SUPERSEDED and newer.status == PostStatus.PENDING
    with pytest.raises(Conflict):
        confirm(waiting)
    confirm(newer)
    second.refresh_from_db()
    assert second.percent == 60
    with pytest.raises(PortalError):
        post(project, second, 50)  # below what the enterprise has confirmed


def test_completion_needs_every_milestone_confirmed_and_ends_with_one_rating(project):
    milestones = list(project.milestones.order_by("number"))
    last = milestones[-1]
    with pytest.raises(PortalError):
        post(project, last, 100, claims_completion=True)  # milestones 2 and 3 are not confirmed
    for milestone in milestones[1:-1]:
        confirm(post(project, milestone, 100))
    claim = post(project, last, 100, claims_completion=True)
    with pytest.raises(Conflict):
        post(project, milestones[1], 100)  # nothing new while the completion waits for its answer
    with pytest.raises(Conflict):
        services.rating_give(access=access_of("wuyi-enterprise2"), application=project, score=5)
    confirm(claim)
    project.refresh_from_db()
    assert project.completed_at is not None and not project.is_overdue
    rating = services.rating_give(access=access_of("wuyi-enterprise2"), application=project, score=4, comment=None)
    assert rating.score == 4
    with pytest.raises(Conflict):
        services.rating_give(access=access_of("wuyi-enterprise2"), application=project, score=5)
    with pytest.raises(Conflict):
        post(project, last, 100)
