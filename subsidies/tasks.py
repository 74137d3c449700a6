from celery import shared_task
from django.conf import settings
from django.utils import translation

from subsidies import ledger_jobs, runs


@shared_task(name="subsidies.calculate_run", time_limit=1800, soft_time_limit=1700)
def calculate_run_task(run_id: int) -> int:
    """Calculate a draft run. Running it again (after a crash, or twice) leaves one current set of lines."""
    with translation.override(settings.LANGUAGE_CODE):
        return runs.run_calculate(run_id=run_id).generation


@shared_task(name="subsidies.build_ledger", time_limit=1800, soft_time_limit=1700)
def build_ledger_task(job_id: int) -> int:
    """Build a ledger workbook. Running it again for the same job replaces nothing and adds no file."""
    with translation.override(settings.LANGUAGE_CODE):
        return ledger_jobs.ledger_build(job_id=job_id)
