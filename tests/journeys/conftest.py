"""Helpers of the program-year journeys: a database holding only a program's shipped reference data and its
bureau's first logins, actors who call the REST API with their own tokens, clock travel in Asia/Shanghai, and a
record of the steps still waiting for an endpoint.

A journey runs inside its test's transaction: the session's demo data are emptied at the start and come back
with the rollback, and the cache is cleared on both sides so no value read in one world is served in the other.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from acceptance.services import track_rubric_set
from demo.activity import RUBRICS, SHEETS
from demo.data import BATCHES, CALENDAR, PROGRAMS
from implementation.services import milestone_templates_load
from organisations import uscc
from organisations.models import OrganisationKind
from organisations.services import organisation_create
from policies.models import PolicyTrack, VersionStatus
from policies.services import policy_versions_load
from portal.core.roles import Role
from portal.core.services import record_save
from programs import reference_data
from programs.models import Batch, CalendarDay, Program, Region
from programs.services import program_organisation_register, role_grant
from rankings.kpi import kpi_targets_load
from rankings.services import schemes_ensure
from scoring.services import sheet_templates_load

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Journey-password-2024"
# Tables of the platform itself that a fresh installation holds before any program exists.
PLATFORM_APPS = {"contenttypes", "auth", "sessions", "django_celery_beat", "django_celery_results"}


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """`day` at `hour`:`minute` in Asia/Shanghai."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def empty_database() -> None:
    """Delete every row of the portal's own tables (inside the caller's transaction)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in PLATFORM_APPS and model._meta.managed and not model._meta.proxy
    }
    existing = set(connection.introspection.table_names())
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables & existing), reset_sequences=False, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def program_reference_load(slug: str) -> Program:
    """The program `slug` with what ships as its reference data: regions, the program and its batches and
    calendar (demo.data's constants), policy versions, industries, scenario catalogue, KPI targets, score
    sheets and rubrics per track, milestone templates of the active tracks and the ranking schemes."""
    reference_data.regions_load()
    spec = next(spec for spec in PROGRAMS if spec["slug"] == slug)
    fields = {key: value for key, value in spec.items() if key not in {"region", "catalogue_industries"}}
    program = record_save(
        Program(region=Region.objects.get(code=spec["region"]), **fields), acting_user=None, reason="reference data"
    )
    reference_data.industries_load(program=program)
    reference_data.scenario_modules_load(program=program, industry_codes=spec["catalogue_industries"])
    policy_versions_load(program=program)
    kpi_targets_load(program=program)
    for number, name, opens_on, closes_on in BATCHES[slug]:
        record_save(
            Batch(program=program, number=number, name=name, opens_on=opens_on, closes_on=closes_on),
            acting_user=None,
            reason="reference data",
        )
    for day, kind, name in CALENDAR:
        day_row = CalendarDay(program=program, date=day, kind=kind, name=name)
        record_save(day_row, acting_user=None, reason="reference data")
    templates = {template.code: template for template in sheet_templates_load(program=program, sheets=SHEETS[slug])}
    for track, code in RUBRICS[slug].items():
        track_rubric_set(program=program, track=track, template=templates[code])
    tracks = PolicyTrack.objects.filter(version__program=program, version__status=VersionStatus.ACTIVE)
    milestone_templates_load(program=program, tracks=list(tracks.values_list("code", flat=True)))
    schemes_ensure(program)
    return program


def organisation(name: str, kind: str, prefix8: str, serial: int):
    """An organisation with a valid credit code, as the platform admin registers it in Django admin."""
    return organisation_create(uscc=uscc.complete(f"{prefix8}MA{serial:07d}"), name=name, kind=kind)


def login(username: str, *, display_name: str, organisation=None, is_staff=False, is_superuser=False):
    """A login as the platform admin creates it in Django admin: no role in any program yet."""
    user = get_user_model()(
        username=username,
        display_name=display_name,
        organisation=organisation,
        is_staff=is_staff,
        is_superuser=is_superuser,
        email=f"{username}@journey.test",
    )
    user.set_password(PASSWORD)
    user._history_user = None
    user.save()
    return user


def credit_code(serial: int, prefix8: str = "91330723") -> str:
    """A valid unified social credit code, for an organisation that registers itself."""
    return uscc.complete(f"{prefix8}MA{serial:07d}")


class Actor:
    """A person calling the REST API of one program with the token it obtained with its password."""

    def __init__(self, username: str, program: str, password: str = PASSWORD):
        self.username = username
        self.program = program
        self.password = password
        self.client = APIClient()
        self.sign_in()

    def sign_in(self):
        """Obtain a token with the password, as at the start and whenever the last one has expired."""
        self.client.credentials()
        response = self.client.post(
            reverse("api:auth-token"), {"username": self.username, "password": self.password}, format="json"
        )
        assert response.status_code == 200, (self.username, response.content)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    def __repr__(self):
        return f"<Actor {self.username}>"

    @property
    def user(self):
        return get_user_model().objects.get(username=self.username)

    def url(self, name: str, **kwargs) -> str:
        return api_url(name, program=self.program, **kwargs)

    def call(self, method: str, name: str, *, expect: int, data=None, format="json", query=None, **kwargs):
        """The response of `method` on route `name` (kwargs fill the path); its status must be `expect`."""

        def send():
            return getattr(self.client, method)(
                self.url(name, **kwargs),
                data if data is not None else query,
                format=None if method == "get" else format,
            )

        response = send()
        if response.status_code == 401 and expect != 401:  # the token lived its days (months pass in a year)
            self.sign_in()
            for value in (data or {}).values() if isinstance(data, dict) else ():
                if hasattr(value, "seek"):
                    value.seek(0)  # an upload is read again from its start
            response = send()
        assert response.status_code == expect, (
            f"{method.upper()} {self.url(name, **kwargs)} as {self.username}: {response.status_code} "
            f"{response.content[:2000]!r}"
        )
        return response

    def get(self, name: str, *, expect: int = 200, query=None, **kwargs):
        return self.call("get", name, expect=expect, query=query, **kwargs).json()

    def post(self, name: str, data=None, *, expect: int = 201, format="json", **kwargs):
        response = self.call("post", name, expect=expect, data=data or {}, format=format, **kwargs)
        return response.json() if response.content else None

    def put(self, name: str, data, *, expect: int = 200, **kwargs):
        return self.call("put", name, expect=expect, data=data, **kwargs).json()


def api_url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def route_exists(name: str, **kwargs) -> bool:
    try:
        api_url(name, **kwargs)
    except NoReverseMatch:
        return False
    return True


def public_post(name: str, data: dict, *, expect: int = 201, **kwargs) -> dict:
    """A call of someone without a login yet (the public sign-up endpoints)."""
    response = APIClient().post(api_url(name, **kwargs), data, format="json")
    assert response.status_code == expect, (name, response.status_code, response.content[:2000])
    return response.json()


@dataclass
class Journey:
    """Steps of a journey that wait for an endpoint or a gate: recorded as the journey goes on, failed at its
    end, so one missing piece does not hide the steps after it."""

    waiting: list[str] = field(default_factory=list)

    def wait(self, step: str) -> None:
        self.waiting.append(step)

    def check(self) -> None:
        if self.waiting:
            pytest.fail("Steps waiting for an endpoint or a gate:\n- " + "\n- ".join(self.waiting))


@pytest.fixture
def journey():
    return Journey()


@pytest.fixture
def clock():
    """Travel in time: `clock.move_to(at(day))`; the clock stands still between moves."""
    traveller = time_machine.travel(at(date(2024, 4, 29), 9), tick=False)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


@pytest.fixture
def fresh_database(db):
    """An empty portal (the session's demo rows are deleted inside this test's transaction)."""
    cache.clear()
    empty_database()
    yield
    cache.clear()


@dataclass
class Bureau:
    program: Program
    platform_admin: object
    admin: object
    reviewers: list


def bureau_logins(program: Program, *, prefix: str, bureau_name: str, prefix8: str) -> Bureau:
    """The platform admin's first step for a program: the bureau's organisation, a bureau admin and two
    reviewers, their roles given with role_grant."""
    platform = login(f"{prefix}-platform", display_name="平台运维管理员", is_staff=True, is_superuser=True)
    bureau = organisation(bureau_name, OrganisationKind.BUREAU, prefix8, 1)
    admin = login(f"{prefix}-bureau-admin", display_name=f"{bureau_name}·管理员", organisation=bureau, is_staff=True)
    role_grant(program=program, user=admin, role=Role.BUREAU_ADMIN, acting_user=platform)
    reviewers = []
    for number in (1, 2):
        name = f"{bureau_name}·审核员{number}"
        reviewer = login(f"{prefix}-reviewer-{number}", display_name=name, organisation=bureau)
        role_grant(program=program, user=reviewer, role=Role.BUREAU_REVIEWER, acting_user=platform)
        reviewers.append(reviewer)
    return Bureau(program=program, platform_admin=platform, admin=admin, reviewers=reviewers)


def program_people(prefix: str, *, bureau: Bureau, committee, institute, audit_firm, finance, more=None) -> dict:
    """The logins the bureau admin will give roles to, by role: the selection committee (a display name and an
    organisation each), three acceptance experts of `institute`, the financial auditor of `audit_firm`, the logins
    of `more` ({role: [(username suffix, display name, organisation), …]}) and the auditor of `finance`. The
    platform admin registers their organisations with the bureau's program: the bureau admin gives roles only to
    people of organisations taking part in it."""
    people = {
        Role.COMMITTEE_MEMBER: [
            login(f"{prefix}-committee-{n}", display_name=name, organisation=member_of)
            for n, (name, member_of) in enumerate(committee, start=1)
        ],
        Role.EXPERT: [
            login(f"{prefix}-expert-{n}", display_name=f"验收专家{n}", organisation=institute) for n in (1, 2, 3)
        ],
        Role.FINANCIAL_AUDITOR: [login(f"{prefix}-finaudit", display_name="审计师", organisation=audit_firm)],
    }
    for role, specs in (more or {}).items():
        people[role] = [login(f"{prefix}-{suffix}", display_name=name, organisation=org) for suffix, name, org in specs]
    people[Role.AUDITOR] = [login(f"{prefix}-finance", display_name="财政局审计员", organisation=finance)]
    for users in people.values():
        for user in users:
            program_organisation_register(
                program=bureau.program, organisation=user.organisation, acting_user=bureau.platform_admin
            )
    return people


def bureau_actors(bureau: Bureau, program: str) -> tuple[Actor, Actor, Actor]:
    """The bureau admin, its first reviewer and its second reviewer, each with its own token."""
    return (
        Actor(bureau.admin.username, program),
        Actor(bureau.reviewers[0].username, program),
        Actor(bureau.reviewers[1].username, program),
    )
