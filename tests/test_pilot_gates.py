"""Pilot gates (seed 002 二(二), seed 004 四8): only designated pilots file a pilot track, pilots do not file the
promotion track, and promotion opens for an industry once one of its pilot projects passed acceptance. Pilots
are designated per batch, and the bureau publishes a batch's pilot list (公示) over the program's working days."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from acceptance.models import AcceptanceReview
from enterprises.models import PilotDesignation, Scale, TargetEnterprise
from enterprises.pilot_gates import track_pilot_refusal
from enterprises.pilots import pilot_designate, pilot_revoke
from filings.models import Application
from programs.access import program_access
from programs.models import Program
from scoring.models import SheetTemplate
from subsidies.models import PolicyVersion, VersionStatus
from subsidies.selectors import policy_snapshot
from tests.factories import EnterpriseProfileFactory

pytestmark = pytest.mark.django_db

YONGKANG = "yongkang-2024"
JINHUA = "jinhua-pilot"


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def user(username):
    return get_user_model().objects.get(username=username)


def params(slug, track):
    version = PolicyVersion.objects.get(program__slug=slug, status=VersionStatus.ACTIVE)
    return policy_snapshot(version=version).tracks[track].params


def enterprise(slug, industry="power-tools", name="门控企业"):
    program = Program.objects.get(slug=slug)
    return EnterpriseProfileFactory(
        program=program, industry=program.industries.get(code=industry), organisation__name=name
    )


def make_pilot(profile, actor="yongkang-reviewer"):
    """Put the enterprise on the program's target list and designate it a pilot."""
    program = profile.program
    target = TargetEnterprise.objects.create(
        program=program,
        uscc=profile.organisation.uscc,
        name=profile.organisation.name,
        township=program.region,
        industry=profile.industry,
        scale=Scale.ABOVE,
    )
    access = program_access(user=user(actor), slug=program.slug)
    return pilot_designate(access=access, target=target, reason="中级数智工厂试点")


def pilot_project(profile, status, track="midlevel-pilot"):
    """A filing of `profile` on `track` with an acceptance review in `status`."""
    program = profile.program
    project = Application.objects.create(
        program=program,
        enterprise=profile,
        track=track,
        title=f"{profile.organisation.name}项目",
        created_by=user("yongkang-reviewer"),
        status="approved",
        filing_number=f"GATE-{profile.pk}-{track}",
    )
    return AcceptanceReview.objects.create(
        application=project,
        status=status,
        template=SheetTemplate.objects.filter(program=program, purpose="acceptance").first(),
        deliverables="交付成果",
        requested_by=user("yongkang-reviewer"),
    )


def refusal(profile, track, slug=YONGKANG):
    return track_pilot_refusal(program=profile.program, enterprise=profile, track_params=params(slug, track))


def test_the_seeded_tracks_carry_the_gates():
    assert params(YONGKANG, "midlevel-pilot")["pilots_only"] == 1
    promotion = params(YONGKANG, "midlevel-promotion")
    assert promotion["pilots_excluded"] == 1 and promotion["after_industry_pilot_accepted"] == 1
    assert params(JINHUA, "pilot")["pilots_only"] == 1
    assert "pilots_only" not in params(YONGKANG, "lightweight")


def test_a_non_pilot_is_refused_on_a_pilots_only_track_and_a_pilot_allowed():
    plain, pilot = enterprise(YONGKANG, name="非试点企业"), enterprise(YONGKANG, name="试点企业")
    make_pilot(pilot)
    with translation.override("en"):
        field, message = refusal(plain, "midlevel-pilot")
    assert field == "track"
    assert "designated pilot enterprises" in message and "not on the pilot list" in message
    assert refusal(pilot, "midlevel-pilot") is None


def test_jinhua_pilot_track_takes_only_its_pilots():
    plain, pilot = enterprise(JINHUA, name="金华非试点"), enterprise(JINHUA, name="金华试点")
    make_pilot(pilot, actor="jinhua-reviewer")
    assert refusal(plain, "pilot", slug=JINHUA)[0] == "track"
    assert refusal(pilot, "pilot", slug=JINHUA) is None


def test_a_pilot_of_another_program_does_not_count():
    wuyi_pilot = enterprise("wuyi-2024", name="武义试点")
    make_pilot(wuyi_pilot, actor="wuyi-reviewer")
    # The same organisation takes part in Yongkang too, not designated there.
    program = Program.objects.get(slug=YONGKANG)
    same = EnterpriseProfileFactory(
        program=program, organisation=wuyi_pilot.organisation, industry=program.industries.get(code="power-tools")
    )
    assert refusal(same, "midlevel-pilot")[0] == "track"


def test_a_pilot_is_refused_on_the_promotion_track():
    pilot = enterprise(YONGKANG, name="推广试点企业")
    make_pilot(pilot)
    pilot_project(pilot, "announced")  # the industry's promotion is open: the refusal is for being a pilot
    with translation.override("en"):
        field, message = refusal(pilot, "midlevel-promotion")
    assert field == "track" and "pilot enterprises may not file this track" in message


def test_promotion_opens_only_after_a_pilot_project_of_the_industry_passed_acceptance():
    pilot, other = enterprise(YONGKANG, name="试点甲"), enterprise(YONGKANG, name="推广乙")
    make_pilot(pilot)
    field, message = refusal(other, "midlevel-promotion")
    assert field == "track" and other.industry.display_name in message
    with translation.override("en"):
        assert "passed acceptance" in refusal(other, "midlevel-promotion")[1]
    review = pilot_project(pilot, "scoring")
    assert refusal(other, "midlevel-promotion") is not None  # being scored is not passed
    review.status = "failed"
    review.save()
    assert refusal(other, "midlevel-promotion") is not None
    for status in ("passed", "announcing", "on_hold", "announced"):
        review.status = status
        review.save()
        assert refusal(other, "midlevel-promotion") is None, status


def test_an_accepted_project_on_another_track_does_not_open_promotion():
    pilot, other = enterprise(YONGKANG, name="轻量试点"), enterprise(YONGKANG, name="推广丙")
    make_pilot(pilot)
    pilot_project(pilot, "announced", track="lightweight")
    assert refusal(other, "midlevel-promotion") is not None


def test_another_industrys_accepted_pilot_does_not_open_promotion():
    doors_pilot = enterprise(YONGKANG, industry="security-doors", name="防盗门试点")
    make_pilot(doors_pilot)
    pilot_project(doors_pilot, "announced")
    other = enterprise(YONGKANG, name="电动工具推广")
    assert refusal(other, "midlevel-promotion") is not None
    # Opens the promotion of security doors, had that industry one.
    doors = enterprise(YONGKANG, industry="security-doors", name="防盗门推广")
    assert refusal(doors, "midlevel-promotion") is None


def test_a_revoked_designation_no_longer_counts():
    profile = enterprise(YONGKANG, name="撤销试点企业")
    pilot = make_pilot(profile)
    assert refusal(profile, "midlevel-pilot") is None
    pilot_project(enterprise(YONGKANG, name="另一试点"), "announced")
    assert refusal(profile, "midlevel-promotion")[0] == "track"  # a pilot: excluded
    pilot_revoke(access=program_access(user=user("yongkang-admin"), slug=YONGKANG), pilot=pilot, reason="放弃")
    assert refusal(profile, "midlevel-pilot")[0] == "track"
    assert refusal(profile, "midlevel-promotion") is None
    assert PilotDesignation.objects.filter(pk=pilot.pk, is_active=False).exists()


def test_a_track_without_pilot_parameters_is_open_to_everyone_without_a_query(django_assert_num_queries):
    profile = enterprise(YONGKANG, name="轻量企业")
    lightweight = params(YONGKANG, "lightweight")
    with django_assert_num_queries(0):
        assert track_pilot_refusal(program=profile.program, enterprise=profile, track_params=lightweight) is None
    assert track_pilot_refusal(program=profile.program, enterprise=profile, track_params={"pilots_only": 0}) is None


@pytest.mark.parametrize("track", ["midlevel-pilot", "midlevel-promotion"])
def test_the_gate_costs_one_query_allowed_or_refused(django_assert_num_queries, track):
    pilot, other = enterprise(YONGKANG, name="计数试点"), enterprise(YONGKANG, name="计数其他")
    make_pilot(pilot)
    pilot_project(pilot, "passed")
    program = Program.objects.get(slug=YONGKANG)
    gate = params(YONGKANG, track)
    pilot, other = (type(pilot).objects.get(pk=p.pk) for p in (pilot, other))  # nothing related loaded
    outcomes = []
    for profile in (pilot, other):
        with django_assert_num_queries(1):
            outcomes.append(track_pilot_refusal(program=program, enterprise=profile, track_params=gate))
    expected = [None, "track"] if track == "midlevel-pilot" else ["track", None]
    assert [o and o[0] for o in outcomes] == expected
