"""API routes of this feature, included by `portal.api_urls` in the `api` namespace."""

from django.urls import path

from supervision import api

BASE = "programs/<slug:program>/supervision/"
PROJECT = f"{BASE}projects/<int:application>/"
RECTIFICATION = f"{PROJECT}rectifications/<int:rectification>/"

urlpatterns = [
    path(f"{BASE}firms/", api.FirmListApi.as_view(), name="supervision-firms"),
    path(f"{BASE}assignments/", api.AssignmentListApi.as_view(), name="supervision-assignments"),
    path(
        f"{BASE}assignments/<int:supervision_assignment>/end/",
        api.AssignmentEndApi.as_view(),
        name="supervision-assignment-end",
    ),
    path(PROJECT, api.ProjectSupervisionApi.as_view(), name="supervision-project"),
    path(f"{PROJECT}inspections/", api.InspectionApi.as_view(), name="supervision-inspections"),
    path(f"{RECTIFICATION}answer/", api.RectificationAnswerApi.as_view(), name="supervision-rectification-answer"),
    path(f"{RECTIFICATION}close/", api.RectificationCloseApi.as_view(), name="supervision-rectification-close"),
    path(f"{RECTIFICATION}reopen/", api.RectificationReopenApi.as_view(), name="supervision-rectification-reopen"),
    path(f"{RECTIFICATION}waive/", api.RectificationWaiveApi.as_view(), name="supervision-rectification-waive"),
]
