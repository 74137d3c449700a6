from django.urls import path

from portal.core import urlparams
from providers import signup_views, solution_views, views

app_name = "providers"

urlparams.register("round", "providers.SelectionRound")
urlparams.register("seat", "providers.CommitteeSeat", program_path="round__program")
urlparams.register("entry", "providers.RoundApplication", program_path="round__program")
urlparams.register("provider", "providers.PoolMembership")
urlparams.register("document", "providers.ProviderDocument", program_path="membership__program")
urlparams.register("case", "providers.ProviderCase", program_path="membership__program")
urlparams.register("provider_signup", "providers.ProviderSignup")
urlparams.register("solution", "providers.Solution")
urlparams.register("solution_award", "providers.SolutionAward", program_path="solution__program")

urlpatterns = [
    path("providers/", views.provider_list_page, name="list"),
    # Registrations of new providers
    path("provider-signups/", signup_views.signups, name="signups"),
    path("provider-signups/<int:provider_signup>/decide/", signup_views.signup_decide, name="signup-decide"),
    # Selection rounds
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_new, name="round-new"),
    path("rounds/<int:round>/", views.round_detail, name="round"),
    path("rounds/<int:round>/edit/", views.round_edit, name="round-edit"),
    path("rounds/<int:round>/advance/", views.round_advance, name="round-advance"),
    path("rounds/<int:round>/seats/", views.round_seat, name="round-seat"),
    path("rounds/<int:round>/seats/<int:seat>/remove/", views.round_unseat, name="round-unseat"),
    path("rounds/<int:round>/confirm/", views.round_confirm, name="round-confirm"),
    path("rounds/<int:round>/publish/", views.round_publish, name="round-publish"),
    path("rounds/<int:round>/apply/", views.round_apply, name="round-apply"),
    path("rounds/<int:round>/withdraw/", views.round_withdraw, name="round-withdraw"),
    path("rounds/<int:round>/applicants/<int:entry>/", views.entry_detail, name="entry"),
    path("rounds/<int:round>/applicants/<int:entry>/sheet/", views.sheet, name="sheet"),
    path("rounds/<int:round>/applicants/<int:entry>/conflict/", views.conflict, name="conflict"),
    # A provider's page and the bureau's decisions
    path("providers/<int:provider>/", views.provider_detail, name="detail"),
    path("providers/<int:provider>/decide/", views.provider_decide, name="decide"),
    path("providers/<int:provider>/documents/<int:document>/", views.provider_document, name="document"),
    # The provider's own profile
    path("profile/", views.profile, name="profile"),
    path("profile/cases/new/", views.case_edit, name="case-new"),
    path("profile/cases/<int:case>/edit/", views.case_edit, name="case-edit"),
    path("profile/cases/<int:case>/close/", views.case_close, name="case-close"),
    path("profile/documents/", views.document_upload, name="document-upload"),
    path("profile/documents/<int:document>/remove/", views.document_remove, name="document-remove"),
    # The solution library (“小快轻准”产品库)
    path("solutions/", solution_views.library, name="solutions"),
    path("solutions/mine/", solution_views.mine, name="my-solutions"),
    path("solutions/new/", solution_views.edit, name="solution-new"),
    path("solutions/<int:solution>/", solution_views.detail, name="solution"),
    path("solutions/<int:solution>/edit/", solution_views.edit, name="solution-edit"),
    path("solutions/<int:solution>/publish/", solution_views.publish, name="solution-publish"),
    path("solutions/<int:solution>/withdraw/", solution_views.withdraw, name="solution-withdraw"),
    path("solutions/<int:solution>/award/", solution_views.award, name="solution-award"),
    path(
        "solutions/<int:solution>/awards/<int:solution_award>/withdraw/",
        solution_views.award_withdraw,
        name="solution-award-withdraw",
    ),
]
