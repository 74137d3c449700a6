"""The outbox (portal.core.outbox): a task is recorded with the change that asks for it, rolled back with it, run at
commit with eager Celery, and kept (with the job saying so) when the broker refuses; the beat's publisher sends
the waiting rows oldest first. A broker at a closed port of this machine needs no service: these run everywhere."""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from portal.core import outbox
from portal.core.models import OutboxMessage
from subsidies.models import CalculationRun
from tests.support.brokers import broker_at, closed_port
from tests.support.people import access_in, user

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
access_of = access_in(SLUG)

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
    from tests.support.filings import access_of as filing_access
    from tests.support.filings import new_draft
    from tests.support.people import demo_user

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
