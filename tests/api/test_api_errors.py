"""Every error under /api/ answers in the API's one JSON shape: unmatched paths and path segments, a method a
view does not take, and a server error; pages keep their HTML error pages."""

import pytest
from django.test import override_settings

from portal.core.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def error_of(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    return error


@pytest.fixture
def reviewer_client(client, tenant_pair):
    client.force_login(user_with_role(tenant_pair["a"], Role.BUREAU_REVIEWER, username="zz-api-errors"))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing/",
        "/api/v1/programs/{slug}/applications/not-a-number/",
        "/api/v1/programs/{slug}/applications/123456789/attachments/x/",
        "/api/nothing",
    ],
)
def test_an_unmatched_api_path_answers_404_as_json(reviewer_client, tenant_pair, path):
    error = error_of(reviewer_client.get(path.format(slug=tenant_pair["a"].slug)), 404)
    assert error["code"] == "not_found"


def test_a_method_the_view_does_not_take_answers_405_as_json_with_allow(reviewer_client, tenant_pair):
    response = reviewer_client.delete(f"/api/v1/programs/{tenant_pair['a'].slug}/batches/")
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@override_settings(ROOT_URLCONF="tests.support.api_error_urls", DEBUG=False)
def test_a_server_error_under_the_api_answers_500_as_json(client):
    client.raise_request_exception = False
    assert error_of(client.get("/api/v1/failing/"), 500)["code"] == "server_error"


def test_pages_keep_their_html_error_page(reviewer_client):
    response = reviewer_client.get("/p/no-such-program/nothing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
