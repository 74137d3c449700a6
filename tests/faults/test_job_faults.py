"""Jobs that cannot get stuck (issue 24, findings 1 and 4): a real Celery worker on Redis and PostgreSQL is killed
(`kill -9`) mid-calculation, mid-ledger and mid-PDF, or loses its database connection (`pg_terminate_backend`)
mid-ledger; the sweeper fails the silent job with a reason in the user's language, and a retry on the same record
writes one set of lines or one file. The sweeper, the retry endpoint and the failure reasons are also checked on
SQLite, without services."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone, translation

from portal.core import jobs
from portal.core.errors import Conflict
from subsidies import runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.ledger_jobs import ledger_request, ledger_retry
from subsidies.models import CalculationRun, LedgerFile, LedgerJob, RunLine
from tests.support.acceptance import passed_review
from tests.support.clock import at
from tests.support.environment import need
from tests.support.paths import ROOT
from tests.support.people import WUYI, access_in, access_of, second_approver

SLUG = "jinhua-pilot"
access_of_acceptance = access_in(WUYI)  # the acceptance drill works on the Wuyi demo project
D = Decimal


def in_ui_language(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


# --- without services ------------------------------------------------------------------------------------------


@pytest.fixture
def ledger_job(db):
    from django.core.cache import cache

    from programs.models import Program
    from tests.factories import UserFactory

    cache.clear()  # heartbeats and attempt counts of earlier tests' jobs (their ids come round again)
    program = Program.objects.get(slug=SLUG)
    return LedgerJob.objects.create(program=program, requested_by=UserFactory(), status="running", progress=40)


@pytest.mark.django_db
def test_the_sweeper_fails_a_started_job_without_a_heartbeat_and_spares_a_live_one(ledger_job):
    live = LedgerJob.objects.create(program=ledger_job.program, requested_by=ledger_job.requested_by, status="running")
    done = LedgerJob.objects.create(program=ledger_job.program, requested_by=ledger_job.requested_by, status="done")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    LedgerJob.objects.filter(pk__in=[ledger_job.pk, live.pk, done.pk]).update(updated_at=an_hour_ago)
    jobs.beat("ledger", live.pk)  # its worker still beats

    failed = jobs.jobs_sweep(stale_seconds=600)

    assert failed == [("ledger", ledger_job.pk)]
    ledger_job.refresh_from_db(), live.refresh_from_db(), done.refresh_from_db()
    assert (ledger_job.status, live.status, done.status) == ("failed", "running", "done")
    assert ledger_job.message == in_ui_language(jobs.STALE_REASON)
    assert ledger_job.history.first().history_change_reason  # the failure is in the job's history
    assert jobs.jobs_sweep(stale_seconds=600) == []  # a failed job is not failed twice


@pytest.mark.django_db
def test_a_job_queued_for_too_long_is_failed_as_never_started(ledger_job):
    LedgerJob.objects.filter(pk=ledger_job.pk).update(status="queued", updated_at=timezone.now() - timedelta(days=1))
    assert jobs.jobs_sweep(queued_seconds=3600) == [("ledger", ledger_job.pk)]
    ledger_job.refresh_from_db()
    assert ledger_job.status == "failed" and ledger_job.message == in_ui_language(jobs.NEVER_STARTED_REASON)


def test_a_failure_is_shown_as_a_sentence_never_as_the_drivers_text():
    raw = "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally"
    for error in (OperationalError(raw), RuntimeError(raw), KeyError("file_record")):
        reason = jobs.failure_reason(error)
        assert reason and raw not in reason and "file_record" not in reason
    assert jobs.failure_reason(Conflict("refused")) == "refused"  # a domain refusal is already a sentence


@pytest.mark.django_db
def test_the_api_retries_a_failed_ledger_job_on_the_same_record_and_refuses_any_other(
    ledger_job, client, django_capture_on_commit_callbacks
):
    from programs.models import Program
    from tests.factories import user_with_role

    auditor = access_of("jinhua-auditor", SLUG).user
    ledger_job.status = "failed"
    ledger_job.requested_by = auditor
    ledger_job.save()
    client.force_login(auditor)
    url = f"/api/v1/programs/{SLUG}/ledger-jobs/{ledger_job.pk}/retry/"

    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly here: the job is built at once
        response = client.post(url)

    assert response.status_code == 202, response.content
    assert response.json()["id"] == ledger_job.pk
    ledger_job.refresh_from_db()
    assert ledger_job.status == "done" and LedgerFile.objects.filter(job=ledger_job).count() == 1
    assert LedgerJob.objects.filter(program=ledger_job.program).count() == 1  # no new job record
    assert client.post(url).status_code == 409  # only a failed job is tried again
    other = Program.objects.exclude(pk=ledger_job.program_id).first()
    client.force_login(user_with_role(other, "auditor"))
    assert client.post(url.replace(SLUG, other.slug)).status_code == 404


@pytest.mark.django_db
def test_the_ledger_page_offers_to_try_a_failed_job_again(ledger_job, client, django_capture_on_commit_callbacks):
    auditor = access_of("jinhua-auditor", SLUG).user
    LedgerJob.objects.filter(pk=ledger_job.pk).update(status="failed", requested_by=auditor)
    client.force_login(auditor)
    page = client.get(f"/p/{SLUG}/ledger/")
    retry = f"/p/{SLUG}/ledger/jobs/{ledger_job.pk}/retry/"
    assert page.status_code == 200 and retry in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302 and f"job={ledger_job.pk}" in response["Location"]
    ledger_job.refresh_from_db()
    assert ledger_job.status == "done"


@pytest.mark.django_db
def test_the_sweeper_is_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task=jobs.SWEEP_TASK)
    assert task.enabled and task.interval.every * {"seconds": 1, "minutes": 60}[task.interval.period] <= 60


# --- a real worker ----------------------------------------------------------------------------------------------


def wait_for(what, condition, worker=None, timeout=90):
    """Poll `condition()` until it is true; fail with the worker's log after `timeout` seconds (a ceiling, not a
    measure)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{worker.log() if worker else ''}")


WORKER_APP_NAME = "shugai-drill-worker"


class Worker:
    """`celery -A portal worker --pool prefork --concurrency 2` on the test database and Redis, in its own process
    group, with jobs slowed by `pause` seconds (JOB_DRILL_PAUSE_SECONDS) so that they can be stopped mid-way."""

    def __init__(self, pause: float):
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}:{port}/{db['NAME']}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": url,
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "JOB_DRILL_PAUSE_SECONDS": str(pause),
            "JOB_HEARTBEAT_SECONDS": "1",
            "PGAPPNAME": WORKER_APP_NAME,  # libpq names the worker's connections, so a drill can cut only those
        }
        self._log = tempfile.NamedTemporaryFile(prefix="worker-", suffix=".log", delete=False)  # noqa: SIM115
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "prefork", "--concurrency", "2"]
        command += ["--without-gossip", "--without-mingle", "--loglevel", "info"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log(self) -> str:
        return Path(self._log.name).read_text(errors="replace")[-6000:]

    def kill(self):
        """`kill -9` of the worker and its pool: nothing acknowledges, nothing records a failure."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def broker(transactional_db):
    """The demo data (a transactional test starts from an empty database), a clean Redis database, and tasks sent
    to the broker instead of run in-process; workers started by the test are stopped at its end."""
    need(bool(settings.REDIS_URL), "REDIS_URL is not set")
    need(connection.vendor == "postgresql", "DATABASE_URL does not name PostgreSQL")
    import redis

    from demo.build import demo_build
    from portal.celery import app

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    demo_build()
    started = []

    def start(pause=0.0):
        app.conf.task_always_eager = False
        started.append(Worker(pause))
        return started[-1]

    yield start
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    for worker in started:
        worker.stop()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def jinhua_projects():
    from django.contrib.auth import get_user_model

    from programs.models import Program

    program = Program.objects.get(slug=SLUG)
    actor = get_user_model().objects.get(username="jinhua-reviewer")
    specs = [
        ProjectSpec("三级甲", "power-tools", at("2025-03-10"), track="pilot", n_software=D("1200000"), level=3),
        ProjectSpec("二级乙", "garments", at("2025-10-20"), track="pilot", n_software=D("1500000"), level=2),
        ProjectSpec("四级丙", "magnetic-materials", at("2025-08-31"), track="pilot", x_hardware=D("3000000"), level=4),
    ]
    return accepted_projects_create(program, specs, actor=actor)


def calculated_run():
    """A calculated draft of Jinhua (computed in-process, before any worker starts)."""
    jinhua_projects()
    run = runs.run_create(access=access_of("jinhua-reviewer", SLUG), title="故障演练")
    run.refresh_from_db()
    assert run.job_status == "done" and run.line_count == 3
    return run


def status_of(job):
    job.refresh_from_db()
    return job.status


def killed_and_swept(job, kind, worker, *, status_field="status"):
    """Kill the worker, see the job stay "running" (finding 1), then sweep until the sweeper fails it."""
    if worker.process.poll() is None:
        worker.kill()
    job.refresh_from_db()
    assert getattr(job, status_field) in ("running", "rendering")  # nothing recorded the crash
    wait_for("the sweeper", lambda: (kind, job.pk) in jobs.jobs_sweep(stale_seconds=2), worker)
    job.refresh_from_db()
    assert getattr(job, status_field) == "failed"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_calculation_fails_the_run_and_a_recalculation_writes_one_set_of_lines(broker):
    jinhua_projects()
    worker = broker(pause=30)
    access = access_of("jinhua-reviewer", SLUG)
    run = runs.run_create(access=access, title="故障演练")

    wait_for("the calculation", idle_in_transaction, worker)  # the lines are written, not committed
    worker.kill()
    with pytest.raises(Conflict):  # "the run is being calculated" (finding 1), until the sweeper fails it
        runs.run_recalculate(access=access, run=run)
    killed_and_swept(run, "run", worker, status_field="job_status")
    assert run.job_message == in_ui_language(jobs.STALE_REASON) and run.generation == 0
    assert RunLine.objects.filter(run=run).count() == 0  # the killed calculation left no line

    worker = broker(pause=0)
    runs.run_recalculate(access=access, run=run)
    wait_for("the calculation", lambda: CalculationRun.objects.get(pk=run.pk).job_status == "done", worker)
    run.refresh_from_db()
    assert run.generation == 1 and RunLine.objects.filter(run=run).count() == run.line_count == 3


def idle_in_transaction():
    """Whether another connection of the test database holds an open transaction (a job's uncommitted writes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_approval_keeps_nothing_and_a_retry_draws_the_pools_once(broker, settings):
    from subsidies import approvals
    from subsidies.models import FundingPool, PoolAllocation, RunApproval

    settings.RUN_APPROVAL_INLINE_LINES = 0  # any run is approved in the background
    runs.pool_save(access=access_of("jinhua-admin", SLUG), source="central", budget="400000", reason="下达")
    run = calculated_run()
    runs.run_review(access=access_of("jinhua-reviewer", SLUG), run=run)
    approver = second_approver(SLUG)
    worker = broker(pause=30)
    approvals.run_approve(access=approver, run=run, comment="同意拨付")
    approval = RunApproval.objects.get(run=run)

    # the worker stops inside the approval's transaction: its allocations written, not committed
    wait_for("the approval", lambda: status_of(approval) == "running" and idle_in_transaction(), worker)
    killed_and_swept(approval, "approval", worker)
    run.refresh_from_db()
    assert approval.message == in_ui_language(jobs.STALE_REASON) and run.status == "reviewed"
    assert PoolAllocation.objects.filter(line__run=run).count() == 0
    assert FundingPool.objects.get(program=run.program, source="central").allocated == 0

    worker = broker(pause=0)
    approvals.approval_retry(access=approver, approval=approval)
    wait_for("the retried approval", lambda: status_of(approval) == "done", worker)
    run.refresh_from_db()
    assert run.status == "approved" and RunApproval.objects.filter(run=run).count() == 1
    funded = [line for line in RunLine.objects.filter(run=run) if line.central]
    assert PoolAllocation.objects.filter(line__run=run).count() == len(funded) == 3  # one set, drawn once
    assert FundingPool.objects.get(program=run.program, source="central").allocated == D("400000.00")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_ledger_fails_the_job_and_a_retry_stores_one_file(broker):
    run = calculated_run()
    worker = broker(pause=30)
    access = access_of("jinhua-auditor", SLUG)
    job = ledger_request(access=access, run=run)
    wait_for("the ledger job", lambda: status_of(job) == "running" and jobs.beat_get("ledger", job.pk), worker)

    killed_and_swept(job, "ledger", worker)
    assert job.message == in_ui_language(jobs.STALE_REASON)
    assert LedgerFile.objects.filter(job=job).count() == 0

    worker = broker(pause=0)
    ledger_retry(access=access, job=job)
    wait_for("the retried ledger", lambda: status_of(job) == "done", worker)
    assert LedgerFile.objects.filter(job=job).count() == 1
    assert LedgerJob.objects.filter(run=run).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_ledger_gives_the_job_back_to_the_queue(broker):
    run = calculated_run()
    worker = broker(pause=3)
    job = ledger_request(access=access_of("jinhua-auditor", SLUG), run=run)
    beat = wait_for("the ledger job", lambda: status_of(job) == "running" and jobs.beat_get("ledger", job.pk), worker)
    assert beat["pid"] != worker.process.pid  # the pool's process, not the worker's main one

    os.kill(beat["pid"], signal.SIGKILL)

    # rejected on the lost worker, the task goes back to the queue and another pool process builds the file
    wait_for("the redelivered ledger", lambda: status_of(job) == "done", worker)
    assert jobs.beat_get("ledger", job.pk)["pid"] != beat["pid"]
    assert LedgerFile.objects.filter(job=job).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_pdf_fails_the_report_job_and_a_retry_stores_one_file(broker, completed, panel_people):
    from acceptance import services
    from acceptance.models import AcceptanceReportFile

    review = passed_review(completed, panel_people)
    worker = broker(pause=30)
    requester = access_of_acceptance("wuyi-enterprise2")
    job = services.report_request(access=requester, review=review)
    wait_for("the report job", lambda: status_of(job) == "rendering" and job.progress == 40, worker)

    killed_and_swept(job, "report", worker)
    assert job.message == in_ui_language(jobs.STALE_REASON)
    assert AcceptanceReportFile.objects.filter(review=review).count() == 0

    worker = broker(pause=0)
    services.report_retry(access=requester, job=job)
    wait_for("the retried report", lambda: status_of(job) == "done", worker)
    assert AcceptanceReportFile.objects.filter(review=review).count() == 1
    assert review.report_jobs.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_terminated_mid_ledger_fails_the_job_in_words_and_a_retry_succeeds(broker):
    run = calculated_run()
    worker = broker(pause=4)
    access = access_of("jinhua-auditor", SLUG)
    job = ledger_request(access=access, run=run)
    wait_for("the ledger job", lambda: status_of(job) == "running", worker)

    with connection.cursor() as cursor:
        cursor.execute(  # the worker's connections only: the test's own and any other stay up
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [WORKER_APP_NAME],
        )
        assert any(row[0] for row in cursor.fetchall())

    # the failure handler reconnects and records the failure: the job does not stay "running 1%"
    wait_for("the failure", lambda: status_of(job) == "failed", worker)
    assert job.message == in_ui_language(jobs.failure_reason(OperationalError()))
    assert LedgerFile.objects.filter(job=job).count() == 0

    ledger_retry(access=access, job=job)  # the same worker, on a fresh connection
    wait_for("the retried ledger", lambda: status_of(job) == "done", worker)
    assert LedgerFile.objects.filter(job=job).count() == 1


@pytest.mark.django_db
def test_a_job_that_lost_its_worker_too_often_is_failed_instead_of_run_again(ledger_job):
    from django.core.cache import cache

    from subsidies.tasks import build_ledger_task

    # three deliveries began and none ended (each took its worker down): the fourth does not start the work
    cache.set(jobs._attempts_key("ledger", ledger_job.pk), settings.JOB_MAX_ATTEMPTS)
    assert build_ledger_task.apply(args=[ledger_job.pk]).get() is None
    ledger_job.refresh_from_db()
    assert ledger_job.status == "failed" and ledger_job.message == in_ui_language(jobs.TOO_MANY_ATTEMPTS_REASON)
    assert LedgerFile.objects.filter(job=ledger_job).count() == 0
