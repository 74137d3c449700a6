"""Pilot gates (seed 002 二(二), seed 004 四8): only designated pilots file a pilot track, pilots do not file the
promotion track, and promotion opens for an industry once one of its pilot projects passed acceptance. Pilots
are designated per batch, and the bureau publishes a batch's pilot list (公示) over the program's working days."""

from datetime import date

import pytest
from django.utils import translation

from acceptance.models import AcceptanceReview
from enterprises.models import OutputBand, PilotDesignation, PilotListPublication, TargetEnterprise
from enterprises.pilot_gates import track_pilot_refusal
from enterprises.pilots import pilot_designate, pilot_list_publish, pilot_revoke
from filings.models import Application
from policies.models import PolicyVersion, Scale, VersionStatus
from policies.selectors import policy_snapshot
from portal.core.errors import Conflict, NotAllowed, PortalError
from programs.access import program_access
from programs.models import Batch, Program
from scoring.models import SheetTemplate
from tests.factories import EnterpriseProfileFactory, valid_uscc
from tests.support.pages import client_in
from tests.support.people import access_in, user

pytestmark = pytest.mark.django_db

YONGKANG = "yongkang-2024"
JINHUA = "jinhua-pilot"


client = client_in("en")


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


# Designation per batch and the publication of a batch's pilot list (seed 004 四8) ------------------------------

PILOTS_API = "/api/v1/programs/{slug}/pilots/"
PUBLICATIONS_API = "/api/v1/programs/{slug}/pilots/publications/"
ANNOUNCEMENT = "/p/{slug}/pilots/announcement/"


def candidate(slug, name, industry="power-tools", band=None):
    """A target enterprise of the program's list; with `band`, also registered with that output band."""
    program = Program.objects.get(slug=slug)
    industry = program.industries.get(code=industry)
    target = TargetEnterprise.objects.create(
        program=program, uscc=valid_uscc(), name=name, township=program.region, industry=industry, scale=Scale.ABOVE
    )
    if band:
        EnterpriseProfileFactory(
            program=program,
            industry=industry,
            organisation__uscc=target.uscc,
            organisation__name=name,
            output_band=band,
        )
    return target


def batch_of(slug, number):
    return Batch.objects.get(program__slug=slug, number=number)


access_of = access_in(JINHUA)


def test_a_pilot_is_designated_in_a_batch_with_the_output_band_of_its_profile(client):
    client.force_login(user("jinhua-reviewer"))
    first, second = batch_of(JINHUA, 1), batch_of(JINHUA, 2)
    banded = candidate(JINHUA, "金华一档企业", band=OutputBand.FROM_100M_TO_200M)
    plain = candidate(JINHUA, "金华无画像企业")
    response = client.post(
        PILOTS_API.format(slug=JINHUA),
        {"target": banded.pk, "reason": "按产值分档", "batch": first.pk},
        "application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["batch"], body["batch_name"], body["output_band"]) == (first.pk, first.name, "100m-200m")
    response = client.post(
        PILOTS_API.format(slug=JINHUA),
        {"target": plain.pk, "reason": "第二批", "batch": second.pk, "output_band": "gte200m"},
        "application/json",
    )
    assert response.status_code == 201 and response.json()["output_band"] == "gte200m"
    # Filtered by batch.
    listed = client.get(PILOTS_API.format(slug=JINHUA), {"batch": first.pk}).json()
    assert [row["name"] for row in listed] == ["金华一档企业"]
    assert {row["name"] for row in client.get(PILOTS_API.format(slug=JINHUA)).json()} >= {
        "金华一档企业",
        "金华无画像企业",
    }
    assert client.get(PILOTS_API.format(slug=JINHUA), {"batch": "x"}).status_code == 400


def test_another_programs_batch_and_an_unknown_band_are_refused(client):
    target = candidate(JINHUA, "金华批次校验")
    wuyi_batch = batch_of("wuyi-2024", 1)
    with pytest.raises(PortalError) as refused:
        pilot_designate(access=access_of("jinhua-reviewer"), target=target, reason="理由", batch=wuyi_batch)
    assert refused.value.fields.keys() == {"batch"}
    with pytest.raises(PortalError) as refused:
        pilot_designate(access=access_of("jinhua-reviewer"), target=target, reason="理由", output_band="huge")
    assert refused.value.fields.keys() == {"output_band"}
    client.force_login(user("jinhua-reviewer"))
    response = client.post(
        PILOTS_API.format(slug=JINHUA),
        {"target": target.pk, "reason": "理由", "batch": wuyi_batch.pk},
        "application/json",
    )
    assert response.status_code == 400 and "batch" in response.json()["error"]["fields"]
    assert not PilotDesignation.objects.filter(target=target).exists()


def test_the_page_shows_the_band_beside_each_candidate_and_designates_in_the_chosen_batch(client):
    client.force_login(user("jinhua-reviewer"))
    target = candidate(JINHUA, "页面分档企业", band=OutputBand.OVER_200M)
    batch = batch_of(JINHUA, 2)
    page = client.get(f"/p/{JINHUA}/pilots/").content.decode()
    assert f'<option value="{target.pk}">页面分档企业 · ' in page
    option = page.split(f'<option value="{target.pk}">', 1)[1].split("</option>", 1)[0]
    assert "200 million yuan or more" in option
    assert f'<option value="{batch.pk}">{batch.name}</option>' in page
    response = client.post(
        f"/p/{JINHUA}/pilots/designate/", {"target": target.pk, "reason": "页面批次", "batch": batch.pk}, follow=True
    )
    assert response.status_code == 200
    pilot = PilotDesignation.objects.get(target=target, is_active=True)
    assert (pilot.batch, pilot.output_band) == (batch, "gte200m")
    filtered = client.get(f"/p/{JINHUA}/pilots/", {"batch": batch_of(JINHUA, 1).pk}).content.decode()
    assert "页面批次" not in filtered
    assert "页面批次" in client.get(f"/p/{JINHUA}/pilots/", {"batch": batch.pk}).content.decode()


def designated(slug, batch, names, actor="jinhua-reviewer"):
    access = access_of(actor, slug)
    return [
        pilot_designate(
            access=access, target=candidate(slug, name, band=OutputBand.UNDER_100M), reason="公示", batch=batch
        )
        for name in names
    ]


def test_publishing_counts_the_announcement_in_working_days_over_the_national_day_holiday():
    program = Program.objects.get(slug=JINHUA)
    batch = batch_of(JINHUA, 1)
    pilots = designated(JINHUA, batch, ["公示甲", "公示乙"])
    designated(JINHUA, batch_of(JINHUA, 2), ["另一批丙"])
    assert program.announcement_working_days == 7
    # Monday 30 September 2024; 1–7 October are holidays and Saturday 12 October a make-up working day:
    # 30 Sep, 8, 9, 10, 11, 12 and 14 October are the seven working days.
    publication = pilot_list_publish(access=access_of("jinhua-admin"), batch=batch, starts_on=date(2024, 9, 30))
    assert (publication.starts_on, publication.ends_on) == (date(2024, 9, 30), date(2024, 10, 14))
    assert set(publication.designations.all()) == set(pilots)
    assert publication.published_by.username == "jinhua-admin"
    assert publication.history.get().history_user.username == "jinhua-admin"


def test_only_a_bureau_admin_publishes_and_not_an_empty_batch_nor_the_same_list_twice():
    batch = batch_of(JINHUA, 1)
    with pytest.raises(PortalError) as refused:
        pilot_list_publish(access=access_of("jinhua-admin"), batch=batch, starts_on=date(2024, 9, 30))
    assert "batch" in refused.value.fields  # no pilot in the batch yet
    first = designated(JINHUA, batch, ["重发甲"])[0]
    with pytest.raises(NotAllowed):
        pilot_list_publish(access=access_of("jinhua-reviewer"), batch=batch, starts_on=date(2024, 9, 30))
    with pytest.raises(PortalError) as refused:
        pilot_list_publish(access=access_of("jinhua-admin"), batch=batch, starts_on=None)
    assert "starts_on" in refused.value.fields
    with pytest.raises(PortalError):
        pilot_list_publish(
            access=access_of("jinhua-admin"), batch=batch_of("wuyi-2024", 1), starts_on=date(2024, 9, 30)
        )
    old = pilot_list_publish(access=access_of("jinhua-admin"), batch=batch, starts_on=date(2024, 9, 30))
    with pytest.raises(Conflict):
        pilot_list_publish(access=access_of("jinhua-admin"), batch=batch, starts_on=date(2024, 10, 8))
    # A pilot added to the batch: publishing again supersedes the first publication, kept with its history.
    second = designated(JINHUA, batch, ["重发乙"])[0]
    new = pilot_list_publish(access=access_of("jinhua-admin"), batch=batch, starts_on=date(2024, 10, 8))
    old.refresh_from_db()
    assert not old.is_active and new.is_active
    assert set(new.designations.all()) == {first, second} and set(old.designations.all()) == {first}
    assert old.history.count() == 2
    assert PilotListPublication.objects.filter(batch=batch).count() == 2


def test_the_publications_api_lists_and_publishes_for_the_bureau_admin_only(client):
    batch = batch_of(JINHUA, 1)
    pilots = designated(JINHUA, batch, ["接口公示甲"])
    url = PUBLICATIONS_API.format(slug=JINHUA)
    client.force_login(user("jinhua-reviewer"))
    assert client.post(url, {"batch": batch.pk, "starts_on": "2024-09-30"}, "application/json").status_code == 403
    client.force_login(user("jinhua-admin"))
    response = client.post(url, {"batch": batch.pk, "starts_on": "2024-09-30"}, "application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["starts_on"], body["ends_on"], body["pilots"]) == ("2024-09-30", "2024-10-14", [pilots[0].pk])
    assert client.post(url, {"batch": batch.pk, "starts_on": "2024-10-08"}, "application/json").status_code == 409
    bad = client.post(url, {"batch": batch_of("wuyi-2024", 1).pk, "starts_on": "2024-10-08"}, "application/json")
    assert bad.status_code == 400 and "batch" in bad.json()["error"]["fields"]
    client.force_login(user("jinhua-auditor"))
    assert [row["id"] for row in client.get(url).json()] == [body["id"]]
    client.force_login(user("jinhua-enterprise"))
    assert client.get(url).status_code == 403
    client.force_login(user("wuyi-admin"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"batch": batch.pk, "starts_on": "2024-10-08"}, "application/json").status_code == 404


def test_the_page_publishes_and_the_announcement_lists_the_batchs_pilots(client):
    batch = batch_of(JINHUA, 1)
    designated(JINHUA, batch, ["公告页甲"])
    pilot_designate(
        access=access_of("jinhua-reviewer"),
        target=candidate(JINHUA, "公告页乙", industry="garments", band=OutputBand.OVER_200M),
        reason="公示",
        batch=batch,
    )
    designated(JINHUA, batch_of(JINHUA, 2), ["未公示丙"])
    client.force_login(user("jinhua-admin"))
    response = client.post(f"/p/{JINHUA}/pilots/publish/", {"batch": batch.pk, "starts_on": "2024-09-30"}, follow=True)
    assert response.status_code == 200 and "2024-10-14" in response.content.decode()
    client.force_login(user("jinhua-enterprise"))
    page = client.get(ANNOUNCEMENT.format(slug=JINHUA))
    assert page.status_code == 200
    html = page.content.decode()
    assert "公告页甲" in html and "公告页乙" in html and "未公示丙" not in html
    assert batch.name in html and "2024-09-30 – 2024-10-14" in html
    assert "Under 100 million yuan" in html and "200 million yuan or more" in html
    # Revoked after the publication: no longer on the announcement.
    pilot = PilotDesignation.objects.get(target__name="公告页甲", is_active=True)
    pilot_revoke(access=access_of("jinhua-admin"), pilot=pilot, reason="撤销")
    assert "公告页甲" not in client.get(ANNOUNCEMENT.format(slug=JINHUA)).content.decode()


def test_a_reviewer_may_not_publish_on_the_page(client):
    batch = batch_of(JINHUA, 1)
    designated(JINHUA, batch, ["页面审核"])
    client.force_login(user("jinhua-reviewer"))
    assert "pilot-publish" not in client.get(f"/p/{JINHUA}/pilots/").content.decode()
    response = client.post(f"/p/{JINHUA}/pilots/publish/", {"batch": batch.pk, "starts_on": "2024-09-30"})
    assert response.status_code == 403
    assert not PilotListPublication.objects.filter(batch=batch).exists()


def test_the_announcement_of_a_private_program_is_for_its_members_only(client):
    batch = batch_of(JINHUA, 1)
    designated(JINHUA, batch, ["金华私密试点"])
    pilot_list_publish(access=access_of("jinhua-admin"), batch=batch, starts_on=date(2024, 9, 30))
    assert not Program.objects.get(slug=JINHUA).is_public
    url = ANNOUNCEMENT.format(slug=JINHUA)
    client.force_login(user("wuyi-admin"))
    response = client.get(url)
    assert response.status_code == 404 and "金华私密试点" not in response.content.decode()
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_announcement_of_a_public_program_is_public(client):
    batch = batch_of(YONGKANG, 1)
    designated(YONGKANG, batch, ["永康公开试点"], actor="yongkang-reviewer")
    pilot_list_publish(access=access_of("yongkang-admin", YONGKANG), batch=batch, starts_on=date(2024, 9, 30))
    url = ANNOUNCEMENT.format(slug=YONGKANG)
    client.logout()
    assert "永康公开试点" in client.get(url).content.decode()
    client.force_login(user("jinhua-admin"))
    assert "永康公开试点" in client.get(url).content.decode()
