"""The Excel ledgers: at once when small, else a job the page follows; its retry and download."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.core import outbox
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.progress import progress_get
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import program_view, render_page
from subsidies.ledger_jobs import XLSX, inline_limit, ledger_bytes, ledger_filename, ledger_request, ledger_retry
from subsidies.models import JobStatus, LedgerFile, LedgerJob
from subsidies.selectors import ledger_count, ledger_jobs, run_get
from subsidies.views.common import LEDGER_JOBS_SHOWN


def _job_file(job):
    try:
        return job.file_record
    except LedgerFile.DoesNotExist:
        return None


def _ledger_download(program, run):
    response = HttpResponse(ledger_bytes(program, run), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{ledger_filename(program, run)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ledger_page(request, access, run=None):
    """GET: the page, or (`?download=1`) a small ledger at once, writing nothing. POST: a small ledger at once,
    a large one queued as a job that the page follows."""
    count = ledger_count(access.program, run)
    small = count <= inline_limit()
    slug = access.program.slug
    here = (
        reverse("subsidies:run-ledger", kwargs={"program": slug, "run": run.pk})
        if run
        else reverse("subsidies:ledger", kwargs={"program": slug})
    )
    if request.method == "POST":
        if small:
            return _ledger_download(access.program, run)
        job = ledger_request(access=access, run=run)
        outbox.announce(request, job, _("The ledger is being built; the download appears below when it is ready."))
        return redirect(f"{here}?job={job.pk}")
    if request.GET.get("download"):
        if small:
            return _ledger_download(access.program, run)
        messages.warning(request, _("This ledger is too large to build at once: build it in the background."))
    jobs = ledger_jobs(access=access, run=run)
    followed = request.GET.get("job", "")
    return render_page(
        request,
        access,
        "subsidies/runs/ledger.html",
        {
            "run": run,
            "count": count,
            "small": small,
            "limit": inline_limit(),
            "jobs": list(jobs[:LEDGER_JOBS_SHOWN]),
            "job": jobs.filter(pk=int(followed)).first() if followed.isdigit() else None,
        },
    )


@program_view(Capability.EXPORT_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger(request, access):
    return _ledger_page(request, access)


@program_view(Capability.EXPORT_LEDGER)
@require_http_methods(["GET", "POST"])
def run_ledger(request, access, run):
    return _ledger_page(request, access, run_get(access=access, pk=run))


def _ledger_job(access, pk) -> LedgerJob:
    return get_or_404(ledger_jobs(access=access, run=None, every=True), pk)


@program_view(Capability.EXPORT_LEDGER)
@require_GET
def ledger_job(request, access, ledger_job):
    job = _ledger_job(access, ledger_job)
    reported = progress_get("ledger", job.pk) or {}
    done = job.status == JobStatus.DONE and _job_file(job) is not None
    download = (
        reverse("subsidies:ledger-download", kwargs={"program": access.program.slug, "ledger_job": job.pk})
        if done
        else ""
    )
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": 100 if job.status == JobStatus.DONE else max(job.progress, reported.get("progress", 0)),
            "message": job.message or reported.get("message", ""),
            "queued": outbox.queued_state(job),
            "download": download,
        }
    )


@program_view(Capability.EXPORT_LEDGER)
@require_POST
def ledger_job_retry(request, access, ledger_job):
    """Build a failed ledger job again, on the same record; the page follows it."""
    job = _ledger_job(access, ledger_job)
    try:
        ledger_retry(access=access, job=job)
        outbox.announce(
            request, job, _("The ledger is being built again; the download appears below when it is ready.")
        )
    except PortalError as error:
        messages.error(request, error.message)
    slug = access.program.slug
    here = (
        reverse("subsidies:run-ledger", kwargs={"program": slug, "run": job.run_id})
        if job.run_id
        else reverse("subsidies:ledger", kwargs={"program": slug})
    )
    return redirect(f"{here}?job={job.pk}")


@program_view(Capability.EXPORT_LEDGER)
@require_GET
def ledger_download(request, access, ledger_job):
    found = _job_file(_ledger_job(access, ledger_job))
    if found is None:
        raise Http404
    return stored_file_response(found)
