"""API routes of this feature, included by `portal.api_urls` in the `api` namespace."""

from django.urls import path

from filings.api import SubcontractListApi

urlpatterns = [
    path(
        "programs/<slug:program>/applications/<int:application>/subcontracts/",
        SubcontractListApi.as_view(),
        name="application-subcontracts",
    ),
]
