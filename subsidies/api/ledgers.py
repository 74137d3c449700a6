"""The Excel ledgers in the API: the file at once when small, else a job with progress, its retry and download."""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core import outbox
from portal.core.files import stored_file_response
from portal.core.progress import progress_get
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from subsidies import selectors
from subsidies.api.fields import LEDGER_JOB_PATH, RUN_PATH, AnyAcceptNegotiation, run_of
from subsidies.api.outputs import LedgerJobOutput, LedgerJobQueuedOutput, job_url
from subsidies.ledger_jobs import XLSX, inline_limit, ledger_bytes, ledger_filename, ledger_request, ledger_retry
from subsidies.models import JobStatus, LedgerJob

LEDGER_RESPONSES = {
    (200, XLSX): OpenApiTypes.BINARY,
    202: LedgerJobQueuedOutput,
}


def _ledger(access, run=None):
    """The workbook at once when it is small; else a queued job to follow."""
    if selectors.ledger_count(access.program, run) <= inline_limit():
        response = HttpResponse(ledger_bytes(access.program, run), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, ledger_filename(access.program, run))
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return _ledger_job_queued(access, ledger_request(access=access, run=run))


def _ledger_job_queued(access, job) -> Response:
    job.refresh_from_db(fields=["status", "progress", "message"])  # the broker's answer came after the commit
    data = {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "queued": outbox.queued_state(job),
        "url": job_url(access.program, job),
    }
    return Response(LedgerJobQueuedOutput(data).data, status=202)


class RunLedgerApi(ProgramScopedMixin, APIView):
    """The run's Excel ledger (its current lines): the file, or 202 with a job when it is large."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], responses=LEDGER_RESPONSES)
    def get(self, request, program, run):
        access = self.access
        access.require(Capability.EXPORT_LEDGER)
        return _ledger(access, run_of(access, run))


class LedgerApi(ProgramScopedMixin, APIView):
    """The program's Excel ledger (every approved and paid run): the file, or 202 with a job when it is large."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(parameters=[PROGRAM_PATH], responses=LEDGER_RESPONSES)
    def get(self, request, program):
        access = self.access
        access.require(Capability.EXPORT_LEDGER)
        return _ledger(access)


def _job(access, pk) -> LedgerJob:
    access.require(Capability.EXPORT_LEDGER)
    return get_or_404(selectors.ledger_jobs(access=access, every=True), pk)


class LedgerJobApi(ProgramScopedMixin, APIView):
    """A ledger job's progress, and the download once it is done."""

    @extend_schema(parameters=[PROGRAM_PATH, LEDGER_JOB_PATH], responses=LedgerJobOutput)
    def get(self, request, program, ledger_job):
        access = self.access
        job = _job(access, ledger_job)
        progress, message = job.progress, job.message
        if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            live = progress_get("ledger", job.pk) or {}
            progress, message = live.get("progress", progress), live.get("message", message)
        done = job.status == JobStatus.DONE and getattr(job, "file_record", None) is not None
        data = {
            "id": job.pk,
            "status": job.status,
            "progress": progress,
            "message": message,
            "queued": outbox.queued_state(job),
            "rows": job.rows,
            "download": job_url(access.program, job, "ledger-job-download") if done else None,
        }
        return Response(LedgerJobOutput(data).data)


class LedgerJobRetryApi(ProgramScopedMixin, APIView):
    """Build a failed ledger job again, on the same record (one file however often it runs); 409 unless failed."""

    @extend_schema(parameters=[PROGRAM_PATH, LEDGER_JOB_PATH], request=None, responses={202: LedgerJobQueuedOutput})
    def post(self, request, program, ledger_job):
        access = self.access
        return _ledger_job_queued(access, ledger_retry(access=access, job=_job(access, ledger_job)))


class LedgerJobDownloadApi(ProgramScopedMixin, APIView):
    """The workbook a ledger job built; 404 until the job is done."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(parameters=[PROGRAM_PATH, LEDGER_JOB_PATH], responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request, program, ledger_job):
        job = _job(self.access, ledger_job)
        item = getattr(job, "file_record", None)
        if job.status != JobStatus.DONE or item is None:
            raise Http404
        return stored_file_response(item)
