"""Property-based fuzzing of every operation in the OpenAPI schema, as each role and anonymously: no 5xx.

The operations come from the live schema, so routes added later are fuzzed without anyone listing them.
"""

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from demo.build import PROGRAM_LOGIN_PREFIX, ROLE_LOGIN
from portal.core.roles import Role

MAX_EXAMPLES = 25
TURNS = itertools.count()
PROGRAM = "wuyi-2024"

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """Requests go through the WSGI handler, which closes "old" connections after each response; inside a test
    that would close the test's own transaction (Django's test client unhooks the same signals)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(db, keep_test_connection):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        username__in=[f"{PROGRAM_LOGIN_PREFIX['wuyi-2024']}-{ROLE_LOGIN[role]}" for role in Role]
    )
    from accounts.services import api_token_issue

    headers = [{"Authorization": f"Token {api_token_issue(user=user)[1]}"} for user in users]
    assert len(headers) == len(Role)
    return [*headers, {}]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_operation_answers_5xx_for_any_role(case, role_headers):
    # The roles take turns over the generated cases, so that every role fuzzes every operation at a bounded
    # cost. Each case runs as generated (mostly unknown program codes) and again inside a real program, so
    # that the fuzzed query and body reach the code behind the program check.
    headers = role_headers[next(TURNS) % len(role_headers)]
    generated = dict(case.path_parameters or {})
    variants = [generated]
    if generated.get("program") not in (None, PROGRAM):
        variants.append({**generated, "program": PROGRAM})
    for path_parameters in variants:
        case.path_parameters = path_parameters
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query} → {response.status_code}"
        case.validate_response(response, checks=[schemathesis.checks.not_a_server_error])
