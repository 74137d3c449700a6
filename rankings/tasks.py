from celery import shared_task
from celery.signals import worker_ready

from portal.core.jobs import JobKind, job_work, register
from rankings import services
from rankings.models import BulletinJob

register(JobKind("bulletin", "rankings.BulletinJob", "rankings.tasks.render_bulletin_task", working=("rendering",)))


@shared_task(name="rankings.catch_up")
def catch_up_task() -> int:
    """Make the snapshots of every period that ended and has none yet (the beat job; idempotent)."""
    return len(services.snapshots_catch_up())


@shared_task(name="rankings.render_bulletin", time_limit=600, soft_time_limit=540)
def render_bulletin_task(job_id: int) -> int | None:
    """Render a bulletin; running it again for the same snapshot stores nothing new."""

    def work():
        return services.bulletin_render(job=BulletinJob.objects.select_related("bulletin").get(pk=job_id)).pk

    return job_work("bulletin", job_id, work)


@worker_ready.connect
def catch_up_when_the_worker_returns(sender=None, **kwargs):
    """A worker that was down missed the beat's runs: queue the catch-up as soon as it is back."""
    catch_up_task.delay()
