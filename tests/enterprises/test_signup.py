"""Enterprise sign-up: register or claim by credit code; the bureau approves before any role is given."""

import pytest
from django.contrib.auth import get_user_model

from enterprises.models import EnterpriseProfile, SignupRequest, VerificationStatus
from organisations.models import Organisation
from programs.access import programs_for_user
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db
URL = "/accounts/signup/wuyi-2024/"


def form(**overrides):
    from programs.models import Industry, Region

    data = {
        "uscc": valid_uscc(),
        "name": "武义新注册制造有限公司",
        "township": Region.objects.get(code="330723.03").pk,
        "industry": Industry.objects.get(program__slug="wuyi-2024", code="hardware").pk,
        "scale": "above",
        "output_band": "lt100m",
        "digital_level_before": "1",
        "username": "new-enterprise-user",
        "display_name": "李四",
        "phone": "13800000000",
        "email": "li@example.cn",
        "password1": "Shugai-Long-Passw0rd",
        "password2": "Shugai-Long-Passw0rd",
    }
    return {**data, **overrides}


def test_sign_up_then_approval_gives_the_enterprise_role(client):
    response = client.post(URL, form())
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="new-enterprise-user")
    request = SignupRequest.objects.get(user=user)
    assert request.profile.verification == VerificationStatus.PENDING and not request.claimed_existing
    assert list(programs_for_user(user=user)) == []  # no role before the bureau decides

    client.force_login(get_user_model().objects.get(username="wuyi-reviewer"))
    assert "武义新注册制造有限公司" in client.get("/p/wuyi-2024/signups/").content.decode()
    client.post(f"/p/wuyi-2024/signups/{request.pk}/decide/", {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved" and request.profile.verification == VerificationStatus.VERIFIED
    assert [program.slug for program in programs_for_user(user=user)] == ["wuyi-2024"]


def test_claiming_a_registered_code_joins_it_and_rejection_needs_a_reason(client):
    existing = EnterpriseProfile.objects.filter(program__slug="wuyi-2024").first().organisation
    client.post(URL, form(uscc=existing.uscc.lower(), name="冒名公司", username="claimer"))
    request = SignupRequest.objects.get(user__username="claimer")
    assert request.claimed_existing and request.profile.organisation == existing
    assert Organisation.objects.filter(name="冒名公司").count() == 0

    client.force_login(get_user_model().objects.get(username="wuyi-reviewer"))
    client.post(f"/p/wuyi-2024/signups/{request.pk}/decide/", {"decision": "reject"})
    request.refresh_from_db()
    assert request.status == "pending"
    client.post(f"/p/wuyi-2024/signups/{request.pk}/decide/", {"decision": "reject", "reason": "非本企业员工"})
    request.refresh_from_db()
    assert request.status == "rejected" and request.reason == "非本企业员工"
    assert list(programs_for_user(user=request.user)) == []


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"uscc": "91330723MA2E3X1Y0A"}, "uscc", "校验位"),
        ({"password1": "12345678", "password2": "12345678"}, "password", ""),
        ({"password2": "different-Passw0rd"}, "password2", ""),
        ({"username": "wuyi-admin"}, "username", ""),
    ],
)
def test_bad_sign_ups_are_refused_and_leave_nothing(client, overrides, field, text):
    users, organisations = get_user_model().objects.count(), Organisation.objects.count()
    response = client.post(URL, form(**overrides))
    assert response.status_code == 200
    assert text in response.content.decode()
    assert (get_user_model().objects.count(), Organisation.objects.count()) == (users, organisations)


def test_only_published_programs_take_sign_ups(client):
    assert client.get(URL).status_code == 200
    assert client.get("/accounts/signup/jinhua-pilot/").status_code == 404
    assert client.get("/accounts/signup/nowhere/").status_code == 404


def test_the_enterprise_completes_its_own_profile_and_no_one_elses(client):
    user = get_user_model().objects.get(username="wuyi-enterprise")
    own = EnterpriseProfile.objects.get(program__slug="wuyi-2024", organisation=user.organisation)
    other = EnterpriseProfile.objects.filter(program__slug="wuyi-2024").exclude(pk=own.pk).first()
    client.force_login(user)
    data = {
        "township": own.township_id,
        "industry": own.industry_id,
        "scale": "above",
        "output_band": "gte200m",
        "is_specialised": "on",
        "digital_level_before": "2",
    }
    response = client.post(f"/p/wuyi-2024/enterprises/{own.pk}/edit/", data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.output_band == "gte200m" and own.is_specialised and own.digital_level_before == 2
    assert own.history.first().history_user == user
    assert client.post(f"/p/wuyi-2024/enterprises/{other.pk}/edit/", data).status_code == 404
    client.force_login(get_user_model().objects.get(username="wuyi-reviewer"))
    assert client.post(f"/p/wuyi-2024/enterprises/{own.pk}/edit/", data).status_code == 403
