from django.urls import path

from acceptance import report_views
from acceptance.views import announcements, assessments, panel, reviews
from portal.core import urlparams

app_name = "acceptance"

urlparams.register("review", "acceptance.AcceptanceReview", program_path="application__program")
urlparams.register("objection", "acceptance.Objection", program_path="review__application__program")
urlparams.register("report", "acceptance.AuditReport", program_path="audit__review__application__program")
urlparams.register("assessment", "acceptance.DigitalAssessment", program_path="application__program")
urlparams.register("assessment_report", "acceptance.AssessmentReport", program_path="assessment__application__program")
urlparams.register("job", "acceptance.ReportJob", program_path="review__application__program")
urlparams.register("report_file", "acceptance.AcceptanceReportFile", program_path="review__application__program")

urlpatterns = [
    # Acceptance reviews
    path("acceptance/", reviews.review_list, name="reviews"),
    path("filings/<int:application>/acceptance/request/", reviews.review_request, name="request"),
    path("acceptance/<int:review>/", reviews.review_detail, name="review"),
    path("acceptance/<int:review>/cosign/", reviews.cosign, name="cosign"),
    path("acceptance/<int:review>/panel/", panel.panel, name="panel"),
    path("acceptance/<int:review>/replace/", panel.replace, name="replace"),
    path("acceptance/<int:review>/conflict/", panel.conflict, name="conflict"),
    path("acceptance/<int:review>/sheet/", panel.sheet, name="sheet"),
    path("acceptance/<int:review>/audit/", panel.audit, name="audit"),
    path("acceptance/<int:review>/audit/reports/<int:report>/", panel.audit_report, name="audit-report"),
    path("acceptance/<int:review>/close/", panel.close, name="close"),
    path("acceptance/<int:review>/announce/", announcements.announce, name="announce"),
    path("acceptance/<int:review>/objection/", announcements.objection, name="objection"),
    path("acceptance/<int:review>/objections/<int:objection>/resolve/", announcements.resolve, name="resolve"),
    path("acceptance/<int:review>/conclude/", announcements.conclude, name="conclude"),
    # The acceptance report (PDF), made by a Celery task
    path("acceptance/<int:review>/report/", report_views.report_request, name="report-request"),
    path("acceptance/<int:review>/report/jobs/<int:job>/", report_views.report_job, name="report-job"),
    path("acceptance/<int:review>/report/jobs/<int:job>/retry/", report_views.report_retry, name="report-retry"),
    path(
        "acceptance/<int:review>/report/files/<int:report_file>/",
        report_views.report_download,
        name="report-download",
    ),
    # The public announcement (公示)
    path("announcement/", announcements.announcement, name="announcement"),
    # Digital-level assessments
    path("filings/<int:application>/assessments/", assessments.assessments, name="assessments"),
    path("filings/<int:application>/assessments/new/", assessments.assessment_new, name="assessment-new"),
    path(
        "filings/<int:application>/assessments/<int:assessment>/reports/<int:assessment_report>/",
        assessments.assessment_report,
        name="assessment-report",
    ),
]
