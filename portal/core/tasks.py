import logging

from celery import shared_task
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@shared_task(name="portal.ping")
def ping(text: str) -> str:
    """Round trip through the broker and a worker; the health page and the service tests use it."""
    return f"pong: {text}"


def queue_after_commit(task_path: str, *args) -> None:
    """Queue the task at `task_path` with `args` once the current transaction commits. Used for notices: a
    broker outage is logged and never undoes the change that was committed."""

    def dispatch():
        try:
            import_string(task_path).delay(*args)
        except Exception:  # noqa: BLE001 — a notice must never undo a decision
            logger.exception("could not queue %s%s", task_path, args)

    transaction.on_commit(dispatch)
