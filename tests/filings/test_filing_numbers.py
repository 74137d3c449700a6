"""Filing numbers come from a per-program, per-year sequence taken under the program's lock: unique, and a gap
or a number given by an import never blocks an approval."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from filings.models import Application, FilingSequence, Status
from filings.services import application_provider_respond, application_transition
from portal.core.roles import Role
from tests.support.filings import new_draft
from tests.support.people import access_in, demo_user

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
access_of = access_in(SLUG)


@pytest.fixture(autouse=True)
def demo_projects_completed(db):
    """The demo enterprise's earlier project is done, so it may file again."""
    Application.objects.filter(program__slug=SLUG, status=Status.APPROVED).update(completed_at=timezone.now())


def approved_new_filing(title):
    enterprise = access_of(demo_user(Role.ENTERPRISE))
    application = new_draft(title=title)
    application_transition(access=enterprise, application=application, action="submit")
    provider = access_of(get_user_model().objects.get(username="wuyi-provider"))
    application_provider_respond(access=provider, application=application, decision="accept")
    reviewer = access_of(demo_user(Role.BUREAU_REVIEWER))
    approved = application_transition(access=reviewer, application=application, action="approve")
    # Done at once, so the enterprise may file its next project on the track.
    Application.objects.filter(pk=approved.pk).update(completed_at=timezone.now())
    return approved


def test_numbers_skip_those_already_given_and_a_gap_never_blocks_an_approval():
    prefix = f"WUYI-2024-{timezone.localdate():%Y}-"
    # Numbers of this year given before, then two more with a gap (as an import leaves them): n+1 and n+3.
    # A year whose numbers were given before its sequence was kept (as after an upgrade or an import).
    FilingSequence.objects.filter(program__slug=SLUG).delete()
    given = Application.objects.filter(program__slug=SLUG, filing_number__startswith=prefix).count()
    for offset in (1, 3):
        imported = new_draft(title=f"导入项目{offset}", attach=False)
        Application.objects.filter(pk=imported.pk).update(filing_number=f"{prefix}{given + offset:05d}")

    first = approved_new_filing("车间数据采集改造")
    second = approved_new_filing("仓储管理改造")

    # The year's sequence starts after the n + 2 numbers given, skips n + 3 (taken), then goes on.
    assert (first.filing_number, second.filing_number) == (f"{prefix}{given + 4:05d}", f"{prefix}{given + 5:05d}")
    sequence = FilingSequence.objects.get(program__slug=SLUG, year=timezone.localdate().year)
    assert sequence.last_number == given + 5
    numbers = list(
        Application.objects.filter(program__slug=SLUG).exclude(filing_number="").values_list("filing_number", flat=True)
    )
    assert len(numbers) == len(set(numbers))
