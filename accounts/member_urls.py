"""A program's members, under /p/<program>/members/ (namespace "members")."""

from django.urls import path

from accounts import member_views, views
from portal.core import urlparams

app_name = "members"

urlparams.register("assignment", "programs.RoleAssignment")
urlparams.register("token", "accounts.ApiToken", program_path="user__role_assignments__program")

urlpatterns = [
    path("members/", member_views.members, name="list"),
    path("members/grant/", member_views.member_grant, name="grant"),
    path("members/new/", member_views.member_onboard, name="onboard"),
    path("members/<int:assignment>/revoke/", member_views.member_revoke, name="revoke"),
    path("members/sign-in/", views.program_sign_in, name="sign-in"),
    path("members/tokens/<int:token>/revoke/", views.program_token_revoke, name="token-revoke"),
    path("members/locks/lift/", views.program_lock_lift, name="lock-lift"),
]
