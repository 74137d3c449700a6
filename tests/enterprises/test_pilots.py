"""Pilot enterprises (试点企业, seed 000 and 004): the bureau designates them per industry within the policy's
quota, revokes them with a reason, and they are marked wherever the enterprise appears."""

import re

import pytest

from enterprises.models import PilotDesignation, TargetEnterprise
from enterprises.pilot_selectors import pilot_quota
from enterprises.pilots import pilot_designate
from policies.models import Scale
from portal.core.errors import PortalError
from programs.access import program_access
from programs.models import Program
from tests.factories import EnterpriseProfileFactory, valid_uscc
from tests.support.pages import client_in
from tests.support.pages import page_queries as count
from tests.support.people import as_user as login
from tests.support.people import user

pytestmark = pytest.mark.django_db

WUYI = "wuyi-2024"
PAGE = "/p/{slug}/pilots/"
API = "/api/v1/programs/{slug}/pilots/"


client = client_in("en")


def targets(slug, count, industry_code=None, prefix="试点候选"):
    program = Program.objects.get(slug=slug)
    industry = program.industries.get(code=industry_code) if industry_code else program.industries.first()
    return [
        TargetEnterprise.objects.create(
            program=program,
            uscc=valid_uscc(),
            name=f"{prefix}{n:02d}",
            township=program.region,
            industry=industry,
            scale=Scale.BELOW,
        )
        for n in range(count)
    ]


def designate(client, slug, target, reason="行业龙头，示范带动强"):
    return client.post(
        API.format(slug=slug),
        {"target": target.pk, "reason": reason, "reference": "武制高办〔2024〕9号", "decided_on": "2024-06-01"},
        content_type="application/json",
    )


def active(**filters):
    return PilotDesignation.objects.filter(is_active=True, **filters).count()


def test_wuyi_policy_sets_the_quota_and_yongkang_none():
    quota = pilot_quota(program=Program.objects.get(slug=WUYI))
    assert (quota.minimum, quota.maximum) == (3, 5)
    assert not pilot_quota(program=Program.objects.get(slug="yongkang-2024")).is_set


def test_five_pilots_in_an_industry_are_accepted_and_the_sixth_is_refused_naming_the_quota(client):
    login(client, "wuyi-reviewer")
    rows = targets(WUYI, 6, "kitchenware")
    for target in rows[:5]:
        response = designate(client, WUYI, target)
        assert response.status_code == 201, response.json()
        assert response.json()["uscc"] == target.uscc
    response = designate(client, WUYI, rows[5])
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "5" in message and rows[5].industry.display_name in message
    assert active(program__slug=WUYI, industry__code="kitchenware") == 5
    assert not PilotDesignation.objects.filter(target=rows[5]).exists()
    # Another industry has its own quota.
    other = targets(WUYI, 1, "hardware")[0]
    assert designate(client, WUYI, other).status_code == 201
    # Who designated, and why, is recorded with the row and in its history.
    pilot = PilotDesignation.objects.get(target=rows[0])
    assert pilot.designated_by.username == "wuyi-reviewer"
    assert pilot.reference == "武制高办〔2024〕9号" and str(pilot.decided_on) == "2024-06-01"
    assert pilot.history.get().history_user.username == "wuyi-reviewer"


def test_the_quota_is_counted_in_the_service_too():
    access = program_access(user=user("wuyi-admin"), slug=WUYI)
    rows = targets(WUYI, 6, "doors")
    for target in rows[:5]:
        pilot_designate(access=access, target=target, reason="理由")
    with pytest.raises(PortalError) as refused:
        pilot_designate(access=access, target=rows[5], reason="理由")
    assert refused.value.fields.keys() == {"target"}
    assert active(program__slug=WUYI, industry__code="doors") == 5


def test_a_designation_needs_a_reason(client):
    login(client, "wuyi-reviewer")
    target = targets(WUYI, 1)[0]
    response = designate(client, WUYI, target, reason="")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    access = program_access(user=user("wuyi-reviewer"), slug=WUYI)
    with pytest.raises(PortalError) as refused:
        pilot_designate(access=access, target=target, reason="   ")
    assert "reason" in refused.value.fields
    assert not PilotDesignation.objects.filter(target=target).exists()
    # The page refuses it too and says why.
    response = client.post(PAGE.format(slug=WUYI) + "designate/", {"target": target.pk, "reason": ""}, follow=True)
    assert response.status_code == 200
    assert "Reason" in response.content.decode()
    assert not PilotDesignation.objects.filter(target=target).exists()


def test_revoking_needs_a_reason_keeps_the_row_and_frees_a_place(client):
    login(client, "wuyi-admin")
    rows = targets(WUYI, 6, "power-tools")
    for target in rows[:5]:
        assert designate(client, WUYI, target).status_code == 201
    pilot = PilotDesignation.objects.get(target=rows[0])
    revoke = API.format(slug=WUYI) + f"{pilot.pk}/revoke/"
    response = client.post(revoke, {"reason": ""}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    pilot.refresh_from_db()
    assert pilot.is_active
    assert designate(client, WUYI, rows[5]).status_code == 400

    response = client.post(revoke, {"reason": "企业放弃改造"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    pilot.refresh_from_db()
    assert (pilot.is_active, pilot.revoked_reason, pilot.revoked_by.username) == (False, "企业放弃改造", "wuyi-admin")
    assert pilot.history.count() == 2 and pilot.history.first().history_user.username == "wuyi-admin"
    assert client.post(revoke, {"reason": "再次"}, content_type="application/json").status_code == 409
    assert designate(client, WUYI, rows[5]).status_code == 201
    assert active(program__slug=WUYI, industry__code="power-tools") == 5
    assert PilotDesignation.objects.filter(target=rows[0]).exists()  # revoked, not deleted


def test_a_target_has_one_active_designation(client):
    login(client, "wuyi-reviewer")
    target = targets(WUYI, 1)[0]
    assert designate(client, WUYI, target).status_code == 201
    response = designate(client, WUYI, target)
    assert response.status_code == 409
    assert PilotDesignation.objects.filter(target=target).count() == 1
    # Once revoked, it may be designated again.
    pilot = PilotDesignation.objects.get(target=target)
    client.post(API.format(slug=WUYI) + f"{pilot.pk}/revoke/", {"reason": "重新认定"}, content_type="application/json")
    assert designate(client, WUYI, target).status_code == 201
    assert PilotDesignation.objects.filter(target=target).count() == 2
    assert active(target=target) == 1


def test_pages_designate_and_revoke(client):
    login(client, "wuyi-reviewer")
    target = targets(WUYI, 1, "leisure", prefix="页面试点")[0]
    option = f'<option value="{target.pk}">页面试点00 · '
    page = client.get(PAGE.format(slug=WUYI)).content.decode()
    assert option in page
    response = client.post(
        PAGE.format(slug=WUYI) + "designate/", {"target": target.pk, "reason": "页面认定理由"}, follow=True
    )
    body = response.content.decode()
    assert "页面认定理由" in body and option not in body
    pilot = PilotDesignation.objects.get(target=target, is_active=True)
    response = client.post(PAGE.format(slug=WUYI) + f"{pilot.pk}/revoke/", {"reason": "页面撤销理由"}, follow=True)
    assert response.status_code == 200
    pilot.refresh_from_db()
    assert not pilot.is_active and pilot.revoked_reason == "页面撤销理由"
    assert "页面认定理由" not in response.content.decode()


def badges(html):
    return re.findall(r'class="badge badge-blue pilot-badge"', html)


def test_pilots_are_marked_on_the_target_list_and_enterprise_pages_and_counted_on_the_dashboard(client):
    login(client, "wuyi-reviewer")
    pilot_target, plain = targets(WUYI, 2, "kitchenware", prefix="0000标记")
    assert designate(client, WUYI, pilot_target).status_code == 201
    page = client.get(f"/p/{WUYI}/targets/").content.decode()
    row = re.search(r"<td>0000标记00(.*?)</td>", page)
    assert row and "Pilot" in row.group(1)
    assert re.search(r"<td>0000标记01</td>", page)  # the other target carries no badge
    assert len(badges(page)) == 1

    # The same enterprise, registered later as a profile, is marked by its credit code.
    program = Program.objects.get(slug=WUYI)
    profile = EnterpriseProfileFactory(
        program=program, industry=pilot_target.industry, organisation__uscc=pilot_target.uscc
    )
    other = EnterpriseProfileFactory(program=program, industry=pilot_target.industry, organisation__uscc=plain.uscc)
    detail = client.get(f"/p/{WUYI}/enterprises/{profile.pk}/").content.decode()
    assert len(badges(detail)) == 1
    assert badges(client.get(f"/p/{WUYI}/enterprises/{other.pk}/").content.decode()) == []
    listing = client.get(f"/p/{WUYI}/enterprises/", {"search": pilot_target.uscc}).content.decode()
    assert len(badges(listing)) == 1
    assert badges(client.get(f"/p/{WUYI}/enterprises/", {"search": plain.uscc}).content.decode()) == []

    total = active(program=program)
    dashboard = client.get(f"/p/{WUYI}/").content.decode()
    tile = re.search(r'<a class="tile tile-pilots".*?</a>', dashboard, re.S)
    assert tile, "no pilot tile on the dashboard"
    assert re.search(r'<span class="tile-value">(\d+)</span>', tile.group(0)).group(1) == str(total)
    assert "goal 3 per industry" in tile.group(0)
    kitchenware = active(program=program, industry=pilot_target.industry)
    assert f"{pilot_target.industry.display_name}: {kitchenware} of 3" in tile.group(0)


def test_the_auditor_reads_and_every_post_is_refused(client):
    login(client, "wuyi-reviewer")
    target, spare = targets(WUYI, 2, prefix="审计试点")
    assert designate(client, WUYI, target).status_code == 201
    pilot = PilotDesignation.objects.get(target=target)
    login(client, "wuyi-auditor")
    page = client.get(PAGE.format(slug=WUYI))
    assert page.status_code == 200 and "审计试点00" in page.content.decode()
    assert "pilot-designate" not in page.content.decode()  # no forms for a reader
    assert client.get(API.format(slug=WUYI)).status_code == 200
    before = (PilotDesignation.objects.count(), PilotDesignation.history.count())
    posts = [
        client.post(PAGE.format(slug=WUYI) + "designate/", {"target": spare.pk, "reason": "审计"}),
        client.post(PAGE.format(slug=WUYI) + f"{pilot.pk}/revoke/", {"reason": "审计"}),
        designate(client, WUYI, spare),
        client.post(API.format(slug=WUYI) + f"{pilot.pk}/revoke/", {"reason": "审计"}, content_type="application/json"),
    ]
    assert [response.status_code for response in posts] == [403, 403, 403, 403]
    assert (PilotDesignation.objects.count(), PilotDesignation.history.count()) == before
    pilot.refresh_from_db()
    assert pilot.is_active


def test_an_enterprise_user_may_not_open_the_pilots(client):
    login(client, "wuyi-enterprise")
    assert client.get(PAGE.format(slug=WUYI)).status_code == 403
    assert client.get(API.format(slug=WUYI)).status_code == 403


def test_another_programs_user_gets_404_and_sees_nothing(client):
    login(client, "wuyi-reviewer")
    target = targets(WUYI, 1, prefix="武义机密试点")[0]
    assert designate(client, WUYI, target, reason="武义机密理由").status_code == 201
    pilot = PilotDesignation.objects.get(target=target)
    login(client, "yongkang-reviewer")
    responses = [
        client.get(PAGE.format(slug=WUYI)),
        client.get(API.format(slug=WUYI)),
        designate(client, WUYI, target),
        client.post(PAGE.format(slug=WUYI) + f"{pilot.pk}/revoke/", {"reason": "x"}),
        client.post(API.format(slug=WUYI) + f"{pilot.pk}/revoke/", {"reason": "x"}, content_type="application/json"),
        # Wuyi's ids under Yongkang's own program are not found either.
        client.post(
            API.format(slug="yongkang-2024") + f"{pilot.pk}/revoke/", {"reason": "x"}, content_type="application/json"
        ),
        client.post(f"/p/yongkang-2024/pilots/{pilot.pk}/revoke/", {"reason": "x"}),
        designate(client, "yongkang-2024", target),
    ]
    assert [r.status_code for r in responses[:7]] == [404] * 7
    assert responses[7].status_code == 400  # not one of Yongkang's targets
    yongkang_page = client.get(PAGE.format(slug="yongkang-2024")).content.decode()
    for response in [*responses, client.get(API.format(slug="yongkang-2024"))]:
        assert "武义机密" not in response.content.decode()
    assert "武义机密" not in yongkang_page
    pilot.refresh_from_db()
    assert pilot.is_active and PilotDesignation.objects.filter(target=target).count() == 1


def test_without_a_quota_parameter_designations_are_accepted_and_the_page_says_so(client):
    login(client, "yongkang-reviewer")
    rows = targets("yongkang-2024", 7, "thermos-cups", prefix="永康试点")
    for target in rows:
        assert designate(client, "yongkang-2024", target).status_code == 201
    assert active(program__slug="yongkang-2024", industry__code="thermos-cups") == 7
    page = client.get(PAGE.format(slug="yongkang-2024")).content.decode()
    assert "sets no pilot quota" in page
    assert "sets no pilot quota" not in login(client, "wuyi-reviewer").get(PAGE.format(slug=WUYI)).content.decode()


@pytest.mark.parametrize(("url", "pinned"), [(PAGE, 11), (API, 5)])
def test_the_pilots_page_costs_the_same_queries_for_1_and_10_pilots(client, url, pinned):
    login(client, "wuyi-reviewer")
    url = url.format(slug=WUYI)
    access = program_access(user=user("wuyi-reviewer"), slug=WUYI)
    rows = [*targets(WUYI, 5, "hardware", prefix="计数试点"), *targets(WUYI, 5, "leisure", prefix="计数试点B")]
    pilot_designate(access=access, target=rows[0], reason="计数")
    count(client, url)  # warm caches (content types, session) that every later request finds full
    one, _ = count(client, url)
    for target in rows[1:]:
        pilot_designate(access=access, target=target, reason="计数")
    assert active(program__slug=WUYI) == 10
    ten, queries = count(client, url)
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert one == ten, f"{url}: {one} queries for 1 pilot, {ten} for 10\n{sql}"
    assert ten == pinned, f"{url}: {ten} queries, pinned at {pinned}\n{sql}"
