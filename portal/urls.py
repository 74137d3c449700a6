from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.throttles import address_limited
from dashboard import views as dashboard_views
from enterprises import views as enterprise_views
from portal.core import health
from portal.core.admin import platform_admins_restrict
from portal.core.api_docs import ApiDocsView, ApiRedocView, ApiSchemaView
from providers import signup_views

platform_admins_restrict(admin.site)  # before admin.site.urls is read below

# Self sign-up of an enterprise or a provider to a program: the pages are their apps', the address is the account's.
signup_patterns = (
    [
        path("<slug:program>/", address_limited("signup")(enterprise_views.signup), name="enterprise"),
        path("<slug:program>/provider/", address_limited("signup")(signup_views.provider_signup), name="provider"),
    ],
    "signup",
)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # for the load balancer: no login, no program data
    path("", dashboard_views.home, name="home"),
    path("programs/", dashboard_views.program_chooser, name="program-chooser"),
    path("accounts/", include("accounts.urls")),
    path("accounts/signup/", include(signup_patterns)),
    path("notifications/", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("p/<slug:program>/", include("dashboard.urls")),
    path("p/<slug:program>/", include("programs.urls")),
    path("p/<slug:program>/", include("accounts.member_urls")),
    path("p/<slug:program>/", include("policies.urls")),
    path("p/<slug:program>/", include("subsidies.urls")),
    path("p/<slug:program>/", include("filings.urls")),
    path("p/<slug:program>/", include("enterprises.urls")),
    path("p/<slug:program>/", include("samples.urls")),
    path("p/<slug:program>/", include("implementation.urls")),
    path("p/<slug:program>/", include("providers.urls")),
    path("p/<slug:program>/", include("scoring.urls")),
    path("p/<slug:program>/", include("acceptance.urls")),
    path("p/<slug:program>/", include("rankings.urls")),
    path("p/<slug:program>/", include("supervision.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", ApiSchemaView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.core.views.bad_request"
handler403 = "portal.core.views.permission_denied"
handler404 = "portal.core.views.page_not_found"
handler500 = "portal.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
