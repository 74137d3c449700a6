import logging

from celery import shared_task
from celery.signals import worker_ready

from portal.core import outbox

logger = logging.getLogger(__name__)


@shared_task(name="portal.ping")
def ping(text: str) -> str:
    """Round trip through the broker and a worker; the health page and the service tests use it."""
    return f"pong: {text}"


def queue_after_commit(task_path: str, *args) -> None:
    """Queue the task at `task_path` with `args` once the current transaction commits (used for notices). The task
    is recorded in the outbox with the change: a broker outage delays it, never loses it, never undoes the change."""
    outbox.enqueue(task_path, *args)


@shared_task(name=outbox.PUBLISH_TASK, ignore_result=True)
def outbox_publish_task() -> int:
    """The beat's job (every 30 s): publish the tasks registered while the broker did not answer."""
    return outbox.publish_waiting()


@worker_ready.connect
def publish_when_the_worker_starts(sender=None, **kwargs):
    """A worker that starts finds the broker answering: send what waited without waiting for the beat."""
    try:
        outbox_publish_task.delay()
    except Exception:  # noqa: BLE001 — the beat sends them later
        logger.warning("could not queue the outbox publisher at worker start", exc_info=True)
