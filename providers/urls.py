from django.urls import path

from portal.core import urlparams
from providers import signup_views, solution_views
from providers.views import applicants, pool, profile, rounds

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
    path("providers/", pool.provider_list_page, name="list"),
    # Registrations of new providers
    path("provider-signups/", signup_views.signups, name="signups"),
    path("provider-signups/<int:provider_signup>/decide/", signup_views.signup_decide, name="signup-decide"),
    # Selection rounds
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/new/", rounds.round_new, name="round-new"),
    path("rounds/<int:round>/", rounds.round_detail, name="round"),
    path("rounds/<int:round>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:round>/advance/", rounds.round_advance, name="round-advance"),
    path("rounds/<int:round>/seats/", rounds.round_seat, name="round-seat"),
    path("rounds/<int:round>/seats/<int:seat>/remove/", rounds.round_unseat, name="round-unseat"),
    path("rounds/<int:round>/confirm/", rounds.round_confirm, name="round-confirm"),
    path("rounds/<int:round>/publish/", rounds.round_publish, name="round-publish"),
    path("rounds/<int:round>/apply/", applicants.round_apply, name="round-apply"),
    path("rounds/<int:round>/withdraw/", applicants.round_withdraw, name="round-withdraw"),
    path("rounds/<int:round>/applicants/<int:entry>/", applicants.entry_detail, name="entry"),
    path("rounds/<int:round>/applicants/<int:entry>/sheet/", applicants.sheet, name="sheet"),
    path("rounds/<int:round>/applicants/<int:entry>/conflict/", applicants.conflict, name="conflict"),
    # A provider's page and the bureau's decisions
    path("providers/<int:provider>/", pool.provider_detail, name="detail"),
    path("providers/<int:provider>/decide/", pool.provider_decide, name="decide"),
    path("providers/<int:provider>/documents/<int:document>/", pool.provider_document, name="document"),
    # The provider's own profile
    path("profile/", profile.profile, name="profile"),
    path("profile/cases/new/", profile.case_edit, name="case-new"),
    path("profile/cases/<int:case>/edit/", profile.case_edit, name="case-edit"),
    path("profile/cases/<int:case>/close/", profile.case_close, name="case-close"),
    path("profile/documents/", profile.document_upload, name="document-upload"),
    path("profile/documents/<int:document>/remove/", profile.document_remove, name="document-remove"),
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
