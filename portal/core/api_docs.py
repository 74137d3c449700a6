"""The OpenAPI schema and its two reference pages, public or behind login (settings.API_DOCS_REQUIRE_LOGIN),
served under the portal's Content-Security-Policy: Swagger UI loads its start-up script from its own URL, and
no page loads anything from another site."""

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission

from portal.core.middleware import content_security_policy


class ApiDocsPermission(BasePermission):
    """Anyone, or only a person logged in (session or token) when the setting asks for it (production)."""

    def has_permission(self, request, view):
        return not settings.API_DOCS_REQUIRE_LOGIN or bool(request.user and request.user.is_authenticated)


class ApiSchemaView(SpectacularAPIView):
    permission_classes = [ApiDocsPermission]


class ApiDocsView(SpectacularSwaggerSplitView):
    permission_classes = [ApiDocsPermission]


class ApiRedocView(SpectacularRedocView):
    """ReDoc writes its styles into the page at run time and reads the schema in a worker: the one page whose
    policy allows inline styles and blob: workers (still no inline or foreign script)."""

    permission_classes = [ApiDocsPermission]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = content_security_policy(
            {"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}
        )
        return response
