"""Policy versions as data: validation messages, draft-only edits, activation, and the quote API."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from policies.models import PolicyParameter, PolicyVersion, VersionStatus
from policies.services import (
    policy_parameter_set,
    policy_version_activate,
    policy_version_draft_from,
    policy_version_validate,
)
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def yongkang():
    return Program.objects.get(slug="yongkang-2024")


@pytest.fixture
def admin_access(yongkang):
    admin = user_with_role(yongkang, Role.BUREAU_ADMIN)
    return program_access(user=admin, slug=yongkang.slug)


@pytest.fixture
def draft(yongkang, admin_access):
    opinion = PolicyVersion.objects.get(code="yongkang-2024-opinion")
    return policy_version_draft_from(access=admin_access, version=opinion, code="yk-test-draft", name="测试草稿")


def test_seeded_versions_validate_and_the_opinion_is_active():
    for version in PolicyVersion.objects.filter(program__slug__in=["wuyi-2024", "yongkang-2024", "jinhua-pilot"]):
        assert policy_version_validate(version=version) == [], version.code
    active = PolicyVersion.objects.filter(program__slug="yongkang-2024", status=VersionStatus.ACTIVE)
    assert list(active.values_list("code", flat=True)) == ["yongkang-2024-opinion"]
    tracks = PolicyVersion.objects.get(code="yongkang-2024-opinion").tracks.values_list("code", flat=True)
    assert list(tracks) == ["lightweight", "saas", "midlevel-pilot", "midlevel-promotion"]


def test_a_draft_copies_every_track_and_parameter(draft):
    opinion = PolicyVersion.objects.get(code="yongkang-2024-opinion")
    assert draft.status == VersionStatus.DRAFT
    assert draft.tracks.count() == opinion.tracks.count()
    assert draft.parameters.count() == opinion.parameters.count()


@pytest.mark.parametrize(
    ("track", "key", "qualifier", "raw", "message"),
    [
        ("lightweight", "rate", "", "1.2", "应在0到1之间"),
        ("lightweight", "rate", "", "-0.1", "应在0到1之间"),
        ("midlevel-pilot", "project_cap", "", "-1", "不能小于0"),
        ("lightweight", "rate", "", "abc", "不是有效的比例"),
        (None, "bogus", "", "1", "未知的政策参数"),
        ("lightweight", "rate", "x", "0.4", "限定值"),
    ],
)
def test_bad_values_are_refused_with_their_message(admin_access, draft, track, key, qualifier, raw, message):
    track_obj = draft.tracks.get(code=track) if track else None
    with pytest.raises(PortalError) as error:
        policy_parameter_set(
            access=admin_access, version=draft, track=track_obj, key=key, qualifier=qualifier, raw_value=raw
        )
    assert message in str(error.value.message)


def test_validation_finds_overlapping_tiers_and_missing_parameters(admin_access, draft):
    light = draft.tracks.get(code="lightweight")
    policy_parameter_set(access=admin_access, version=draft, track=light, key="floor", qualifier="", raw_value="600000")
    PolicyParameter.objects.filter(version=draft, track__code="midlevel-pilot", key="automation_rate").update(
        value=None
    )
    issues = [str(issue) for issue in policy_version_validate(version=draft)]
    assert any("下限600000" in issue and "重叠或倒置" in issue for issue in issues), issues
    assert any("自动化设备补助比例缺少数值" in issue for issue in issues), issues
    with pytest.raises(PortalError) as error:
        policy_version_activate(access=admin_access, version=draft, effective_from=date(2025, 1, 1))
    assert "重叠或倒置" in error.value.message
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_missing_required_parameter_blocks_activation(admin_access, draft):
    PolicyParameter.objects.filter(version=draft, track__code="saas", key="rate").update(track=None, key="tmp-moved")
    issues = [str(issue) for issue in policy_version_validate(version=draft)]
    assert any("saas.rate" in issue and "缺少必填参数" in issue for issue in issues), issues


def test_activation_retires_the_previous_version_and_freezes_both(admin_access, draft):
    light = draft.tracks.get(code="lightweight")
    policy_parameter_set(
        access=admin_access,
        version=draft,
        track=None,
        key="general_informatization_rate",
        qualifier="",
        raw_value="0.15",
        reason="按一般信息化项目标准",
    )
    policy_version_activate(access=admin_access, version=draft, effective_from=date(2025, 1, 1))
    draft.refresh_from_db()
    opinion = PolicyVersion.objects.get(code="yongkang-2024-opinion")
    assert draft.status == VersionStatus.ACTIVE and opinion.status == VersionStatus.RETIRED
    assert draft.activated_by == admin_access.user and draft.effective_from == date(2025, 1, 1)
    with pytest.raises(Conflict):
        policy_parameter_set(access=admin_access, version=draft, track=light, key="rate", qualifier="", raw_value="0.5")
    row = PolicyParameter.objects.get(version=draft, key="general_informatization_rate")
    assert row.value == Decimal("0.15")
    assert row.history.first().history_user == admin_access.user


def test_only_a_bureau_admin_edits(yongkang, draft):
    reviewer = user_with_role(yongkang, Role.BUREAU_REVIEWER)
    access = program_access(user=reviewer, slug=yongkang.slug)
    with pytest.raises(NotAllowed):
        policy_parameter_set(access=access, version=draft, track=None, key="city_share", qualifier="", raw_value="0.5")


def test_quote_api(client, yongkang):
    user = user_with_role(yongkang, Role.ENTERPRISE)
    client.force_login(user)
    url = f"/api/v1/programs/{yongkang.slug}/quote/"
    ok = client.post(url, {"track": "lightweight", "total_investment": "450000"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["subsidy"] == "180000.00" and ok.json()["policy_version"] == "yongkang-2024-opinion"
    ineligible = client.post(
        url, {"track": "lightweight", "total_investment": "250000"}, content_type="application/json"
    ).json()
    assert ineligible["eligible"] is False
    assert ineligible["reasons"] == ["总投入低于30万元，不符合学样仿样推广项目条件"]
    bad = client.post(url, {"track": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and "track" in bad.json()["error"]["fields"]
    what_if = client.post(
        url,
        {"track": "lightweight", "total_investment": "800000", "set": ["general_informatization_rate=0.15"]},
        content_type="application/json",
    )
    assert what_if.status_code == 400  # an enterprise quotes the active policy only

    reviewer = user_with_role(yongkang, Role.BUREAU_REVIEWER)
    client.force_login(reviewer)
    what_if = client.post(
        url,
        {"track": "lightweight", "total_investment": "800000", "set": ["general_informatization_rate=0.15"]},
        content_type="application/json",
    )
    assert what_if.json()["total"] == "245000.00"


def test_policy_pages_by_role(client, yongkang):
    version = PolicyVersion.objects.get(code="yongkang-2024-opinion")
    pages = [
        reverse("policies:versions", kwargs={"program": yongkang.slug}),
        reverse("policies:version", kwargs={"program": yongkang.slug, "version": version.pk}),
    ]
    for role in Role:
        client.force_login(user_with_role(yongkang, role))
        for url in pages:
            expected = 200 if role in {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.SUPERVISOR, Role.AUDITOR} else 403
            assert client.get(url).status_code == expected, (role, url)
        calculator = client.get(
            reverse("policies:calculator", kwargs={"program": yongkang.slug}),
            {"track": "lightweight", "total_investment": "450000"},
        )
        assert calculator.status_code == 200 and "180,000.00" in calculator.content.decode()
    client.logout()
    public = client.get(
        reverse("policies:calculator", kwargs={"program": "wuyi-2024"}),
        {"track": "lightweight", "batch": 1, "n_investment": "100000"},
    )
    assert public.status_code == 200 and "60,000.00" in public.content.decode()
    private = client.get(reverse("policies:calculator", kwargs={"program": "jinhua-pilot"}))
    assert private.status_code == 302 and "/accounts/login/" in private.url


def test_compare_two_versions_side_by_side(client, yongkang):
    client.force_login(user_with_role(yongkang, Role.BUREAU_REVIEWER))
    response = client.get(
        reverse("policies:calculator", kwargs={"program": yongkang.slug}),
        {
            "track": "midlevel-pilot",
            "total_investment": "2000000",
            "automation_investment": "900000",
            "compare_version": "yongkang-2024-drafting-note",
        },
    )
    results = response.context["results"]
    assert [version.code for version, _ in results] == ["yongkang-2024-opinion", "yongkang-2024-drafting-note"]
    assert [str(result.total) for _, result in results] == ["1200000.00", "900000.00"]
    assert response.context["difference"] == Decimal("-300000.00")


def test_version_page_shows_amounts_in_yuan_and_wan_and_the_parameter_history(client, yongkang, admin_access, draft):
    light = draft.tracks.get(code="lightweight")
    policy_parameter_set(
        access=admin_access,
        version=draft,
        track=light,
        key="floor",
        qualifier="",
        raw_value="320000",
        reason="按调研结果上调",
    )
    client.force_login(admin_access.user)
    body = client.get(reverse("policies:version", kwargs={"program": yongkang.slug, "version": draft.pk})).content
    text = body.decode()
    assert "320,000.00" in text and "32万元" in text
    assert "按调研结果上调" in text and "lightweight.floor" in text
    assert "未配置" in text  # the general informatization rate of the seeds


def test_calculator_takes_awards_and_refuses_one_above_its_maximum(client):
    client.force_login(user_with_role(Program.objects.get(slug="jinhua-pilot"), Role.BUREAU_REVIEWER))
    url = reverse("policies:calculator", kwargs={"program": "jinhua-pilot"})
    query = {"track": "pilot", "level": 3, "total_investment": "1200000", "accepted_on": "2025-03-10"}
    ok = client.get(url, {**query, "awards": "standard-reached=300000\nnew-tech=200000"})
    assert str(ok.context["results"][0][1].total) == "1100000.00"
    too_much = client.get(url, {**query, "awards": "excellent-sample=100000.01"})
    assert too_much.context["results"] == [] and "100,000.00" in too_much.content.decode()
