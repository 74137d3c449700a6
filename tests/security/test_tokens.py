"""API tokens (issue 18, finding 2): each login issues a new token with an expiry taken from the program's data;
tokens are listed and revoked by their owner and by a bureau admin of the owner's program, and all of them end
on a password change or the loss of a role. Unauthenticated calls get 401 with WWW-Authenticate (finding 8)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from portal.core.roles import Role
from programs import services as program_services
from programs.access import program_access
from tests.factories import ProgramFactory, UserFactory, user_with_role
from tests.support.environment import PASSWORD

pytestmark = pytest.mark.django_db


def token_login(user, **extra):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def api(key=None):
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_each_login_issues_a_new_token_that_expires():
    program = ProgramFactory()
    user = user_with_role(program, Role.AUDITOR)
    first, second = token_login(user), token_login(user, name="nightly export")
    assert first["token"] != second["token"]
    assert ApiToken.objects.filter(user=user).count() == 2
    assert api(first["token"]).get("/api/v1/programs/").status_code == 200
    assert api(second["token"]).get("/api/v1/programs/").status_code == 200
    # Only the hash is stored: the key itself is nowhere in the table.
    assert not ApiToken.objects.filter(key_hash=first["token"]).exists()

    # Expired: refused with 401 and the header that says how to authenticate.
    ApiToken.objects.filter(user=user, name="").update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api(first["token"]).get("/api/v1/programs/")
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"] == "Token"
    assert api(second["token"]).get("/api/v1/programs/").status_code == 200


def test_the_lifetime_is_program_data_and_the_shortest_program_wins():
    short, long = ProgramFactory(api_token_days=7), ProgramFactory(api_token_days=60)
    member_of_both = user_with_role(long, Role.AUDITOR)
    program_services.role_grant(program=short, user=member_of_both, role=Role.AUDITOR)
    before = timezone.now()
    token = ApiToken.objects.get(pk=token_login(member_of_both)["id"])
    assert before + timedelta(days=7) <= token.expires_at <= timezone.now() + timedelta(days=7)

    only_long = user_with_role(long, Role.AUDITOR)
    token = ApiToken.objects.get(pk=token_login(only_long)["id"])
    assert token.expires_at - token.created_at == timedelta(days=60)

    with override_settings(API_TOKEN_DAYS=12):
        nobody = UserFactory()
        token = ApiToken.objects.get(pk=token_login(nobody)["id"])
        assert token.expires_at - token.created_at == timedelta(days=12)


def test_a_bureau_admin_sets_the_lifetime_in_the_program_settings():
    program = ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    client = api()
    client.force_authenticate(admin)
    url = f"/api/v1/programs/{program.slug}/settings/"
    assert client.patch(url, {"api_token_days": 400, "reason": "x"}, format="json").status_code == 400
    changed = client.patch(url, {"api_token_days": 3, "reason": "shorter tokens"}, format="json")
    assert changed.status_code == 200 and changed.json()["api_token_days"] == 3
    member = user_with_role(program, Role.AUDITOR)
    token = ApiToken.objects.get(pk=token_login(member)["id"])
    assert token.expires_at - token.created_at == timedelta(days=3)


def test_the_owner_lists_and_revokes_own_tokens_and_no_one_else_s():
    program = ProgramFactory()
    owner, other = user_with_role(program, Role.AUDITOR), user_with_role(program, Role.AUDITOR)
    key = token_login(owner)["token"]
    other_key = token_login(other)["token"]
    listed = api(key).get("/api/v1/auth/tokens/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [row["username"] for row in rows] == [owner.username] and rows[0]["status"] == "active"
    assert "token" not in rows[0] and "key_hash" not in rows[0]

    theirs = ApiToken.objects.get(user=other)
    assert api(key).post(f"/api/v1/auth/tokens/{theirs.pk}/revoke/", {"reason": "x"}).status_code == 404
    mine = ApiToken.objects.get(user=owner)
    assert api(key).post(f"/api/v1/auth/tokens/{mine.pk}/revoke/", {}).status_code == 400
    revoked = api(other_key).get("/api/v1/programs/")
    assert revoked.status_code == 200

    done = api(key).post(f"/api/v1/auth/tokens/{mine.pk}/revoke/", {"reason": "laptop lost"})
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    assert api(key).get("/api/v1/programs/").status_code == 401
    mine.refresh_from_db()
    assert mine.revoked_by == owner and mine.revoke_reason == "laptop lost"
    assert mine.history.first().history_user == owner  # recorded, not deleted
    assert api(other_key).get("/api/v1/programs/").status_code == 200


def test_a_bureau_admin_lists_and_revokes_the_tokens_of_its_program_only():
    program, elsewhere = ProgramFactory(), ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    other_admin = user_with_role(elsewhere, Role.BUREAU_ADMIN)
    member = user_with_role(program, Role.EXPERT)
    outsider = user_with_role(elsewhere, Role.EXPERT)
    member_key, outsider_key = token_login(member)["token"], token_login(outsider)["token"]
    admin_client = api(token_login(admin)["token"])

    listed = admin_client.get(f"/api/v1/programs/{program.slug}/tokens/")
    assert listed.status_code == 200
    assert {row["username"] for row in listed.json()["results"]} == {admin.username, member.username}
    # A member who is not an admin may not; another program's admin does not even see the program.
    assert api(member_key).get(f"/api/v1/programs/{program.slug}/tokens/").status_code == 403
    other_client = api(token_login(other_admin)["token"])
    assert other_client.get(f"/api/v1/programs/{program.slug}/tokens/").status_code == 404

    outsider_token = ApiToken.objects.get(user=outsider)
    refused = admin_client.post(f"/api/v1/programs/{program.slug}/tokens/{outsider_token.pk}/revoke/", {"reason": "x"})
    assert refused.status_code == 404
    member_token = ApiToken.objects.get(user=member)
    done = admin_client.post(
        f"/api/v1/programs/{program.slug}/tokens/{member_token.pk}/revoke/", {"reason": "left the panel"}
    )
    assert done.status_code == 200
    assert api(member_key).get("/api/v1/programs/").status_code == 401
    assert api(outsider_key).get("/api/v1/programs/").status_code == 200
    member_token.refresh_from_db()
    assert member_token.revoked_by == admin


def test_a_password_change_revokes_every_token(client):
    program = ProgramFactory()
    user = user_with_role(program, Role.AUDITOR)
    keys = [token_login(user)["token"] for _ in range(2)]
    client.force_login(user)
    changed = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Another-secret-456", "new_password2": "Another-secret-456"},
    )
    assert changed.status_code == 302
    for key in keys:
        assert api(key).get("/api/v1/programs/").status_code == 401
    assert set(ApiToken.objects.filter(user=user).values_list("revoked_by", flat=True)) == {user.pk}


def test_a_password_set_elsewhere_ends_the_tokens_too():
    """Django admin, a set-password link or `changepassword` set the password without the portal's page: the
    tokens issued before no longer work, and one issued after does."""
    program = ProgramFactory()
    user = user_with_role(program, Role.AUDITOR)
    key = token_login(user)["token"]
    assert api(key).get("/api/v1/programs/").status_code == 200
    user.set_password("Another-secret-456")
    user.save()
    assert api(key).get("/api/v1/programs/").status_code == 401
    user.set_password(PASSWORD)
    user.save()
    assert api(token_login(user)["token"]).get("/api/v1/programs/").status_code == 200


def test_losing_a_role_revokes_every_token():
    program = ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    member = user_with_role(program, Role.EXPERT)
    key = token_login(member)["token"]
    assignment = member.role_assignments.get(program=program)
    program_services.role_revoke(
        access=program_access(user=admin, slug=program.slug), assignment=assignment, reason="left the panel"
    )
    assert api(key).get("/api/v1/programs/").status_code == 401
    token = ApiToken.objects.get(user=member)
    assert token.revoked_by == admin and "left the panel" in token.revoke_reason


def test_unauthenticated_api_calls_get_401_with_www_authenticate():
    anonymous = api().get("/api/v1/programs/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert set(anonymous.json()["error"]) == {"code", "message", "fields"}
    bad = api("not-a-token").get("/api/v1/programs/")
    assert bad.status_code == 401 and bad["WWW-Authenticate"] == "Token"


def test_the_token_pages_for_the_owner_and_the_bureau_admin(client):
    program = ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    member = user_with_role(program, Role.EXPERT)
    client.force_login(member)
    made = client.post("/accounts/tokens/", {"name": "my script"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=member)
    key = made.context["issued_key"]
    assert key.startswith(token.prefix) and api(key).get("/api/v1/programs/").status_code == 200
    assert client.get("/accounts/tokens/").context["issued_key"] is None  # shown once

    client.force_login(admin)
    page = client.get(f"/p/{program.slug}/members/sign-in/")
    assert page.status_code == 200 and token in page.context["tokens"]
    client.post(f"/p/{program.slug}/members/tokens/{token.pk}/revoke/", {"reason": "no longer needed"})
    token.refresh_from_db()
    assert token.status == "revoked" and token.revoked_by == admin
    client.force_login(member)
    assert client.get(f"/p/{program.slug}/members/sign-in/").status_code == 403
