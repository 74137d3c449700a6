from django.urls import path

from filings import views
from portal.core import urlparams

app_name = "filings"

urlparams.register("application", "filings.Application")
urlparams.register("attachment", "filings.Attachment", program_path="application__program")

urlpatterns = [
    path("filings/", views.application_list, name="list"),
    path("filings/new/", views.application_new, name="new"),
    path("filings/estimate/", views.estimate_preview, name="estimate"),
    path("filings/bulk-approve/", views.bulk_approve, name="bulk-approve"),
    path("filings/<int:application>/", views.application_detail, name="detail"),
    path("filings/<int:application>/edit/", views.application_edit, name="edit"),
    path("filings/<int:application>/act/", views.application_act, name="act"),
    path("filings/<int:application>/provider-response/", views.provider_response, name="provider-response"),
    path("filings/<int:application>/attachments/", views.attachment_upload, name="attachment-upload"),
    path(
        "filings/<int:application>/attachments/<int:attachment>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        "filings/<int:application>/attachments/<int:attachment>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
]
