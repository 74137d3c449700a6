"""The acceptance report in the browser: request it, follow the Celery job's progress, download the PDF."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acceptance import selectors, services
from acceptance.models import ReportStatus
from portal.core import outbox
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.roles import Capability
from programs.web import program_view


@program_view(Capability.VIEW_ACCEPTANCE)
@require_POST
def report_request(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    job = services.report_request(access=access, review=item)
    outbox.announce(request, job, _("The report is being generated; it appears below when it is ready."))
    url = reverse("acceptance:review", kwargs={"program": access.program.slug, "review": item.pk})
    return redirect(f"{url}?report_job={job.pk}#report")


@program_view(Capability.VIEW_ACCEPTANCE)
def report_job(request, access, review, job):
    item = selectors.review_get(access=access, pk=review)
    found = selectors.report_job_get(review=item, pk=job)
    download = ""
    if found.status == ReportStatus.DONE and found.report_id:
        download = reverse(
            "acceptance:report-download",
            kwargs={"program": access.program.slug, "review": item.pk, "report_file": found.report_id},
        )
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "progress": found.progress,
            "message": found.message,
            "queued": outbox.queued_state(found),
            "download": download,
        }
    )


@program_view(Capability.VIEW_ACCEPTANCE)
@require_POST
def report_retry(request, access, review, job):
    """Render a failed report job again, on the same record; the page follows it."""
    item = selectors.review_get(access=access, pk=review)
    found = selectors.report_job_get(review=item, pk=job)
    try:
        services.report_retry(access=access, job=found)
        outbox.announce(request, found, _("The report is being generated; it appears below when it is ready."))
    except PortalError as error:
        messages.error(request, error.message)
    url = reverse("acceptance:review", kwargs={"program": access.program.slug, "review": item.pk})
    return redirect(f"{url}?report_job={found.pk}#report")


@program_view(Capability.VIEW_ACCEPTANCE)
def report_download(request, access, review, report_file):
    item = selectors.review_get(access=access, pk=review)
    return stored_file_response(selectors.report_file_get(review=item, pk=report_file))
