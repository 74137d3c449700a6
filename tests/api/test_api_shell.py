import pytest

from accounts.models import ApiToken
from portal.core.roles import Role
from tests.factories import ProgramFactory, user_with_role
from tests.support.environment import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_auth_and_the_error_shape(client):
    program = ProgramFactory()
    user = user_with_role(program, Role.AUDITOR)
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=user).prefix == token[:8]

    ok = client.get("/api/v1/programs/", HTTP_AUTHORIZATION=f"Token {token}")
    assert [row["slug"] for row in ok.json()["results"]] == [program.slug]

    anonymous = client.get("/api/v1/programs/")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    assert set(anonymous.json()["error"]) == {"code", "message", "fields"}

    missing = client.get("/api/v1/programs/nope/", HTTP_AUTHORIZATION=f"Token {token}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"

    bad = client.post("/api/v1/auth/token/", {"username": user.username})
    assert bad.status_code == 400 and "password" in bad.json()["error"]["fields"]


def test_schema_and_docs_are_served_from_local_assets(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/programs/{program}/scenario-modules/" in paths
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "/static/" in docs


def test_nul_characters_are_refused_with_a_clear_400(client):
    program = ProgramFactory()
    client.force_login(user_with_role(program, Role.BUREAU_REVIEWER))
    api = client.get(f"/api/v1/programs/{program.slug}/applications/", {"search": "a\x00b"})
    assert api.status_code == 400 and api.json()["error"]["code"] == "invalid"
    page = client.get(f"/p/{program.slug}/filings/", {"search": "a\x00b"})
    assert page.status_code == 400
