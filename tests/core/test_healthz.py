"""/healthz for the load balancer: unauthenticated JSON, 200 when the database, Redis, a worker and the queue are
well, 503 naming the check that failed; never a program's data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.core import jobs
from subsidies.models import LedgerJob
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(slug="zzh-health-program", name="ZZH健康检查项目")


def test_healthz_answers_ok_without_login_and_shows_no_program_data(client, program):
    LedgerJob.objects.create(program=program, requested_by=UserFactory(), status="queued")
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "redis", "worker", "queue"}
    assert "zzh" not in response.content.decode().lower() and "ZZH" not in response.content.decode()
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["Content-Type"] == "application/json"


def test_a_job_waiting_too_long_fails_the_queue_check(client, program, settings):
    settings.HEALTHZ_WAITING_SECONDS = 600
    job = LedgerJob.objects.create(program=program, requested_by=UserFactory(), status="queued")
    LedgerJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["queue"] and body["checks"]["queue"]["oldest_waiting_seconds"] >= 3600
    assert body["checks"]["database"]["ok"] is True


def test_without_a_worker_heartbeat_the_worker_check_fails_until_a_worker_beats(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a deployment with a broker and workers
    from django.core.cache import cache

    cache.delete(jobs.WORKER_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["worker"]
    jobs.worker_beat()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["worker"]["age_seconds"] >= 0


def test_healthz_takes_no_posts(client):
    assert client.post("/healthz").status_code == 405
