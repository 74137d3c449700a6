"""Every URL pattern and API route, requested by every role of program B and by outsiders, with the path
filled with program A's objects: nothing of A may come back, and nothing of A may change.

Routes come from the resolver, so a route added later is walked the day it is added. A path parameter
the walker cannot fill fails the test: register it with
portal.core.urlparams.register() beside the URL that uses it.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from dashboard.selectors import history_scope
from dashboard.views import CONFIG_FORMS, HISTORY_MODELS
from portal.core import urlparams
from portal.core.roles import Role
from programs.models import Program
from tests.support.history import history_rows

CHECKED = {"pairs": 0, "requests": 0, "routes": 0}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
ALLOWED_REFUSALS = {401, 403, 404}


def walk(resolver=None, prefix="", namespace=""):
    """(route regex text, full name, pattern) for every endpoint below `resolver`."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name or ''}", entry


PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<rname>[^>]+)>[^)]*\)")


def route_params(route):
    return [m.group("name") or m.group("rname") for m in PARAM.finditer(route)]


def fill(route, values):
    values = {key: value for key, value in values.items() if not key.startswith("_")}

    def repl(match):
        return str(values[match.group("name") or match.group("rname")])

    path = PARAM.sub(repl, route).lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return "/" + path.lstrip("/")


def admin_model(route):
    """`admin/programs/industry/<path:object_id>/change/` → the Industry model."""
    match = re.match(r"\^?admin/(?P<app>[a-z_]+)/(?P<model>[a-z]+)/", route)
    return apps.get_model(match["app"], match["model"]) if match else None


def relation_paths(model, depth=2):
    """Lookups from `model` to Program through forward and reverse relations, shortest first."""
    if model is Program:
        return ["pk"]
    paths, frontier = [], [(model, "")]
    for _ in range(depth):
        next_frontier = []
        for current, prefix in frontier:
            for field in current._meta.get_fields():
                if not field.is_relation or field.related_model is None:
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is Program:
                    paths.append(path)
                else:
                    next_frontier.append((field.related_model, f"{path}__"))
        frontier = next_frontier
    return paths


def owned_by(model, program):
    """An object of `model` that belongs to `program`, found by the shortest relation path; None if none."""
    if model is Program:
        return program
    for path in relation_paths(model):
        obj = model._default_manager.filter(**{path: program}).order_by("pk").first()
        if obj is not None:
            return obj
    return None


def fillings(route, name, pair):
    """Every set of path values to try for `route`, each made of program A's objects.

    Parameters are filled from the registries the apps keep (portal.core.urlparams, the history and
    configuration kinds of programs.views) and, for admin routes, from the model named in the route.
    """
    a = pair["a"]
    params = set(route_params(route))
    if not params:
        return [{}]
    if params == {"url"}:  # admin's catch-all for unknown admin paths
        return [{"url": f"programs/industry/{pair['industry'].pk}/unknown/"}]
    if params == {"app_label"}:
        return [{"app_label": config.label} for config in apps.get_app_configs()]
    if params == {"uidb64", "token"}:  # a set-password link (accounts:password-set): a made-up one, for everyone
        return [{"uidb64": "MA", "token": "0-0"}]
    if params == {"content_type_id", "object_id"}:
        objects = [
            model._default_manager.filter(**history_scope(model, a)).first() for model in HISTORY_MODELS.values()
        ]
        return [
            {"content_type_id": ContentType.objects.get_for_model(type(obj)).pk, "object_id": obj.pk}
            for obj in objects
            if obj is not None
        ]
    if params & {"object_id", "id"}:
        key = "object_id" if "object_id" in params else "id"
        model = admin_model(route)
        assert model is not None, f"walker cannot tell the model of admin route {route} ({name})"
        obj = owned_by(model, a) if relation_paths(model) else model._default_manager.order_by("pk").first()
        if obj is None:  # nothing to walk it with: counted, and the count must stay 0
            return [{key: 0, "history_id": 0, "_without_object": True}]
        values = {key: obj.pk}
        if "history_id" in params:
            values["history_id"] = obj.history.order_by("history_id").first().history_id
        return [values]
    base = {"program": a.slug}
    if params == {"program"}:
        return [base]
    if params == {"program", "kind"}:
        return [{**base, "kind": kind} for kind in CONFIG_FORMS]
    if {"kind", "pk"} <= params:
        return [
            {**base, "kind": kind, "pk": need(owned_by(spec[0], a), kind).pk} for kind, spec in CONFIG_FORMS.items()
        ]
    if {"model", "pk"} <= params:
        return [
            {**base, "model": key, "pk": need(model._default_manager.filter(**history_scope(model, a)).first(), key).pk}
            for key, model in HISTORY_MODELS.items()
        ]
    values = dict(base)
    for param in params - {"program"}:
        registered = urlparams.PATH_PARAMETERS.get(param)
        assert registered, f"walker cannot fill <{param}> of {route} ({name}): register it in portal.core.urlparams"
        model = apps.get_model(registered.model)
        obj = model._default_manager.filter(**{registered.program_path: a}).order_by("pk").first()
        values[param] = need(obj, f"{registered.model} of program A").pk
    return [values]


def platform_objects():
    """One object of each platform model the admin shows (nothing of any program), so that its admin routes are
    walked with a real object: program B's staff and outsiders must be refused on them too."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    now = timezone.now()
    attempt = {"username": "zz-walker", "ip_address": "203.0.113.9", "user_agent": "walker"}
    Group.objects.get_or_create(name="walker-platform-group")
    AccessAttempt.objects.create(**attempt, failures_since_start=1, get_data="", post_data="")
    AccessLog.objects.create(**attempt, attempt_time=now)
    AccessFailureLog.objects.create(**attempt, attempt_time=now, locked_out=False)
    interval, _ = IntervalSchedule.objects.get_or_create(every=7, period=IntervalSchedule.DAYS)
    CrontabSchedule.objects.get_or_create(minute="5", hour="3")
    SolarSchedule.objects.get_or_create(event="sunrise", latitude="29.08", longitude="119.65")
    ClockedSchedule.objects.get_or_create(clocked_time=now)
    PeriodicTask.objects.get_or_create(name="walker-platform-task", task="portal.noop", interval=interval)
    token_model = apps.get_model("authtoken", "Token") if apps.is_installed("rest_framework.authtoken") else None
    if token_model is not None:
        from tests.factories import UserFactory

        token_model.objects.get_or_create(user=UserFactory(username="zz-walker-token"))


def without_objects(routes) -> list[str]:
    """The routes the walker could fill only with a placeholder."""
    return [route for route, _name, filled in routes if any(values.get("_without_object") for values in filled)]


def need(obj, what):
    assert obj is not None, f"tenant_pair holds no {what}: add one so the walker can try its routes"
    return obj


def leaked(text, markers):
    return [marker for marker in markers if marker in text]


@pytest.mark.django_db
def test_nothing_of_program_a_reaches_program_b_or_outsiders(tenant_pair, client):
    pair = tenant_pair
    admin_b = pair["users_b"][Role.BUREAU_ADMIN]
    admin_b.is_staff = True
    admin_b.save()
    actors = [*pair["users_b"].values(), pair["nobody"], None]
    markers = pair["markers"]
    platform_objects()
    before = history_rows()
    failures = []

    routes = [(route, name, fillings(route, name, pair)) for route, name, _pattern in walk()]
    CHECKED["routes"] += len(routes)
    missing = without_objects(routes)
    print(f"isolation walker: {len(routes)} routes, {len(missing)} walked without an object")
    assert not missing, (
        "routes with nothing to walk them with (add an object to tenant_pair or platform_objects):\n"
        + ("\n".join(missing))
    )
    for actor in actors:  # signed in once per actor; again only if a route signed it out
        client.logout()
        if actor is not None:
            client.force_login(actor)
        who = actor.username if actor else "anonymous"
        for route, _name, filled in routes:
            for values in filled:
                path = fill(route, values)
                targeted = bool(values) and "app_label" not in values
                CHECKED["pairs"] += 1
                for method in ("get", "post"):
                    response = getattr(client, method)(path)
                    CHECKED["requests"] += 1
                    problem = judge(response, targeted, markers)
                    if problem:
                        failures.append(f"{method.upper()} {path} as {who}: {problem}")
                    if actor is not None and signed_out(response):
                        client.force_login(actor)

    after = history_rows()
    assert not failures, "\n".join(failures[:40]) + f"\n… {len(failures)} failures"
    assert before == after, "a request from program B or an outsider changed records"
    assert CHECKED["pairs"] > 0


def signed_out(response) -> bool:
    """The response ended the session (logout clears the session cookie)."""
    from django.conf import settings

    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie is not None and not cookie.value


def judge(response, targeted, markers):
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    location = response.get("Location", "")
    if 300 <= status < 400:
        parts = urlsplit(location)
        if parts.path.startswith(LOGIN_PATHS):
            return None  # the requested path is echoed in ?next=, which reveals nothing new
        if leaked(location, markers):
            return f"redirect to {location}"
        return f"redirect to {location}" if targeted else None
    body = response.content.decode("utf-8", errors="replace") if not response.streaming else ""
    found = leaked(body, markers)
    if found:
        at = body.find(found[0])
        return f"status {status} with {found} in the body: …{body[max(0, at - 150) : at + 60]}…"
    if targeted and status not in ALLOWED_REFUSALS:
        return f"status {status} for a route filled with program A's objects"
    return None


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?P<table>[\w.]+)"?', re.IGNORECASE)
# What a signed-in reader may change by reading: its own session, the login throttle's records, and the jobs
# that render documents it may read (a report PDF, a large ledger built in the background) with their files.
DOCUMENT_JOBS = (
    "acceptance_reportjob",
    "acceptance_acceptancereportfile",
    "subsidies_ledgerjob",
    "subsidies_ledgerfile",
    "rankings_bulletinjob",
    "rankings_bulletinfile",
)
READER_TABLES = {"django_session", *DOCUMENT_JOBS, *(table.replace("_", "_historical", 1) for table in DOCUMENT_JOBS)}


def writes(queries):
    tables = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match["table"] not in READER_TABLES and not match["table"].startswith("axes_"):
            tables.append(match["table"])
    return tables


@pytest.mark.django_db
def test_the_auditor_writes_nothing_anywhere(tenant_pair, client):
    """The auditor of program A sends POST, PUT, PATCH and DELETE to every route filled with A's objects: no
    request may write a row (the SQL sent is inspected) or fail with a server error."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import user_with_role

    pair = tenant_pair
    auditor = user_with_role(pair["a"], Role.AUDITOR, username="zza-auditor")
    platform_objects()
    failures, sent = [], 0
    client.force_login(auditor)
    for route, name, _pattern in walk():
        for values in fillings(route, name, pair):
            path = fill(route, values)
            for method in ("post", "put", "patch", "delete"):
                with CaptureQueriesContext(connection) as queries:
                    response = getattr(client, method)(path)
                sent += 1
                changed = writes(queries.captured_queries)
                if response.status_code >= 500 or changed:
                    failures.append(f"{method.upper()} {path} ({name}): status {response.status_code}, wrote {changed}")
                if signed_out(response):
                    client.force_login(auditor)
    assert not failures, "\n".join(failures[:40]) + f"\n… {len(failures)} failures"
    assert sent > 1000
