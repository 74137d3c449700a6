from django.urls import path

from accounts.throttles import address_limited
from policies import views
from portal.core import urlparams

app_name = "policies"

urlparams.register("version", "policies.PolicyVersion")
urlparams.register("policy_version", "policies.PolicyVersion")  # the API names a version by its code

urlpatterns = [
    path("policies/", views.versions, name="versions"),
    path("policies/<int:version>/", views.version_detail, name="version"),
    path("policies/<int:version>/parameter/", views.parameter_set, name="parameter-set"),
    path("policies/<int:version>/activate/", views.activate, name="activate"),
    path("policies/<int:version>/draft/", views.draft_from, name="draft-from"),
    # The public calculator computes on every query: per-address limit for those not logged in.
    path(
        "calculator/",
        address_limited("quote", applies=lambda request: bool(request.GET) and not request.user.is_authenticated)(
            views.calculator
        ),
        name="calculator",
    ),
]
