from django.urls import path

from portal.core import urlparams
from samples import views

app_name = "samples"

urlparams.register("sample", "samples.SampleDesignation")
urlparams.register("sample_application", "samples.SampleApplication")
urlparams.register("sample_photo", "samples.SamplePhoto", program_path="sample_application__program")

APPLICATION = "sample-applications/<int:sample_application>/"

urlpatterns = [
    # The "learn from samples" gallery (看样学样)
    path("samples/", views.gallery, name="gallery"),
    path("samples/<int:sample>/", views.sample_detail, name="detail"),
    path("samples/<int:sample>/start-filing/", views.start_filing, name="start-filing"),
    path("samples/<int:sample>/photos/<int:sample_photo>/", views.sample_photo, name="photo"),
    # Applications for sample status (样本企业)
    path("sample-applications/", views.applications, name="applications"),
    path("sample-applications/new/", views.apply, name="apply"),
    path(APPLICATION, views.application_detail, name="application"),
    path(APPLICATION + "cosign/", views.cosign, name="cosign"),
    path(APPLICATION + "withdraw/", views.withdraw, name="withdraw"),
    path(APPLICATION + "check/", views.check, name="check"),
    path(APPLICATION + "designate/", views.designate, name="designate"),
    path(APPLICATION + "decline/", views.decline, name="decline"),
    path(APPLICATION + "revoke/", views.revoke, name="revoke"),
    path(APPLICATION + "photos/", views.photo_add, name="photo-add"),
    path(APPLICATION + "photos/<int:sample_photo>/", views.application_photo, name="application-photo"),
    path(APPLICATION + "photos/<int:sample_photo>/remove/", views.photo_remove, name="photo-remove"),
]
