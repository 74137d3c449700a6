from django.urls import path

from enterprises import pilot_views, sample_views, views
from portal.core import urlparams

app_name = "enterprises"

urlparams.register("enterprise", "enterprises.EnterpriseProfile")
urlparams.register("signup", "enterprises.SignupRequest")
urlparams.register("pilot", "enterprises.PilotDesignation")
urlparams.register("sample", "enterprises.SampleDesignation")
urlparams.register("sample_application", "enterprises.SampleApplication")
urlparams.register("sample_photo", "enterprises.SamplePhoto", program_path="sample_application__program")

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
    # Sample enterprises (样本企业) and the "learn from samples" gallery (看样学样)
    path("samples/", sample_views.gallery, name="samples"),
    path("samples/<int:sample>/", sample_views.sample_detail, name="sample"),
    path("samples/<int:sample>/start-filing/", sample_views.start_filing, name="sample-start-filing"),
    path("samples/<int:sample>/photos/<int:sample_photo>/", sample_views.sample_photo, name="sample-photo"),
    path("sample-applications/", sample_views.applications, name="sample-applications"),
    path("sample-applications/new/", sample_views.apply, name="sample-apply"),
    path(
        "sample-applications/<int:sample_application>/",
        sample_views.application_detail,
        name="sample-application",
    ),
    path("sample-applications/<int:sample_application>/cosign/", sample_views.cosign, name="sample-cosign"),
    path("sample-applications/<int:sample_application>/withdraw/", sample_views.withdraw, name="sample-withdraw"),
    path("sample-applications/<int:sample_application>/check/", sample_views.check, name="sample-check"),
    path("sample-applications/<int:sample_application>/designate/", sample_views.designate, name="sample-designate"),
    path("sample-applications/<int:sample_application>/decline/", sample_views.decline, name="sample-decline"),
    path("sample-applications/<int:sample_application>/revoke/", sample_views.revoke, name="sample-revoke"),
    path("sample-applications/<int:sample_application>/photos/", sample_views.photo_add, name="sample-photo-add"),
    path(
        "sample-applications/<int:sample_application>/photos/<int:sample_photo>/",
        sample_views.application_photo,
        name="sample-application-photo",
    ),
    path(
        "sample-applications/<int:sample_application>/photos/<int:sample_photo>/remove/",
        sample_views.photo_remove,
        name="sample-photo-remove",
    ),
]
