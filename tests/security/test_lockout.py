"""Login lock-out and rate limits (issue 18, finding 3): failed logins lock a username at the address they came
from, so an attacker cannot lock a bureau admin out of the office; one address failing for many usernames
(password spraying) is locked as a whole; a bureau admin sees and lifts its own members' locks; login, token,
sign-up and the public calculator are limited per address and the API per user."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import LockLift
from portal.core.roles import Role
from tests.factories import ProgramFactory, UserFactory, user_with_role
from tests.support.environment import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, VICTIM_DESK, OFFICE = "203.0.113.66", "10.1.2.3", "10.1.2.4"


@pytest.fixture(autouse=True)
def fresh_rate_counters():
    """Rate counters live in the cache (Redis in CI), which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


def rates(**scopes):
    """REST_FRAMEWORK with the given throttle rates (the others unchanged)."""
    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes},
    }


def page_login(client, username, password, address):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def token_login(username, password, address):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def test_an_attacker_locks_the_admin_only_at_the_attacker_s_address(client):
    program = ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, admin.username, "guess", ATTACKER)
    # The attacker's address is blocked for this username, even with the right password...
    assert page_login(client, admin.username, PASSWORD, ATTACKER).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...and the admin still logs in from the office, on the page and for a token.
    assert page_login(client, admin.username, PASSWORD, VICTIM_DESK).status_code == 302
    assert token_login(admin.username, PASSWORD, OFFICE).status_code == 200


def test_the_token_endpoint_counts_failures_and_locks_the_same_way():
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_login(user.username, "guess", ATTACKER).status_code == 400
    locked = token_login(user.username, "guess", ATTACKER)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "locked_out"
    assert token_login(user.username, PASSWORD, ATTACKER).status_code == 429
    assert AccessAttempt.objects.get(username=user.username, ip_address=ATTACKER).failures_since_start >= 5
    assert token_login(user.username, PASSWORD, VICTIM_DESK).status_code == 200


def test_spraying_many_usernames_from_one_address_locks_the_address(client):
    victims = [UserFactory() for _ in range(settings.AXES_ADDRESS_FAILURE_LIMIT)]
    # One guess each: no username reaches its own limit, but the address reaches its limit at the last one.
    answers = [page_login(client, victim.username, "Summer2024!", ATTACKER).status_code for victim in victims]
    assert answers == [200] * (len(victims) - 1) + [429]
    fresh = UserFactory()
    assert page_login(client, fresh.username, PASSWORD, ATTACKER).status_code == 429
    assert token_login(fresh.username, PASSWORD, ATTACKER).status_code == 429
    # Nobody else is slowed: the same people log in from their own desks.
    assert page_login(client, victims[0].username, PASSWORD, VICTIM_DESK).status_code == 302
    assert token_login(fresh.username, PASSWORD, OFFICE).status_code == 200


def test_a_bureau_admin_sees_and_lifts_the_locks_of_its_own_members_only(client):
    program, elsewhere = ProgramFactory(), ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    member = user_with_role(program, Role.EXPERT)
    outsider = user_with_role(elsewhere, Role.EXPERT)
    for user in (member, outsider):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            token_login(user.username, "guess", VICTIM_DESK)
    assert token_login(member.username, PASSWORD, VICTIM_DESK).status_code == 429

    api = APIClient()
    api.force_authenticate(admin)
    url = f"/api/v1/programs/{program.slug}/login-locks/"
    listed = api.get(url)
    assert listed.status_code == 200
    assert [(row["username"], row["ip_address"]) for row in listed.json()] == [(member.username, VICTIM_DESK)]
    # Another program's member is not the admin's to unlock; nor is the list for a member who is not an admin.
    refused = api.post(url, {"username": outsider.username, "ip_address": VICTIM_DESK, "reason": "x"}, format="json")
    assert refused.status_code == 404
    as_member = APIClient()
    as_member.force_authenticate(user_with_role(program, Role.BUREAU_REVIEWER))
    assert as_member.get(url).status_code == 403
    assert api.post(url, {"username": member.username, "ip_address": VICTIM_DESK}, format="json").status_code == 400

    lifted = api.post(
        url, {"username": member.username, "ip_address": VICTIM_DESK, "reason": "phoned, typo"}, format="json"
    )
    assert lifted.status_code == 204
    assert token_login(member.username, PASSWORD, VICTIM_DESK).status_code == 200
    assert token_login(outsider.username, PASSWORD, VICTIM_DESK).status_code == 429
    record = LockLift.objects.get()
    assert (record.username, record.lifted_by, record.program) == (member.username, admin, program)


def test_the_bureau_admin_page_lists_and_lifts_a_lock(client):
    program = ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    member = user_with_role(program, Role.EXPERT)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, member.username, "guess", ATTACKER)
    client.force_login(admin)
    page = client.get(f"/p/{program.slug}/members/sign-in/")
    assert [lock["username"] for lock in page.context["locks"]] == [member.username]
    client.post(
        f"/p/{program.slug}/members/locks/lift/",
        {"username": member.username, "ip_address": ATTACKER, "reason": "the member's own typos"},
    )
    assert not AccessAttempt.objects.filter(username=member.username).exists()
    assert client.get(f"/p/{program.slug}/members/sign-in/").context["locks"] == []


def test_the_login_page_is_rate_limited_per_address(client):
    user = UserFactory()
    with override_settings(REST_FRAMEWORK=rates(login="3/min")):
        for _ in range(3):
            assert page_login(client, user.username, "guess", ATTACKER).status_code == 200
        limited = page_login(client, user.username, PASSWORD, ATTACKER)
        assert limited.status_code == 429 and "Retry-After" in limited
        assert page_login(client, user.username, PASSWORD, OFFICE).status_code == 302


def test_the_token_endpoint_is_rate_limited_per_address():
    user = UserFactory()
    with override_settings(REST_FRAMEWORK=rates(login="2/min")):
        assert token_login(user.username, PASSWORD, ATTACKER).status_code == 200
        assert token_login(user.username, PASSWORD, ATTACKER).status_code == 200
        limited = token_login(user.username, PASSWORD, ATTACKER)
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "throttled"
        assert token_login(user.username, PASSWORD, OFFICE).status_code == 200


def test_the_sign_up_endpoints_are_rate_limited_per_address(client):
    program = ProgramFactory(is_public=True)
    with override_settings(REST_FRAMEWORK=rates(signup="2/hour")):
        api = APIClient()
        for _ in range(2):
            assert (
                api.post(f"/api/v1/signup/{program.slug}/", {}, format="json", REMOTE_ADDR=ATTACKER).status_code == 400
            )
        assert api.post(f"/api/v1/signup/{program.slug}/", {}, format="json", REMOTE_ADDR=ATTACKER).status_code == 429
        page = f"/accounts/signup/{program.slug}/"
        assert client.post(page, {}, REMOTE_ADDR=ATTACKER).status_code == 429  # the page shares the address's count
        assert client.post(page, {}, REMOTE_ADDR=OFFICE).status_code == 200


def test_the_public_calculator_is_rate_limited_per_address_for_the_public(client):
    program = ProgramFactory(is_public=True)
    url = f"/p/{program.slug}/calculator/?track=x"
    with override_settings(REST_FRAMEWORK=rates(quote="2/min")):
        assert client.get(url, REMOTE_ADDR=ATTACKER).status_code == 200
        assert client.get(url, REMOTE_ADDR=ATTACKER).status_code == 200
        assert client.get(url, REMOTE_ADDR=ATTACKER).status_code == 429
        assert client.get(url, REMOTE_ADDR=OFFICE).status_code == 200
        member = user_with_role(program, Role.BUREAU_REVIEWER)
        client.force_login(member)
        assert client.get(url, REMOTE_ADDR=ATTACKER).status_code == 200  # staff at work are not counted


def test_the_api_is_rate_limited_per_user_and_per_address():
    program = ProgramFactory(is_public=True)
    user = user_with_role(program, Role.AUDITOR)
    with override_settings(REST_FRAMEWORK=rates(user="2/min", anon="1/min")):
        api = APIClient()
        api.force_authenticate(user)
        assert [api.get("/api/v1/programs/").status_code for _ in range(3)] == [200, 200, 429]
        # Public endpoints (sign-up) count calls without a login per address.
        anonymous = APIClient()
        signup = f"/api/v1/signup/{program.slug}/"
        assert anonymous.post(signup, {}, format="json", REMOTE_ADDR=ATTACKER).status_code == 400
        assert anonymous.post(signup, {}, format="json", REMOTE_ADDR=ATTACKER).status_code == 429
        assert anonymous.post(signup, {}, format="json", REMOTE_ADDR=OFFICE).status_code == 400


def test_with_the_cache_down_logins_and_the_api_still_answer(client):
    """Rate counters are in the cache; when it stops answering the limits are skipped, never a 500."""
    user = UserFactory()
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=unreachable):
        assert page_login(client, user.username, PASSWORD, OFFICE).status_code == 302
        assert token_login(user.username, PASSWORD, OFFICE).status_code == 200
        assert client.get("/api/v1/programs/").status_code == 200
