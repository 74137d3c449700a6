"""The outbox: every job and notice the portal hands to Celery goes through here, so that a broker that is down
or does not answer never holds a request and never loses a task.

`enqueue(task_path, *args, job=...)` writes an `OutboxMessage` in the caller's transaction (rolled back with
it) and, when the transaction commits, tries once to publish it within the broker bounds of the settings
(`BROKER_TIMEOUT`). A row the broker did not take stays waiting: its job says "registered, runs when the
background service is back" on its page and in the API (`queued: "waiting_for_broker"`), and the beat's
`portal.outbox_publish` (every 30 s, and when a worker starts) publishes the waiting rows, oldest first, once
the broker answers. After one failure a process stops trying at commit for `OUTBOX_PAUSE_SECONDS`, so an
outage costs one request the broker bound and the others nothing.

With eager Celery (the embedded SQLite demo) the task runs at commit, in the process, as it always did."""

import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from portal.core.models import OutboxMessage

logger = logging.getLogger("portal.outbox")
PUBLISH_TASK = "portal.outbox_publish"
WAITING_FOR_BROKER = "waiting_for_broker"
WAITING_MESSAGE = _("Registered; it will run automatically once the background service is back.")
BATCH = 200

_paused_until = 0.0  # this process's pause after a failed publish at commit (monotonic seconds)


def enqueue(task_path: str, *args, job=None, message_field: str = "") -> OutboxMessage:
    """Record the task at `task_path` with JSON `args` in the current transaction; publish it after the commit.
    `job` (a model instance) links the row to the job it starts; when the broker does not take it at once, the
    job's `message_field` (if named) is set to WAITING_MESSAGE. Never raises for a broker outage."""
    row = OutboxMessage.objects.create(
        task=task_path,
        args=list(args),
        job_model=job._meta.label_lower if job is not None else "",
        job_id=job.pk if job is not None else None,
    )

    def publish_now():
        if not publish(row.pk, bounded=True) and job is not None and message_field:
            type(job).objects.filter(pk=job.pk).update(**{message_field: str(WAITING_MESSAGE)})

    transaction.on_commit(publish_now)
    return row


def _eager() -> bool:
    from celery import current_app  # the project's app (portal/celery.py), without importing the wiring

    return bool(current_app.conf.task_always_eager)


def publish(pk: int, *, bounded: bool = False) -> bool:
    """Publish one waiting row; True once it is published (also by someone else). `bounded`: the request's
    attempt at commit, skipped while this process's pause after a failure lasts."""
    global _paused_until
    if _eager():
        return _run_eagerly(pk)
    if bounded and time.monotonic() < _paused_until:
        _failed(pk, "not tried: the broker did not answer a moment ago")
        return False
    with transaction.atomic():
        # The lock keeps the beat and a request from publishing the same row twice.
        row = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None:
            return False  # another publisher holds it
        if row.published_at is not None:
            return True
        try:
            _send(row)
        except Exception as error:  # noqa: BLE001 — the row stays; the beat sends it when the broker is back
            logger.warning("could not queue %s%s: %s", row.task, tuple(row.args), error)
            if bounded:
                _paused_until = time.monotonic() + getattr(settings, "OUTBOX_PAUSE_SECONDS", 10)
            _mark(row, error=error)
            return False
        _mark(row, published=True)
        return True


def _run_eagerly(pk: int) -> bool:
    """Eager Celery: claim the row, then run its task here, outside any lock (the task writes its own rows)."""
    now = timezone.now()
    if not OutboxMessage.objects.filter(pk=pk, published_at__isnull=True).update(published_at=now, last_attempt_at=now):
        return True
    row = OutboxMessage.objects.get(pk=pk)
    OutboxMessage.objects.filter(pk=pk).update(attempts=1)
    try:
        task = import_string(row.task)
    except ImportError as error:
        logger.exception("could not queue %s%s", row.task, tuple(row.args))
        OutboxMessage.objects.filter(pk=pk).update(published_at=None, last_error=str(error)[:500])
        return False
    try:
        task.apply_async(args=row.args, ignore_result=True)
    except Exception:  # noqa: BLE001 — the task ran and failed (its job records why); the change stays committed
        logger.exception("task %s%s failed", row.task, tuple(row.args))
    return True


def _send(row: OutboxMessage) -> None:
    # Nobody waits on these results (the job rows say how the work went): publishing touches the broker only.
    import_string(row.task).apply_async(args=row.args, ignore_result=True)


def _mark(row: OutboxMessage, *, published: bool = False, error: BaseException | None = None) -> None:
    row.attempts += 1
    row.last_attempt_at = timezone.now()
    fields = ["attempts", "last_attempt_at"]
    if published:
        row.published_at = row.last_attempt_at
        fields.append("published_at")
    if error is not None:
        row.last_error = (str(error) or type(error).__name__)[:500]
        fields.append("last_error")
    row.save(update_fields=fields)


def _failed(pk: int, reason: str) -> None:
    OutboxMessage.objects.filter(pk=pk, published_at__isnull=True).update(last_error=reason[:500])


def publish_waiting(limit: int = BATCH) -> int:
    """Publish the waiting rows, oldest first, stopping at the first the broker refuses. Returns how many were
    published. The beat's task; also safe from a shell (`manage.py shell -c ...`)."""
    global _paused_until
    sent = 0
    for pk in (
        OutboxMessage.objects.filter(published_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:limit]
    ):
        if not publish(pk):
            row = OutboxMessage.objects.filter(pk=pk, published_at__isnull=True).first()
            if row is not None and row.last_attempt_at is not None and _import_failed(row):
                continue  # a row whose task cannot be found must not hold up the others
            break
        sent += 1
    if sent:
        _paused_until = 0.0
        logger.info("published %s waiting task(s)", sent)
    return sent


def _import_failed(row: OutboxMessage) -> bool:
    try:
        import_string(row.task)
    except ImportError:
        return True
    return False


def waiting_count() -> int:
    """How many tasks wait for the broker (the health page shows it)."""
    return OutboxMessage.objects.filter(published_at__isnull=True).count()


def waiting_for_broker(job) -> bool:
    """Whether `job` (a model instance) was registered and its task is still waiting for the broker."""
    return OutboxMessage.objects.filter(
        job_model=job._meta.label_lower, job_id=job.pk, published_at__isnull=True
    ).exists()


def waiting_job_ids(model):
    """The ids of the `model` jobs whose task waits for the broker (a queryset, for `pk__in`)."""
    return OutboxMessage.objects.filter(
        job_model=model._meta.label_lower, job_id__isnull=False, published_at__isnull=True
    ).values("job_id")


def queued_state(job) -> str:
    """The API's `queued` field of a job: "waiting_for_broker" while its task waits in the outbox, else ""."""
    return WAITING_FOR_BROKER if waiting_for_broker(job) else ""


def announce(request, job, message, *, level=None) -> None:
    """Tell the user the job is queued (`message`), or, when its task waits for the broker, that it is registered
    and will run once the background service is back: never a success that did not happen."""
    from django.contrib import messages

    if waiting_for_broker(job):
        messages.warning(request, WAITING_MESSAGE)
    else:
        messages.add_message(request, messages.INFO if level is None else level, message)


def schedule_ensure(**kwargs) -> None:
    """Put the publisher in the beat's schedule (django-celery-beat), every 30 seconds; an admin's changes stay."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _created = IntervalSchedule.objects.get_or_create(every=30, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.get_or_create(
        name="outbox: send the tasks registered while the broker was down",
        defaults={
            "task": PUBLISH_TASK,
            "interval": every,
            "description": str(_("Sends the jobs and notices registered while the broker did not answer.")),
        },
    )
