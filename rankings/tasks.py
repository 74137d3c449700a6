from celery import shared_task
from celery.signals import worker_ready

from rankings import services
from rankings.models import BulletinJob


@shared_task(name="rankings.catch_up")
def catch_up_task() -> int:
    """Make the snapshots of every period that ended and has none yet (the beat job; idempotent)."""
    return len(services.snapshots_catch_up())


@shared_task(name="rankings.render_bulletin", time_limit=600, soft_time_limit=540)
def render_bulletin_task(job_id: int) -> int:
    """Render a bulletin; running it again for the same snapshot stores nothing new."""
    job = BulletinJob.objects.select_related("bulletin").get(pk=job_id)
    try:
        return services.bulletin_render(job=job).pk
    except Exception as error:
        services.bulletin_failed(job_id=job_id, message=str(error) or type(error).__name__)
        raise


@worker_ready.connect
def catch_up_when_the_worker_returns(sender=None, **kwargs):
    """A worker that was down missed the beat's runs: queue the catch-up as soon as it is back."""
    catch_up_task.delay()
