from django.urls import path

from implementation import views
from portal.core import urlparams

app_name = "implementation"

urlparams.register("post", "implementation.ProgressPost", program_path="application__program")
urlparams.register("evidence", "implementation.ProgressEvidence", program_path="post__application__program")
urlparams.register("milestone", "implementation.Milestone", program_path="application__program")
urlparams.register("complaint", "implementation.Complaint", program_path="application__program")

urlpatterns = [
    path("filings/<int:application>/progress/", views.progress, name="progress"),
    path("filings/<int:application>/progress/post/", views.post_create, name="post"),
    path("filings/<int:application>/progress/<int:post>/respond/", views.post_respond, name="respond"),
    path(
        "filings/<int:application>/progress/<int:post>/evidence/<int:evidence>/",
        views.evidence_download,
        name="evidence",
    ),
    path("filings/<int:application>/milestones/new/", views.milestone_edit, name="milestone-new"),
    path("filings/<int:application>/milestones/<int:milestone>/edit/", views.milestone_edit, name="milestone-edit"),
    path("filings/<int:application>/rating/", views.rate, name="rate"),
    path("filings/<int:application>/complaints/", views.complain, name="complain"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:complaint>/decide/", views.complaint_decide, name="complaint-decide"),
    path("milestones/", views.milestone_templates, name="milestone-templates"),
]
