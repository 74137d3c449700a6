from celery import shared_task

from acceptance.models import ReportJob
from acceptance.services import report_render
from portal.core.jobs import JobKind, job_work, register

register(JobKind("report", "acceptance.ReportJob", "acceptance.tasks.render_report_task", working=("rendering",)))


@shared_task(name="acceptance.render_report", time_limit=300, soft_time_limit=240)
def render_report_task(job_id: int) -> int | None:
    """Render one acceptance report; running it again for the same review data stores nothing new."""

    def work():
        return report_render(job=ReportJob.objects.select_related("report").get(pk=job_id)).pk

    return job_work("report", job_id, work)
