"""Ledger downloads: small ledgers are built at once; large ones in Celery, with progress and a stored file."""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import jobs, outbox
from portal.core.errors import NotAllowed
from portal.core.files import stored_file_save
from portal.core.progress import progress_set
from portal.core.roles import Capability
from portal.core.services import record_save
from portal.core.uploads import CheckedUpload
from programs.access import ProgramAccess
from subsidies.ledger import build_ledger
from subsidies.models import CalculationRun, JobStatus, LedgerFile, LedgerJob
from subsidies.selectors import ledger_count, ledger_layout, ledger_rows

logger = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def inline_limit() -> int:
    return getattr(settings, "LEDGER_INLINE_ROWS", 5000)


def ledger_title(program, run: CalculationRun | None) -> str:
    if run is None:
        return _("%(program)s · ledger of approved runs · %(date)s") % {
            "program": program.name,
            "date": timezone.localdate().isoformat(),
        }
    return _("%(program)s · run %(number)s (%(status)s) · %(date)s") % {
        "program": program.name,
        "number": run.number,
        "status": run.get_status_display(),
        "date": timezone.localdate().isoformat(),
    }


def ledger_filename(program, run: CalculationRun | None) -> str:
    scope = f"run{run.number}" if run else "all"
    return f"{program.slug}-ledger-{scope}-{timezone.localdate():%Y%m%d}.xlsx"


def ledger_bytes(program, run: CalculationRun | None = None, progress=None) -> bytes:
    """The ledger of a run (its current lines) or of the program (every approved and paid run)."""
    return build_ledger(
        ledger_rows(program, run), title=ledger_title(program, run), layout=ledger_layout(program), progress=progress
    )


def ledger_request(*, access: ProgramAccess, run: CalculationRun | None = None) -> LedgerJob:
    """Queue a ledger build; the page follows the job and offers the file when it is ready."""
    access.require(Capability.EXPORT_LEDGER)
    with transaction.atomic():
        job = record_save(
            LedgerJob(
                program=access.program, run=run, requested_by=access.user, rows=ledger_count(access.program, run)
            ),
            acting_user=access.user,
        )
        outbox.enqueue("subsidies.tasks.build_ledger_task", job.pk, job=job, message_field="message")
    return job


def _step(job, status, percent, message=""):
    job.status, job.progress, job.message = status, percent, message[:300]
    record_save(job, acting_user=job.requested_by, update_fields=["status", "progress", "message", "updated_at"])
    progress_set("ledger", job.pk, percent, message)


def ledger_build(*, job_id: int) -> int:
    """Build the job's workbook (the Celery task's work). A job that already has its file returns it: running the
    task twice stores one file."""
    job = LedgerJob.objects.select_related("program", "run", "requested_by").get(pk=job_id)
    existing = LedgerFile.objects.filter(job=job).first()
    if existing is not None:
        if job.status != JobStatus.DONE:
            _step(job, JobStatus.DONE, 100)
        return existing.pk
    _step(job, JobStatus.RUNNING, 1, _("Reading the lines"))
    total = max(job.rows, 1)

    def progress(done):
        progress_set(
            "ledger",
            job.pk,
            min(95, 1 + 94 * done // total),
            _("%(done)s of %(total)s rows") % {"done": done, "total": total},
        )

    # a failure is recorded by the task (`portal.core.jobs.job_work`): in the user's language, on a fresh connection
    jobs.drill_pause()
    content = ledger_bytes(job.program, job.run, progress=progress)
    name = ledger_filename(job.program, job.run)
    checked = CheckedUpload(
        name=name,
        stored_name=f"{uuid.uuid4().hex}.xlsx",
        content_type=XLSX,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    with transaction.atomic():
        LedgerJob.objects.select_for_update().get(pk=job.pk)
        existing = LedgerFile.objects.filter(job=job).first()
        if existing is None:
            existing = stored_file_save(
                LedgerFile(job=job),
                upload=ContentFile(content, name=name),
                acting_user=job.requested_by,
                reason=_("Ledger built"),
                checked=checked,
            )
    _step(job, JobStatus.DONE, 100)
    return existing.pk


def ledger_retry(*, access: ProgramAccess, job: LedgerJob) -> LedgerJob:
    """Build a failed ledger job again, on the same record: it stores one file however often it runs."""
    access.require(Capability.EXPORT_LEDGER)
    if job.program_id != access.program.pk:
        raise NotAllowed(_("The ledger job is not one of this program's."))
    return jobs.job_retry("ledger", job, acting_user=access.user)
