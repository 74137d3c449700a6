import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories import UserFactory
from tests.support.environment import PASSWORD

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True)
def test_repeated_failures_lock_the_account_with_a_clear_message(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
        assert response.status_code == 200
        assert "wrong" in response.content.decode()
    locked = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert locked.status_code == 429
    # Even the right password is refused while the account is locked, and the page says so.
    again = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert again.status_code == 429
    assert "locked" in again.content.decode()
    assert "_auth_user_id" not in client.session

    other = UserFactory()
    fine = client.post("/accounts/login/", {"username": other.username, "password": PASSWORD})
    assert fine.status_code == 302  # one account's lock does not lock the office


def test_password_validators_refuse_weak_passwords(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_pages_are_chinese_by_default_whatever_the_browser_asks(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()
