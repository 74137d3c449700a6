"""Long jobs that cannot get stuck: calculation runs, ledgers, acceptance reports and bulletins.

While a worker works on a job, a thread of its process writes a heartbeat to the cache every few seconds (the
job's own row may be locked by the job's transaction, so the beat lives outside it). A beat task (`jobs.sweep`,
every minute) fails a started job whose heartbeat is older than `JOB_STALE_SECONDS`, with a reason in the
user's language; the job's page and API then offer to try it again, which reuses the job record. Every failure is
recorded in a fresh transaction, reconnecting first when the database connection is gone; the technical detail
goes to the log (logger `portal.jobs`), never to the page.

Each kind of job registers itself (`register`) next to its task."""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import outbox
from portal.core.errors import Conflict, PortalError

logger = logging.getLogger("portal.jobs")
BEAT_TIMEOUT = 24 * 3600
WORKER_KEY = "jobs:worker-beat"
SWEEP_TASK = "portal.jobs_sweep"


@dataclass(frozen=True)
class JobKind:
    """How to read and change one kind of job: its model, its fields, its statuses and the task that does it."""

    name: str
    model: str  # "app_label.Model"
    task: str  # dotted path of the Celery task taking the job's id
    status_field: str = "status"
    message_field: str = "message"
    progress_field: str | None = "progress"
    queued: str = "queued"
    working: tuple[str, ...] = ("running",)
    done: str = "done"
    failed: str = "failed"

    @property
    def model_class(self):
        return apps.get_model(self.model)


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def job_kinds() -> list[JobKind]:
    """Every registered kind; the task modules (where kinds register) are imported first."""
    from celery import current_app  # the project's app (portal/celery.py), without importing the wiring

    current_app.loader.import_default_modules()
    return list(_KINDS.values())


def job_kind(name: str) -> JobKind:
    job_kinds()
    return _KINDS[name]


# --- heartbeat ------------------------------------------------------------------------------------------------


def _beat_key(kind: str, pk) -> str:
    return f"jobs:beat:{kind}:{pk}"


def _attempts_key(kind: str, pk) -> str:
    return f"jobs:attempts:{kind}:{pk}"


def beat(kind: str, pk) -> None:
    """Say the job is alive (and which process works on it). A cache outage never fails the job."""
    try:
        cache.set(
            _beat_key(kind, pk), {"at": time.time(), "pid": os.getpid(), "host": socket.gethostname()}, BEAT_TIMEOUT
        )
    except Exception:  # noqa: BLE001 — a heartbeat is a courtesy to the sweeper
        logger.warning("could not write the heartbeat of %s %s", kind, pk, exc_info=True)


def beat_get(kind: str, pk) -> dict | None:
    """{"at": epoch seconds, "pid", "host"} of the last heartbeat; raises when the cache cannot be read."""
    return cache.get(_beat_key(kind, pk))


class heartbeat:  # noqa: N801 — used as a context manager, like `closing`
    """`with heartbeat("ledger", job.pk): …` beats at once and then every `JOB_HEARTBEAT_SECONDS` until the block
    ends, from a thread of the worker's process: the beat stops exactly when the process does."""

    def __init__(self, kind: str, pk):
        self.kind, self.pk = kind, pk
        self._stop = threading.Event()
        self._thread = None

    def _run(self):
        interval = getattr(settings, "JOB_HEARTBEAT_SECONDS", 10)
        while not self._stop.wait(interval):
            beat(self.kind, self.pk)

    def __enter__(self):
        beat(self.kind, self.pk)
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.kind}-{self.pk}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        return False


def drill_pause() -> None:
    """Wait `JOB_DRILL_PAUSE_SECONDS` (0 outside fault drills): a drill slows a job here to stop its worker or its
    database connection mid-way. Called inside each job's work, where a crash must leave nothing behind."""
    seconds = getattr(settings, "JOB_DRILL_PAUSE_SECONDS", 0)
    if seconds:
        time.sleep(seconds)


def worker_beat() -> None:
    try:
        cache.set(WORKER_KEY, {"at": time.time(), "host": socket.gethostname()}, BEAT_TIMEOUT)
    except Exception:  # noqa: BLE001
        logger.warning("could not write the worker heartbeat", exc_info=True)


def worker_beat_start() -> None:
    """Beat for the worker as a whole (read by /healthz), from a daemon thread of the worker's main process."""

    def run():
        interval = getattr(settings, "JOB_HEARTBEAT_SECONDS", 10)
        while True:
            worker_beat()
            time.sleep(interval)

    threading.Thread(target=run, name="worker-heartbeat", daemon=True).start()


# --- failures -------------------------------------------------------------------------------------------------

STALE_REASON = gettext_lazy(
    "The job stopped answering (its worker stopped while it worked). Nothing it had half done was kept; try again."
)
NEVER_STARTED_REASON = gettext_lazy("The job waited too long without a worker taking it; try again.")
TOO_MANY_ATTEMPTS_REASON = gettext_lazy(
    "The job stopped its worker several times and was not started again; tell the operator before trying again."
)


def failure_reason(error: BaseException) -> str:
    """What the user reads about a failed job: a domain refusal as it is, anything else as a sentence in the
    user's language. The technical detail is logged, never shown."""
    if isinstance(error, PortalError):
        return str(error.message)
    if isinstance(error, InterfaceError | OperationalError):
        return _("The connection to the database was lost while the job worked. Nothing was kept; try again.")
    from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        return _("The job took longer than allowed and was stopped. Nothing was kept; try again later.")
    return _("The job failed because of a system error. Nothing was kept; try again, or tell the operator.")


def job_fail(kind: JobKind, pk, *, reason: str, error: BaseException | None = None, only_from=None) -> bool:
    """Record the job as failed with `reason` (in the user's language), in a fresh transaction: when the database
    connection is gone, it is closed and opened again first. `only_from` limits the change to jobs still in those
    statuses (the sweeper's guard against a job that finished meanwhile). Returns whether the job was changed."""
    if error is not None:
        logger.error("job %s %s failed: %s", kind.name, pk, reason, exc_info=error)
    for attempt in (1, 2):
        try:
            return _record_failure(kind, pk, reason=str(reason), only_from=only_from)
        except (InterfaceError, OperationalError):
            if attempt == 2 or connection.in_atomic_block:
                logger.exception("could not record the failure of job %s %s", kind.name, pk)
                raise
            connection.close()  # the next query opens a new connection
    return False


def _record_failure(kind, pk, *, reason, only_from):
    from portal.core.progress import progress_set
    from portal.core.services import record_save

    Model = kind.model_class
    with transaction.atomic():
        job = Model.objects.select_for_update().filter(pk=pk).first()
        if job is None:
            return False
        status = getattr(job, kind.status_field)
        if status == kind.done or status == kind.failed or (only_from is not None and status not in only_from):
            return False
        setattr(job, kind.status_field, kind.failed)
        setattr(job, kind.message_field, reason[:300])
        fields = [kind.status_field, kind.message_field, "updated_at"]
        record_save(job, acting_user=getattr(job, "requested_by", None), reason=reason, update_fields=fields)
    progress_set(kind.name, pk, getattr(job, kind.progress_field) if kind.progress_field else 0, reason[:300])
    return True


def job_work(kind_name: str, pk, work):
    """Do a job's `work()` under a heartbeat, in the configured UI language. A failure is recorded with a reason
    the user can read (see `job_fail`) and raised again for Celery. A job redelivered after its worker was lost
    runs again (its work is safe to repeat); one that lost its worker `JOB_MAX_ATTEMPTS` times is failed instead."""
    kind = job_kind(kind_name)
    with translation.override(settings.LANGUAGE_CODE):
        if _attempt(kind, pk) > getattr(settings, "JOB_MAX_ATTEMPTS", 3):
            job_fail(kind, pk, reason=str(TOO_MANY_ATTEMPTS_REASON))
            return None
        with heartbeat(kind.name, pk):
            try:
                result = work()
            except Exception as error:
                _attempts_clear(kind, pk)  # only a lost process leaves its attempt counted
                job_fail(kind, pk, reason=failure_reason(error), error=error)
                raise
        _attempts_clear(kind, pk)
        return result


def _attempt(kind, pk) -> int:
    key = _attempts_key(kind.name, pk)
    try:
        cache.add(key, 0, BEAT_TIMEOUT)
        return cache.incr(key)
    except Exception:  # noqa: BLE001 — without the cache, attempts are not counted
        return 1


def _attempts_clear(kind, pk) -> None:
    try:
        cache.delete(_attempts_key(kind.name, pk))
    except Exception:  # noqa: BLE001
        logger.warning("could not clear the attempts of %s %s", kind.name, pk, exc_info=True)


# --- the sweeper ----------------------------------------------------------------------------------------------


def jobs_sweep(*, stale_seconds: float | None = None, queued_seconds: float | None = None) -> list[tuple[str, int]]:
    """Fail every started job whose heartbeat is older than `stale_seconds` (default `JOB_STALE_SECONDS`), and
    every job queued longer than `queued_seconds` (default `JOB_QUEUED_STALE_SECONDS`). Does nothing when the cache
    cannot be read: a live job is never failed for want of its heartbeat. Returns the (kind, id) it failed."""
    stale = stale_seconds if stale_seconds is not None else getattr(settings, "JOB_STALE_SECONDS", 300)
    waited = queued_seconds if queued_seconds is not None else getattr(settings, "JOB_QUEUED_STALE_SECONDS", 6 * 3600)
    try:
        cache.set("jobs:sweep-probe", 1, 60)
        if cache.get("jobs:sweep-probe") != 1:
            raise RuntimeError("the cache does not keep values")
    except Exception:  # noqa: BLE001
        logger.warning("the job sweeper skipped: the cache cannot be read", exc_info=True)
        return []
    now = time.time()
    failed = []
    with translation.override(settings.LANGUAGE_CODE):
        for kind in job_kinds():
            Model = kind.model_class
            started = Model.objects.filter(**{f"{kind.status_field}__in": kind.working})
            for pk, updated_at in started.values_list("pk", "updated_at"):
                found = beat_get(kind.name, pk)
                last = max(found["at"] if found else 0, updated_at.timestamp())
                if now - last > stale and job_fail(kind, pk, reason=str(STALE_REASON), only_from=kind.working):
                    logger.error(
                        "job %s %s failed: no heartbeat for %.0f s (last from %s)", kind.name, pk, now - last, found
                    )
                    failed.append((kind.name, pk))
            cutoff = timezone.now() - timedelta(seconds=waited)
            # a job whose task waits in the outbox for the broker was never given to a worker: it is not stuck
            waiting = Model.objects.filter(**{kind.status_field: kind.queued, "updated_at__lt": cutoff}).exclude(
                pk__in=outbox.waiting_job_ids(Model)
            )
            for pk in waiting.values_list("pk", flat=True):
                if beat_get(kind.name, pk) is None and job_fail(
                    kind, pk, reason=str(NEVER_STARTED_REASON), only_from=(kind.queued,)
                ):
                    logger.error("job %s %s failed: queued since before %s", kind.name, pk, cutoff)
                    failed.append((kind.name, pk))
    return failed


@shared_task(name=SWEEP_TASK)
def jobs_sweep_task() -> int:
    """The beat's job (every minute): fail the jobs whose worker is gone."""
    return len(jobs_sweep())


def oldest_waiting_seconds() -> float:
    """How long the oldest queued job has waited (0 when none): /healthz reports it."""
    oldest = None
    for kind in job_kinds():
        first = (
            kind.model_class.objects.filter(**{kind.status_field: kind.queued})
            .order_by("updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )
        if first is not None and (oldest is None or first < oldest):
            oldest = first
    return max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0


# --- retry ----------------------------------------------------------------------------------------------------


def job_retry(kind_name: str, job, *, acting_user, dispatch=None):
    """Queue a failed job again, on the same record: its work is safe to repeat, so a retry after a crash writes
    no second set of lines and no second file. `dispatch(job_id)` starts the task (default: the kind's task,
    after the commit). Refused unless the job failed."""
    from portal.core.services import record_save

    kind = job_kind(kind_name)
    with transaction.atomic():
        job = type(job).objects.select_for_update().get(pk=job.pk)
        if getattr(job, kind.status_field) != kind.failed:
            raise Conflict(_("Only a failed job can be tried again."))
        setattr(job, kind.status_field, kind.queued)
        setattr(job, kind.message_field, "")
        fields = [kind.status_field, kind.message_field, "updated_at"]
        if kind.progress_field:
            setattr(job, kind.progress_field, 0)
            fields.append(kind.progress_field)
        record_save(job, acting_user=acting_user, reason=_("Tried again"), update_fields=fields)
        _attempts_clear(kind, job.pk)
        if dispatch is not None:
            transaction.on_commit(lambda: dispatch(job.pk))
        else:  # recorded with the retry; sent when the broker answers (portal.core.outbox)
            outbox.enqueue(kind.task, job.pk, job=job, message_field=kind.message_field)
    return job


# --- the schedule ---------------------------------------------------------------------------------------------


def schedule_ensure(**kwargs) -> None:
    """Put the sweeper in the beat's schedule (django-celery-beat), every minute; an admin's changes stay."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _created = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.get_or_create(
        name="jobs: fail the jobs whose worker is gone",
        defaults={
            "task": SWEEP_TASK,
            "interval": every,
            "description": str(gettext_lazy("Fails the jobs without a heartbeat, so that they can be tried again.")),
        },
    )
