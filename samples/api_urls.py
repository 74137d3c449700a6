"""API routes of this feature, included by `portal.api_urls` in the `api` namespace."""

from django.urls import path

from samples import api

BASE = "programs/<slug:program>/"
STEP = BASE + "sample-applications/<int:sample_application>/"

urlpatterns = [
    path(BASE + "samples/", api.SampleListApi.as_view(), name="sample-list"),
    path(BASE + "samples/<int:sample>/", api.SampleDetailApi.as_view(), name="sample-detail"),
    path(BASE + "samples/<int:sample>/start-filing/", api.SampleStartFilingApi.as_view(), name="sample-start-filing"),
    path(BASE + "sample-applications/", api.SampleApplicationListApi.as_view(), name="sample-application-list"),
    path(STEP, api.SampleApplicationDetailApi.as_view(), name="sample-application-detail"),
    path(STEP + "cosign/", api.SampleCosignApi.as_view(), name="sample-cosign"),
    path(STEP + "withdraw/", api.SampleWithdrawApi.as_view(), name="sample-withdraw"),
    path(STEP + "check/", api.SampleCheckApi.as_view(), name="sample-check"),
    path(STEP + "designate/", api.SampleDesignateApi.as_view(), name="sample-designate"),
    path(STEP + "decline/", api.SampleDeclineApi.as_view(), name="sample-decline"),
    path(STEP + "revoke/", api.SampleRevokeApi.as_view(), name="sample-revoke"),
]
