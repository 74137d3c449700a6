"""API routes of this feature, included by `portal.api_urls` in the `api` namespace."""

urlpatterns = []
