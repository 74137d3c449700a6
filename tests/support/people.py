"""Who acts in a test: a user by username, id or role in the demo, that user's access to a program, and a client
logged in as that user."""

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from demo.build import PROGRAM_LOGIN_PREFIX, ROLE_LOGIN
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program
from tests.factories import user_with_role

WUYI = "wuyi-2024"


def user(who):
    """The user `who` names: a username, a user's id, or the user itself."""
    if isinstance(who, str):
        return get_user_model().objects.get(username=who)
    if isinstance(who, int):
        return get_user_model().objects.get(pk=who)
    return who


def demo_user(role: Role, slug: str = WUYI):
    """The demo's login of `role` in the program `slug` (Wuyi unless named)."""
    return get_user_model().objects.get(username=f"{PROGRAM_LOGIN_PREFIX[slug]}-{ROLE_LOGIN[role]}")


def access_of(who, slug: str):
    """`who`'s access to the program `slug`, as a service receives it (`who` as `user` takes it)."""
    return program_access(user=user(who), slug=slug)


def access_in(slug: str):
    """`access_of` for a module about one program: `access_of = access_in(SLUG)` makes `slug` the default."""

    def access(who, slug: str = slug):
        return access_of(who, slug)

    return access


def second_reviewer(slug: str, **fields):
    """A further bureau reviewer of the program: a run is approved by a reviewer other than its creator."""
    return user_with_role(Program.objects.get(slug=slug), Role.BUREAU_REVIEWER, **fields)


def second_approver(slug: str):
    """The access of a new `second_reviewer` of the program."""
    return access_of(second_reviewer(slug), slug)


def as_user(client, who):
    """The test client, logged in as `who`."""
    client.force_login(user(who))
    return client


def api(who=None, *, language=None) -> APIClient:
    """An API client authenticated as `who` (anonymous without), asking for `language` when given."""
    client = APIClient()
    if who is not None:
        client.force_authenticate(user(who))
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
