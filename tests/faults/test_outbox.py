"""The outbox (portal.core.outbox): a task is recorded with the change that asks for it, rolled back with it, run at
commit with eager Celery, and kept (with the job saying so) when the broker refuses; the beat's publisher sends
the waiting rows oldest first. A broker at a closed port of this machine needs no service: these run everywhere."""

import socket
import threading
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from portal.core import outbox
from portal.core.models import OutboxMessage
from subsidies.models import CalculationRun

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"


# --- brokers that do not answer (also used by tests/faults/test_broker_faults.py) -------------------------------------


def closed_port() -> int:
    """A port of 127.0.0.1 nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent_listener():
    """A listener on loopback that accepts connections and never answers (a Redis stopped with SIGSTOP, a half-open
    network path). Yields its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, name="silent-listener", daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def _reset_pools(app):
    """Forget the connections made to the previous broker (kombu keeps one pool per broker URL)."""
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def broker_at(url: str):
    """Celery publishes to the broker at `url` (not eagerly) inside the block; as configured after it."""
    from portal.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    _reset_pools(app)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    outbox._paused_until = 0.0
    try:
        yield app
    finally:
        _reset_pools(app)
        app.conf.broker_url, app.conf.task_always_eager = saved
        outbox._paused_until = 0.0


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def access_of(username):
    from programs.access import program_access

    return program_access(user=user(username), slug=SLUG)


# --- eager Celery (the embedded demo, the test suite) ----------------------------------------------------------


def test_with_eager_celery_the_task_runs_at_commit_and_its_row_is_published(django_capture_on_commit_callbacks):
    from subsidies import runs

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(access=access_of("wuyi-reviewer"), title="当场核算")
    run.refresh_from_db()
    assert (run.job_status, run.generation) == ("done", 1)
    row = OutboxMessage.objects.get(job_model="subsidies.calculationrun", job_id=run.pk)
    assert (row.task, row.args, row.attempts) == ("subsidies.tasks.calculate_run_task", [run.pk], 1)
    assert row.published_at is not None and not outbox.waiting_for_broker(run)


def test_a_change_rolled_back_leaves_no_task(django_capture_on_commit_callbacks):
    before = OutboxMessage.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue("portal.core.tasks.ping", "x")
        raise RuntimeError("the change fails")
    assert OutboxMessage.objects.count() == before and callbacks == []


def test_a_task_that_cannot_be_found_is_logged_and_does_not_hold_up_the_others():
    from filings.services import application_transition
    from notifications.models import Notification
    from portal.core.roles import Role
    from tests.filings.test_filings import access_of as filing_access
    from tests.filings.test_filings import demo_user, new_draft

    lost = OutboxMessage.objects.create(task="portal.core.tasks.no_such_task", args=[1])
    application = new_draft("发件箱测试项目")
    # The test's transaction never commits: the submit's notice waits in the outbox like one the broker refused.
    application_transition(access=filing_access(demo_user(Role.ENTERPRISE)), application=application, action="submit")
    step = application.transitions.get()
    notice = OutboxMessage.objects.get(task="notifications.tasks.filing_step_task", args=[step.pk])
    assert notice.published_at is None
    assert not Notification.objects.filter(source=f"filings.Transition:{step.pk}").exists()

    assert outbox.publish_waiting() >= 1
    lost.refresh_from_db()
    notice.refresh_from_db()
    assert lost.published_at is None and "no_such_task" in lost.last_error
    assert notice.published_at is not None
    assert Notification.objects.filter(source=f"filings.Transition:{step.pk}").exists()


def test_the_publisher_is_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task=outbox.PUBLISH_TASK)
    assert task.enabled and (task.interval.every, task.interval.period) == (30, "seconds")


# --- a broker that refuses ---------------------------------------------------------------------------------------


def test_a_run_created_while_the_broker_refuses_is_registered_and_says_so(django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(user("wuyi-reviewer"))
    with broker_at(f"redis://127.0.0.1:{closed_port()}/11"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("api:run-list", kwargs={"program": SLUG}), {"title": "断线核算"})
        assert response.status_code == 201, response.content
        body = client.get(reverse("api:run-detail", kwargs={"program": SLUG, "run": response.json()["id"]})).json()
    assert (body["status"], body["job_status"], body["queued"]) == ("draft", "queued", "waiting_for_broker")
    assert body["job_message"] == str(outbox.WAITING_MESSAGE)
    run = CalculationRun.objects.get(pk=body["id"])
    row = OutboxMessage.objects.get(job_model="subsidies.calculationrun", job_id=run.pk)
    assert row.published_at is None and row.attempts == 1 and row.last_error
    assert run.generation == 0  # nothing was calculated, and nothing pretends it was


def test_the_publisher_stops_at_the_first_refusal_and_keeps_every_row():
    rows = [OutboxMessage.objects.create(task="portal.core.tasks.ping", args=[str(n)]) for n in range(3)]
    with broker_at(f"redis://127.0.0.1:{closed_port()}/11"):
        assert outbox.publish_waiting() == 0
    attempts = [row.attempts for row in OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")]
    assert attempts == [1, 0, 0]
    assert outbox.waiting_count() >= 3


def test_the_job_sweeper_leaves_a_job_whose_task_waits_for_the_broker(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from portal.core import jobs
    from subsidies import runs

    with broker_at(f"redis://127.0.0.1:{closed_port()}/11"), django_capture_on_commit_callbacks(execute=True):
        waiting = runs.run_create(access=access_of("wuyi-reviewer"), title="久等的核算")
    stuck = runs.run_create(access=access_of("wuyi-reviewer"), title="无人接手的核算")
    OutboxMessage.objects.filter(job_model="subsidies.calculationrun", job_id=stuck.pk).update(
        published_at=timezone.now()  # given to a worker that never took it
    )
    long_ago = timezone.now() - timedelta(days=1)
    CalculationRun.objects.filter(pk__in=[waiting.pk, stuck.pk]).update(updated_at=long_ago)

    failed = jobs.jobs_sweep(queued_seconds=3600)
    assert ("run", stuck.pk) in failed and ("run", waiting.pk) not in failed
    assert CalculationRun.objects.get(pk=waiting.pk).job_status == "queued"


def test_the_operator_lists_and_publishes_the_waiting_tasks():
    from io import StringIO

    from django.core.management import call_command

    row = OutboxMessage.objects.create(task="portal.core.tasks.ping", args=["运维"])
    listed = StringIO()
    call_command("outbox", stdout=listed)
    assert f"#{row.pk} " in listed.getvalue() and "portal.core.tasks.ping('运维',)" in listed.getvalue()
    call_command("outbox", "--publish", stdout=StringIO())  # eager here: the task runs
    row.refresh_from_db()
    assert row.published_at is not None


def test_healthz_counts_the_tasks_waiting_for_the_broker(client):
    before = client.get("/healthz").json()["checks"]["queue"]["waiting_for_broker"]
    OutboxMessage.objects.create(task="portal.core.tasks.ping", args=["等待"])
    assert client.get("/healthz").json()["checks"]["queue"]["waiting_for_broker"] == before + 1
