from django.urls import path

from accounts import views as account_views
from portal.core import urlparams
from programs import views

app_name = "programs"

urlparams.register("enterprise", "enterprises.EnterpriseProfile")
urlparams.register("module", "programs.ScenarioModule")
urlparams.register("assignment", "programs.RoleAssignment")
urlparams.register("token", "accounts.ApiToken", program_path="user__role_assignments__program")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/<int:enterprise>/", views.enterprise_detail, name="enterprise-detail"),
    path("providers/", views.providers, name="providers"),
    path("industries/", views.industries, name="industries"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/<int:module>/", views.scenario_detail, name="scenario-detail"),
    path("calendar/", views.calendar, name="calendar"),
    path("members/", views.members, name="members"),
    path("members/grant/", views.member_grant, name="member-grant"),
    path("members/new/", views.member_onboard, name="member-onboard"),
    path("members/<int:assignment>/revoke/", views.member_revoke, name="member-revoke"),
    path("members/sign-in/", account_views.program_sign_in, name="sign-in"),
    path("members/tokens/<int:token>/revoke/", account_views.program_token_revoke, name="token-revoke"),
    path("members/locks/lift/", account_views.program_lock_lift, name="lock-lift"),
    path("settings/", views.program_settings, name="settings"),
    path("config/<slug:kind>/new/", views.config_edit, name="config-new"),
    path("config/<slug:kind>/<int:pk>/edit/", views.config_edit, name="config-edit"),
    path("config/<slug:kind>/<int:pk>/toggle/", views.config_toggle, name="config-toggle"),
    path("history/<slug:model>/<int:pk>/", views.history, name="history"),
]
