from django.urls import path

from enterprises import pilot_views, views
from portal.core import urlparams

app_name = "enterprises"

urlparams.register("signup", "enterprises.SignupRequest")
urlparams.register("pilot", "enterprises.PilotDesignation")

urlpatterns = [
    path("targets/", views.targets, name="targets"),
    path("targets/import/", views.target_import, name="target-import"),
    path("targets/template.xlsx", views.target_template, name="target-template"),
    path("enterprises/<int:enterprise>/edit/", views.profile_edit, name="profile-edit"),
    path("signups/", views.signups, name="signups"),
    path("signups/<int:signup>/decide/", views.signup_decide, name="signup-decide"),
    path("pilots/", pilot_views.pilots, name="pilots"),
    path("pilots/designate/", pilot_views.pilot_designate_view, name="pilot-designate"),
    path("pilots/<int:pilot>/revoke/", pilot_views.pilot_revoke_view, name="pilot-revoke"),
]
