"""Redis failing under the portal, through the real views, services, Celery and (when Redis runs) a real worker.

Reproduces the two findings: a broker that does not answer held each job start without limit (> 120 s; with
connections refused, ~19.5 s each), and a notice asked for while the broker was down was lost. The broker is a
closed port of 127.0.0.1 (refused at once) or a listener on loopback that accepts and never answers (a Redis
stopped with SIGSTOP). Each job start — a calculation run, a ledger, an acceptance report, a bulletin, a filing's
submission with its notice — must answer (no timing is asserted: an alarm fails a call that hangs past BOUND), say
that the job is registered and waits, and, once the broker is back, run exactly once.

The tests commit (transactional): the broker is tried when a service's transaction commits, as in production."""

import signal
import time
from contextlib import contextmanager
from datetime import date

import pytest
from django.conf import settings
from django.contrib.messages import WARNING, get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from acceptance.models import AcceptanceReportFile, ReportJob
from filings.models import Application
from notifications.models import Notification
from portal.core import outbox
from portal.core.models import OutboxMessage
from portal.core.roles import Role
from rankings import periods
from rankings import services as rankings_services
from rankings.models import BulletinFile, BulletinJob
from subsidies.models import CalculationRun, LedgerFile, LedgerJob
from tests.support.brokers import broker_at, closed_port, silent_listener
from tests.support.environment import need
from tests.support.filings import new_draft
from tests.support.people import demo_user, user

pytestmark = pytest.mark.django_db(transaction=True)
SLUG = "wuyi-2024"
BOUND = 10  # seconds: a call still busy after this hangs (the settings aim at about BROKER_TIMEOUT, 2 s)
MEASURED: list[tuple[str, str, float]] = []


class Hung(Exception):
    pass


@contextmanager
def answers_within(seconds, what):
    """Fail (instead of waiting on) a call that does not return within `seconds`; record how long it took."""

    def hung(signum, frame):
        raise Hung(f"{what} did not answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        MEASURED.append((*what, time.monotonic() - started))


@pytest.fixture
def demo():
    """The demo data, committed (a transactional test before this one may have emptied the database)."""
    from demo.build import demo_build

    demo_build()


@pytest.fixture
def targets(demo, passed, wuyi_race, settings):
    """What each job start works on: a closed acceptance review, a ranking snapshot, the program's ledger (always
    built as a job here)."""
    settings.LEDGER_INLINE_ROWS = -1
    program = wuyi_race[0]
    snapshot = rankings_services.snapshot_make(
        program=program, period=periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    )
    return {"review": passed, "snapshot": snapshot}


def logged_in(username):
    client = Client()
    client.force_login(user(username))
    return client


def start_every_job(mode, targets, submitted=None):
    """Start each kind of job through its page or API while the broker does not answer; check each answer says
    the job is registered and waits. The filing step is a submission, or the return of `submitted`. Returns the
    jobs and the filing step whose notice waits."""
    outbox._paused_until = 0.0
    started = {}
    api = APIClient()
    api.force_authenticate(user("wuyi-reviewer"))

    with answers_within(BOUND, (mode, "run create (API)")):
        response = api.post(reverse("api:run-list", kwargs={"program": SLUG}), {"title": f"{mode} 核算"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["job_status"], body["queued"]) == ("queued", "waiting_for_broker")
    assert body["job_message"] == str(outbox.WAITING_MESSAGE)
    started["run"] = CalculationRun.objects.get(pk=body["id"])

    outbox._paused_until = 0.0
    with answers_within(BOUND, (mode, "ledger request (API)")):
        response = api.get(reverse("api:ledger", kwargs={"program": SLUG}))
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["queued"], body["message"]) == (
        "queued",
        "waiting_for_broker",
        str(outbox.WAITING_MESSAGE),
    )
    started["ledger"] = LedgerJob.objects.get(pk=body["id"])

    for kind, username, url, model in (
        (
            "report",
            "wuyi-enterprise2",
            reverse("acceptance:report-request", kwargs={"program": SLUG, "review": targets["review"].pk}),
            ReportJob,
        ),
        (
            "bulletin",
            "wuyi-reviewer",
            reverse("rankings:bulletin-request", kwargs={"program": SLUG, "snapshot": targets["snapshot"].pk}),
            BulletinJob,
        ),
    ):
        client = logged_in(username)
        outbox._paused_until = 0.0
        with answers_within(BOUND, (mode, f"{kind} request (page)")):
            response = client.post(url)
        assert response.status_code == 302
        shown = [(item.level, str(item.message)) for item in get_messages(response.wsgi_request)]
        assert shown == [(WARNING, str(outbox.WAITING_MESSAGE))]  # never "being generated"
        job = model.objects.order_by("-pk").first()
        assert job.status == "queued" and job.message == str(outbox.WAITING_MESSAGE)
        started[kind] = job

    if submitted is None:  # the enterprise submits a new filing: its reviewers are to be told
        application = new_draft(f"{mode} 通知项目")
        actor, data, after = demo_user(Role.ENTERPRISE), {"action": "submit", "expected_status": "draft"}, "submitted"
    else:  # the reviewer returns the one submitted before: its enterprise is to be told
        application, after = submitted, "returned"
        actor = demo_user(Role.BUREAU_REVIEWER)
        data = {"action": "return", "expected_status": "submitted", "comment": "请补充报价单"}
    client = Client()
    client.force_login(actor)
    outbox._paused_until = 0.0
    with answers_within(BOUND, (mode, f"filing {data['action']} (page)")):
        response = client.post(reverse("filings:act", kwargs={"program": SLUG, "application": application.pk}), data)
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == after
    step = application.transitions.order_by("-pk").first()
    assert step.action == data["action"]
    assert not Notification.objects.filter(source=f"filings.Transition:{step.pk}").exists()
    started["application"] = application
    started["notice"] = step

    for kind in ("run", "ledger", "report", "bulletin"):
        job = started[kind]
        assert outbox.waiting_for_broker(job), kind
    notice = OutboxMessage.objects.get(task="notifications.tasks.filing_step_task", args=[step.pk])
    assert notice.published_at is None and notice.attempts == 1  # kept, not lost
    return started


@contextmanager
def broker(mode):
    if mode == "refused":
        with broker_at(f"redis://127.0.0.1:{closed_port()}/11"):
            yield
    else:
        with silent_listener() as port, broker_at(f"redis://127.0.0.1:{port}/11"):
            yield


@pytest.mark.parametrize("mode", ["refused", "silent"])
def test_each_job_start_answers_and_says_it_waits_while_the_broker_is_down(mode, targets):
    with broker(mode):
        started = start_every_job(mode, targets)
    assert CalculationRun.objects.get(pk=started["run"].pk).generation == 0  # nothing ran, nothing claims it did


def _wait_for(check, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


@pytest.mark.services
def test_jobs_and_notices_registered_while_the_broker_was_down_run_once_when_it_is_back(targets):
    need(bool(settings.REDIS_URL), "REDIS_URL is not set")
    need(connection.vendor == "postgresql", "a worker sharing the test database needs PostgreSQL (DATABASE_URL)")
    from celery.contrib.testing.worker import start_worker

    from portal.core.tasks import outbox_publish_task

    batches = []
    for mode in ("refused", "silent"):
        with broker(mode):
            batches.append(start_every_job(mode, targets, batches[-1]["application"] if batches else None))
    waiting = list(OutboxMessage.objects.filter(published_at__isnull=True).values_list("pk", flat=True))
    assert len(waiting) >= 10

    with broker_at(settings.CELERY_BROKER_URL) as app:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(app.conf.task_default_queue)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            outbox_publish_task.delay()  # what the beat sends every 30 s

            def all_done():
                return all(
                    CalculationRun.objects.get(pk=batch["run"].pk).job_status == "done"
                    and LedgerJob.objects.get(pk=batch["ledger"].pk).status == "done"
                    and ReportJob.objects.get(pk=batch["report"].pk).status == "done"
                    and BulletinJob.objects.get(pk=batch["bulletin"].pk).status == "done"
                    and Notification.objects.filter(source=f"filings.Transition:{batch['notice'].pk}").exists()
                    for batch in batches
                )

            assert _wait_for(all_done), "the jobs registered while the broker was down did not run once it was back"

    rows = OutboxMessage.objects.filter(pk__in=waiting)
    assert not rows.filter(published_at__isnull=True).exists()
    assert all(row.attempts == 2 for row in rows)  # refused at commit, published once by the beat's task
    for batch in batches:
        assert CalculationRun.objects.get(pk=batch["run"].pk).generation == 1  # calculated once
        assert LedgerFile.objects.filter(job=batch["ledger"]).count() == 1
        told = Notification.objects.filter(source=f"filings.Transition:{batch['notice'].pk}")
        recipients = list(told.values_list("recipient_id", flat=True))
        assert recipients and len(recipients) == len(set(recipients))  # each told once
    assert AcceptanceReportFile.objects.filter(review=targets["review"]).count() == 1
    assert BulletinFile.objects.filter(snapshot=targets["snapshot"]).count() == 1


def teardown_module(module):
    if MEASURED:
        print("\nbroker fault answers (s): " + "; ".join(f"{m} {a}: {s:.2f}" for m, a, s in MEASURED))
