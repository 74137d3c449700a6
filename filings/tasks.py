from celery import shared_task

from filings.notices import transition_notify


@shared_task(name="filings.notify_transition", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notify_transition_task(transition_id: int) -> int:
    """Tell everyone involved about one workflow step; safe to run twice."""
    return len(transition_notify(transition_id=transition_id))
