from celery import shared_task

from implementation.notices import complaint_notify, post_notify

NOTICES = {"post": post_notify, "complaint": complaint_notify}


@shared_task(name="implementation.notify", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notify_task(subject: str, object_id: int, event: str) -> int:
    """Tell the people concerned about one implementation event; safe to run twice."""
    notice = NOTICES[subject]
    return len(notice(**{f"{subject}_id": object_id, "event": event}))
