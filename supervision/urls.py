from django.urls import path

from portal.core import urlparams
from supervision import views

app_name = "supervision"

urlparams.register("supervision_assignment", "supervision.SupervisionAssignment")
urlparams.register("inspection", "supervision.Inspection", program_path="application__program")
urlparams.register("photo", "supervision.InspectionPhoto", program_path="inspection__application__program")
urlparams.register("rectification", "supervision.Rectification", program_path="application__program")

PROJECT = "supervision/projects/<int:application>/"

urlpatterns = [
    path("supervision/", views.assignments, name="list"),
    path("supervision/assign/", views.assign, name="assign"),
    path("supervision/<int:supervision_assignment>/end/", views.assignment_end, name="end"),
    path(PROJECT, views.project, name="project"),
    path(f"{PROJECT}inspections/new/", views.inspection_new, name="inspection-new"),
    path(f"{PROJECT}inspections/<int:inspection>/photos/<int:photo>/", views.photo, name="photo"),
    path(f"{PROJECT}rectifications/<int:rectification>/answer/", views.rectification_answer, name="answer"),
    path(f"{PROJECT}rectifications/<int:rectification>/close/", views.rectification_close, name="close"),
    path(f"{PROJECT}rectifications/<int:rectification>/reopen/", views.rectification_reopen, name="reopen"),
    path(f"{PROJECT}rectifications/<int:rectification>/waive/", views.rectification_waive, name="waive"),
]
