"""The notices the apps ask for by name through the outbox (`portal.core.tasks.queue_after_commit`), so that an
app never imports the notifications it causes: each task reads the event's record and tells the people concerned.
Every task is safe to run twice (a recipient is told once per source)."""

from celery import shared_task

from notifications.filing_notices import transition_notify
from notifications.implementation_notices import complaint_notify, post_notify
from notifications.selection_notices import decision_notify, publish_notify, seat_notify

RETRIES = {"autoretry_for": (ConnectionError,), "retry_backoff": True, "max_retries": 5}
IMPLEMENTATION = {"post": post_notify, "complaint": complaint_notify}
SELECTION = {"seat": seat_notify, "publish": publish_notify, "decision": decision_notify}


@shared_task(name="notifications.filing_step", **RETRIES)
def filing_step_task(transition_id: int) -> int:
    """Tell everyone involved about one step of a filing's workflow."""
    return len(transition_notify(transition_id=transition_id))


@shared_task(name="notifications.implementation_event", **RETRIES)
def implementation_event_task(subject: str, object_id: int, event: str) -> int:
    """Tell the people concerned about a progress update, its answer, a complaint or its decision."""
    return len(IMPLEMENTATION[subject](**{f"{subject}_id": object_id, "event": event}))


@shared_task(name="notifications.selection_event", **RETRIES)
def selection_event_task(event: str, object_id: int) -> int:
    """Tell the people concerned about a committee seat, a published result or a decision on a provider."""
    return len(SELECTION[event](object_id=object_id))
