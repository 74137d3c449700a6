from celery import shared_task

from acceptance.models import ReportJob
from acceptance.services import report_failed, report_render


@shared_task(name="acceptance.render_report", time_limit=300, soft_time_limit=240)
def render_report_task(job_id: int) -> int:
    """Render one acceptance report; running it again for the same review data stores nothing new."""
    job = ReportJob.objects.select_related("report").get(pk=job_id)
    try:
        return report_render(job=job).pk
    except Exception as error:
        report_failed(job_id=job_id, message=str(error) or type(error).__name__)
        raise
