from celery import shared_task

from portal.core.jobs import JobKind, job_work, register
from subsidies import approvals, ledger_jobs, runs

register(
    JobKind("run", "subsidies.CalculationRun", "subsidies.tasks.calculate_run_task", "job_status", "job_message", None)
)
register(JobKind("ledger", "subsidies.LedgerJob", "subsidies.tasks.build_ledger_task"))
register(JobKind("approval", "subsidies.RunApproval", "subsidies.tasks.approve_run_task"))


@shared_task(name="subsidies.calculate_run", time_limit=1800, soft_time_limit=1700)
def calculate_run_task(run_id: int) -> int | None:
    """Calculate a draft run. Running it again (after a crash, or twice) leaves one current set of lines."""
    run = job_work("run", run_id, lambda: runs.run_calculate(run_id=run_id))
    return run.generation if run else None


@shared_task(name="subsidies.build_ledger", time_limit=1800, soft_time_limit=1700)
def build_ledger_task(job_id: int) -> int | None:
    """Build a ledger workbook. Running it again for the same job replaces nothing and adds no file."""
    return job_work("ledger", job_id, lambda: ledger_jobs.ledger_build(job_id=job_id))


@shared_task(name="subsidies.approve_run", time_limit=1800, soft_time_limit=1700)
def approve_run_task(approval_id: int) -> str | None:
    """Approve a large reviewed run. The approval is one transaction: a crash keeps nothing, a retry draws once."""
    approval = job_work("approval", approval_id, lambda: approvals.approval_work(approval_id=approval_id))
    return approval.status if approval else None
