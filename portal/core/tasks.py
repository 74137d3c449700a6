from celery import shared_task


@shared_task(name="portal.ping")
def ping(text: str) -> str:
    """Round trip through the broker and a worker; the health page and the service tests use it."""
    return f"pong: {text}"
