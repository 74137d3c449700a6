from django.urls import path

from enterprises import pilot_views, views
from portal.core import urlparams

app_name = "enterprises"

urlparams.register("enterprise", "enterprises.EnterpriseProfile")
urlparams.register("signup", "enterprises.SignupRequest")
urlparams.register("pilot", "enterprises.PilotDesignation")

urlpatterns = [
    path("enterprises/", views.enterprise_list_page, name="list"),
    path("enterprises/<int:enterprise>/", views.enterprise_detail, name="detail"),
    path("targets/", views.targets, name="targets"),
    path("targets/import/", views.target_import, name="target-import"),
    path("targets/template.xlsx", views.target_template, name="target-template"),
    path("enterprises/<int:enterprise>/edit/", views.profile_edit, name="profile-edit"),
    path("signups/", views.signups, name="signups"),
    path("signups/<int:signup>/decide/", views.signup_decide, name="signup-decide"),
    path("pilots/", pilot_views.pilots, name="pilots"),
    path("pilots/designate/", pilot_views.pilot_designate_view, name="pilot-designate"),
    path("pilots/<int:pilot>/revoke/", pilot_views.pilot_revoke_view, name="pilot-revoke"),
    path("pilots/publish/", pilot_views.pilot_publish_view, name="pilot-publish"),
    path("pilots/announcement/", pilot_views.pilot_announcement, name="pilot-announcement"),
]
