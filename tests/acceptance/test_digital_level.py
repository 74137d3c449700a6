"""The digital level on worked cases: each score floor just below and at, and too few scenes."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from acceptance.digital_level import Standard, digital_level
from acceptance.services import assessment_record
from filings.models import Application
from portal.core.errors import NotAllowed, PortalError
from programs.access import program_access
from programs.models import Program
from tests.factories import EnterpriseProfileFactory

D = Decimal
STANDARDS = [Standard(1, D("20"), 2), Standard(2, D("40"), 4), Standard(3, D("60"), 6), Standard(4, D("80"), 8)]


def scenes(**at_least):
    """Sixteen scene levels: `n4=8` puts 8 scenes at level 4, the rest at level 1."""
    levels = []
    for level in (4, 3, 2):
        levels += [level] * at_least.get(f"n{level}", 0)
    return levels + [1] * (16 - len(levels))


@pytest.mark.parametrize(
    ("score", "levels", "expected"),
    [
        ("19.99", scenes(n4=16), 0),
        ("20.00", scenes(n4=16), 1),
        ("39.99", scenes(n4=16), 1),
        ("40.00", scenes(n4=16), 2),
        ("59.99", scenes(n4=16), 2),
        ("60.00", scenes(n4=16), 3),
        ("79.99", scenes(n4=16), 3),
        ("80.00", scenes(n4=16), 4),
        # The floor is met but not the scenes: 80 points with 7 scenes at level 4 (8 needed) is level 3.
        ("80.00", scenes(n4=7), 3),
        ("95.00", scenes(n3=5), 2),  # 5 scenes at 3+ (6 needed), 5 at 2+ (4 needed)
        ("95.00", scenes(n2=3), 1),  # 3 at 2+ (4 needed); every scene is at 1+ (2 needed)
    ],
)
def test_level_needs_both_the_floor_and_the_scenes(score, levels, expected):
    assert digital_level(score=D(score), scene_levels=levels, standards=STANDARDS).level == expected


def test_the_reason_names_what_was_met_and_what_was_not():
    result = digital_level(score=D("80.00"), scene_levels=scenes(n4=7), standards=STANDARDS)
    assert "7" in result.reason and "8" in result.reason and "80.00" in result.reason
    below = digital_level(score=D("10"), scene_levels=scenes(), standards=STANDARDS)
    assert below.level == 0 and "<" in below.reason


@pytest.mark.django_db
def test_an_assessment_is_recorded_with_its_level_and_replaces_the_earlier_one():
    profile = EnterpriseProfileFactory(program=Program.objects.get(slug="jinhua-pilot"))
    application = Application.objects.create(
        program=profile.program,
        enterprise=profile,
        track="pilot",
        title="磁材车间数字化",
        status="approved",
        created_by=get_user_model().objects.get(username="jinhua-reviewer"),
    )
    reviewer = program_access(user=get_user_model().objects.get(username="jinhua-reviewer"), slug="jinhua-pilot")
    facts = {"assessed_on": date(2025, 6, 1), "management": D("20"), "results": D("12")}
    first = assessment_record(
        access=reviewer, application=application, phase="after", basics=D("30"), scene_levels=scenes(n2=5), **facts
    )
    assert (first.score, first.level) == (D("62"), 2)  # 62 ≥ 60 but 0 scenes at 3+
    second = assessment_record(
        access=reviewer, application=application, phase="after", basics=D("30"), scene_levels=scenes(n3=6), **facts
    )
    first.refresh_from_db()
    assert second.level == 3 and not first.is_active and second.is_active
    with pytest.raises(PortalError):
        assessment_record(
            access=reviewer, application=application, phase="after", basics=D("30"), scene_levels=[5] * 16, **facts
        )
    enterprise = program_access(user=get_user_model().objects.get(username="jinhua-enterprise"), slug="jinhua-pilot")
    with pytest.raises(NotAllowed):
        assessment_record(
            access=enterprise, application=application, phase="before", basics=D("1"), scene_levels=scenes(), **facts
        )
