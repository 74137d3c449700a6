from celery import shared_task

from providers.notices import decision_notify, publish_notify, seat_notify

NOTICES = {"seat": seat_notify, "publish": publish_notify, "decision": decision_notify}


@shared_task(name="providers.notify", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notify_task(event: str, object_id: int) -> int:
    """Tell the people concerned about one selection event; safe to run twice."""
    return len(NOTICES[event](object_id=object_id))
