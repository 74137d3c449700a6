from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken

from filings import api as filings_api
from programs import api as programs_api
from subsidies import api as subsidies_api

app_name = "api"

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="auth-token"),
    path("programs/", programs_api.ProgramListApi.as_view(), name="program-list"),
    path("programs/<slug:program>/", programs_api.ProgramDetailApi.as_view(), name="program-detail"),
    path("programs/<slug:program>/industries/", programs_api.IndustryListApi.as_view(), name="industry-list"),
    path(
        "programs/<slug:program>/scenario-modules/",
        programs_api.ScenarioModuleListApi.as_view(),
        name="scenario-module-list",
    ),
    path(
        "programs/<slug:program>/organisations/",
        programs_api.OrganisationListApi.as_view(),
        name="organisation-list",
    ),
    path(
        "programs/<slug:program>/policy-versions/",
        subsidies_api.PolicyVersionListApi.as_view(),
        name="policy-version-list",
    ),
    path("programs/<slug:program>/quote/", subsidies_api.QuoteApi.as_view(), name="quote"),
    path("programs/<slug:program>/applications/", filings_api.ApplicationListApi.as_view(), name="application-list"),
    path(
        "programs/<slug:program>/applications/bulk-approve/",
        filings_api.BulkApproveApi.as_view(),
        name="application-bulk-approve",
    ),
    path(
        "programs/<slug:program>/applications/<int:application>/",
        filings_api.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "programs/<slug:program>/applications/<int:application>/transitions/",
        filings_api.ApplicationTransitionApi.as_view(),
        name="application-transition",
    ),
]
