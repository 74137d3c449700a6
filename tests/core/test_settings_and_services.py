"""Settings per environment, and the real services named by the environment (required under REQUIRE_SERVICES=1)."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.support.environment import need, services_required
from tests.support.paths import ROOT


def manage(*args, env_extra=None, drop=()):
    drop = {*drop, "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage(
        "check",
        "--settings=portal.settings.production",
        drop=("DJANGO_SECRET_KEY",),
        env_extra={"DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn"},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_passes_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=portal.settings.production",
        env_extra={
            "DJANGO_SECRET_KEY": "x" * 20 + uuid.uuid4().hex + "Zq9!@#$%^&*()",
            "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert ("en", "English") in settings.LANGUAGES


@pytest.mark.django_db
def test_database_is_the_one_the_environment_names():
    url = os.environ.get("DATABASE_URL", "")
    if services_required():
        assert url.startswith(("postgres://", "postgresql://")), "REQUIRE_SERVICES=1 needs DATABASE_URL"
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_cache_round_trip_through_redis():
    need(bool(settings.REDIS_URL), "REDIS_URL is not set")
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    key = f"test:{uuid.uuid4().hex}"
    cache.set(key, "数改", 30)
    assert cache.get(key) == "数改"
    cache.delete(key)


def test_celery_task_through_the_redis_broker_and_a_real_worker():
    need(bool(settings.REDIS_URL), "REDIS_URL is not set")
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app
    from portal.core.tasks import ping

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = ping.delay("数改门户")
            assert result.get(timeout=20) == "pong: 数改门户"
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_tasks_are_eager_exactly_when_no_broker_is_configured():
    from portal.settings import base

    assert (not base.REDIS_URL) == base.CELERY_TASK_ALWAYS_EAGER
    assert (base.REDIS_URL or "memory://") == base.CELERY_BROKER_URL
    from portal.core.tasks import ping

    assert ping.delay("x").get(timeout=10) == "pong: x"  # in-process in tests, see portal/settings/test.py


def test_compose_file_has_the_production_shape():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]
    assert "media" in compose["volumes"]
    assert "DJANGO_SECRET_KEY" in services["web"]["environment"]


@pytest.mark.django_db
def test_a_notice_that_cannot_be_queued_is_logged_and_never_raises(django_capture_on_commit_callbacks, caplog):
    from portal.core.tasks import queue_after_commit

    with django_capture_on_commit_callbacks(execute=True):
        queue_after_commit("portal.core.tasks.no_such_task", 7)
    assert "could not queue portal.core.tasks.no_such_task(7,)" in caplog.text
