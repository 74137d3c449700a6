from django.urls import include, path

from acceptance.api import announcements as announcement_api
from acceptance.api import assessments as assessment_api
from acceptance.api import reviews as acceptance_api
from accounts import member_api, token_api
from dashboard import api as dashboard_api
from enterprises import pilot_api, target_api
from enterprises import signup_api as enterprise_signup_api
from filings import api as filings_api
from implementation import api as implementation_api
from policies import api as policies_api
from portal.core import urlparams
from programs import api as programs_api
from programs import settings_api
from providers import api as providers_api
from providers import signup_api as provider_signup_api
from providers import solution_api
from rankings import api as rankings_api
from rankings.models import RankingKind
from subsidies import runs as run_services
from subsidies.api import ledgers as ledgers_api
from subsidies.api import money as money_api
from subsidies.api import pricing as pricing_api
from subsidies.api import runs as runs_api

app_name = "api"

urlparams.register("round", "providers.SelectionRound")
urlparams.register("entry", "providers.RoundApplication", program_path="round__program")
urlparams.register("provider", "providers.PoolMembership")
urlparams.register("post", "implementation.ProgressPost", program_path="application__program")
urlparams.register("complaint", "implementation.Complaint", program_path="application__program")
urlparams.register("review", "acceptance.AcceptanceReview", program_path="application__program")
urlparams.register("objection", "acceptance.Objection", program_path="review__application__program")
urlparams.register("solution", "providers.Solution")
urlparams.register("token", "accounts.ApiToken", program_path="user__role_assignments__program")

SELECTION_ROUND = "programs/<slug:program>/selection-rounds/<int:round>/"
APPLICATION = "programs/<slug:program>/applications/<int:application>/"
ACCEPTANCE_REVIEW = "programs/<slug:program>/acceptance-reviews/<int:review>/"
RUN = "programs/<slug:program>/runs/<int:run>/"
SOLUTION = "programs/<slug:program>/solutions/<int:solution>/"

urlpatterns = [
    path("auth/token/", token_api.TokenLoginApi.as_view(), name="auth-token"),
    path("auth/tokens/", token_api.OwnTokenListApi.as_view(), name="own-token-list"),
    path("auth/tokens/<int:token>/revoke/", token_api.OwnTokenRevokeApi.as_view(), name="own-token-revoke"),
    path("programs/<slug:program>/tokens/", token_api.ProgramTokenListApi.as_view(), name="program-token-list"),
    path(
        "programs/<slug:program>/tokens/<int:token>/revoke/",
        token_api.ProgramTokenRevokeApi.as_view(),
        name="program-token-revoke",
    ),
    path("programs/<slug:program>/login-locks/", token_api.ProgramLockListApi.as_view(), name="login-lock-list"),
    path("signup/<slug:program>/", enterprise_signup_api.EnterpriseSignUpApi.as_view(), name="signup"),
    path(
        "signup/<slug:program>/provider/",
        provider_signup_api.ProviderSignUpApi.as_view(),
        name="provider-signup",
    ),
    path("programs/", programs_api.ProgramListApi.as_view(), name="program-list"),
    path("programs/<slug:program>/", programs_api.ProgramDetailApi.as_view(), name="program-detail"),
    path("programs/<slug:program>/industries/", programs_api.IndustryListApi.as_view(), name="industry-list"),
    path(
        "programs/<slug:program>/scenario-modules/",
        programs_api.ScenarioModuleListApi.as_view(),
        name="scenario-module-list",
    ),
    path(
        "programs/<slug:program>/organisations/",
        dashboard_api.OrganisationListApi.as_view(),
        name="organisation-list",
    ),
    path("programs/<slug:program>/members/", member_api.MemberListApi.as_view(), name="member-list"),
    path("programs/<slug:program>/members/new/", member_api.MemberOnboardApi.as_view(), name="member-onboard"),
    path(
        "programs/<slug:program>/members/organisations/",
        member_api.MemberOrganisationListApi.as_view(),
        name="member-organisations",
    ),
    path("programs/<slug:program>/settings/", settings_api.ProgramSettingsApi.as_view(), name="program-settings"),
    path("programs/<slug:program>/targets/", target_api.TargetListApi.as_view(), name="target-list"),
    path("programs/<slug:program>/targets/import/", target_api.TargetImportApi.as_view(), name="target-import"),
    path("programs/<slug:program>/signups/", enterprise_signup_api.SignupListApi.as_view(), name="signup-list"),
    path(
        "programs/<slug:program>/signups/<int:signup>/decision/",
        enterprise_signup_api.SignupDecisionApi.as_view(),
        name="signup-decision",
    ),
    path(
        "programs/<slug:program>/provider-signups/",
        provider_signup_api.ProviderSignupListApi.as_view(),
        name="provider-signup-list",
    ),
    path(
        "programs/<slug:program>/provider-signups/<int:provider_signup>/decision/",
        provider_signup_api.ProviderSignupDecisionApi.as_view(),
        name="provider-signup-decision",
    ),
    path(
        "programs/<slug:program>/policy-versions/",
        policies_api.PolicyVersionListApi.as_view(),
        name="policy-version-list",
    ),
    path(
        "programs/<slug:program>/policy-versions/<slug:policy_version>/activate/",
        policies_api.PolicyVersionActivateApi.as_view(),
        name="policy-version-activate",
    ),
    path(
        "programs/<slug:program>/policy-versions/<slug:policy_version>/reprice/",
        pricing_api.PolicyVersionRepriceApi.as_view(),
        name="policy-version-reprice",
    ),
    path("programs/<slug:program>/quote/", policies_api.QuoteApi.as_view(), name="quote"),
    path("programs/<slug:program>/applications/", filings_api.ApplicationListApi.as_view(), name="application-list"),
    path(
        "programs/<slug:program>/applications/bulk-approve/",
        filings_api.BulkApproveApi.as_view(),
        name="application-bulk-approve",
    ),
    path(
        "programs/<slug:program>/applications/<int:application>/",
        filings_api.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "programs/<slug:program>/applications/<int:application>/transitions/",
        filings_api.ApplicationTransitionApi.as_view(),
        name="application-transition",
    ),
    path(f"{APPLICATION}attachments/", filings_api.AttachmentListApi.as_view(), name="application-attachments"),
    path(
        f"{APPLICATION}provider-response/",
        filings_api.ProviderResponseApi.as_view(),
        name="application-provider-response",
    ),
    path("programs/<slug:program>/batches/", programs_api.BatchListApi.as_view(), name="batch-list"),
    path(
        "programs/<slug:program>/selection-rounds/",
        providers_api.RoundListApi.as_view(),
        name="selection-round-list",
    ),
    path(SELECTION_ROUND, providers_api.RoundDetailApi.as_view(), name="selection-round-detail"),
    path(f"{SELECTION_ROUND}seats/", providers_api.RoundSeatApi.as_view(), name="selection-round-seat"),
    path(f"{SELECTION_ROUND}advance/", providers_api.RoundAdvanceApi.as_view(), name="selection-round-advance"),
    path(f"{SELECTION_ROUND}applications/", providers_api.RoundApplyApi.as_view(), name="selection-round-apply"),
    path(f"{SELECTION_ROUND}conflicts/", providers_api.RoundConflictApi.as_view(), name="selection-round-conflict"),
    path(
        f"{SELECTION_ROUND}sheets/<int:entry>/",
        providers_api.RoundSheetApi.as_view(),
        name="selection-round-sheet",
    ),
    path(f"{SELECTION_ROUND}confirm/", providers_api.RoundConfirmApi.as_view(), name="selection-round-confirm"),
    path(f"{SELECTION_ROUND}publish/", providers_api.RoundPublishApi.as_view(), name="selection-round-publish"),
    path("programs/<slug:program>/providers/", providers_api.ProviderListApi.as_view(), name="provider-list"),
    path(
        "programs/<slug:program>/providers/<int:provider>/decisions/",
        providers_api.ProviderDecisionApi.as_view(),
        name="provider-decision",
    ),
    path(f"{APPLICATION}progress/", implementation_api.ProgressApi.as_view(), name="application-progress"),
    path(
        f"{APPLICATION}progress/<int:post>/response/",
        implementation_api.ProgressResponseApi.as_view(),
        name="application-progress-response",
    ),
    path(f"{APPLICATION}rating/", implementation_api.RatingApi.as_view(), name="application-rating"),
    path(f"{APPLICATION}complaints/", implementation_api.ComplaintListApi.as_view(), name="application-complaints"),
    path(
        "programs/<slug:program>/complaints/<int:complaint>/decision/",
        implementation_api.ComplaintDecisionApi.as_view(),
        name="complaint-decision",
    ),
    path(
        "programs/<slug:program>/acceptance-reviews/",
        acceptance_api.ReviewListApi.as_view(),
        name="acceptance-review-list",
    ),
    path(ACCEPTANCE_REVIEW, acceptance_api.ReviewDetailApi.as_view(), name="acceptance-review-detail"),
    path(f"{APPLICATION}acceptance/", acceptance_api.RequestApi.as_view(), name="acceptance-request"),
    path(f"{ACCEPTANCE_REVIEW}cosign/", acceptance_api.CosignApi.as_view(), name="acceptance-cosign"),
    path(f"{ACCEPTANCE_REVIEW}panel/", acceptance_api.PanelApi.as_view(), name="acceptance-panel"),
    path(f"{ACCEPTANCE_REVIEW}conflicts/", acceptance_api.ConflictApi.as_view(), name="acceptance-conflict"),
    path(f"{ACCEPTANCE_REVIEW}sheet/", acceptance_api.SheetApi.as_view(), name="acceptance-sheet"),
    path(f"{ACCEPTANCE_REVIEW}audit/", acceptance_api.AuditApi.as_view(), name="acceptance-audit"),
    path(f"{ACCEPTANCE_REVIEW}close/", acceptance_api.CloseApi.as_view(), name="acceptance-close"),
    path(f"{ACCEPTANCE_REVIEW}announcement/", announcement_api.AnnounceApi.as_view(), name="acceptance-announce"),
    path(f"{ACCEPTANCE_REVIEW}objections/", announcement_api.ObjectionApi.as_view(), name="acceptance-objection"),
    path(
        f"{ACCEPTANCE_REVIEW}objections/<int:objection>/resolution/",
        announcement_api.ObjectionResolveApi.as_view(),
        name="acceptance-objection-resolve",
    ),
    path(
        "programs/<slug:program>/announcement/",
        announcement_api.AnnouncementListApi.as_view(),
        name="announcement",
    ),
    path(
        "programs/<slug:program>/announcement/conclude/",
        announcement_api.AnnouncementConcludeApi.as_view(),
        name="announcement-conclude",
    ),
    path(f"{APPLICATION}assessments/", assessment_api.AssessmentListApi.as_view(), name="assessment-list"),
    path("programs/<slug:program>/runs/", runs_api.RunListApi.as_view(), name="run-list"),
    path(RUN, runs_api.RunDetailApi.as_view(), name="run-detail"),
    path(f"{RUN}lines/", runs_api.RunLineListApi.as_view(), name="run-lines"),
    path(f"{RUN}lines/<int:line>/", runs_api.RunLineDetailApi.as_view(), name="run-line"),
    path(f"{RUN}lines/<int:line>/payments/", runs_api.RunLinePaymentApi.as_view(), name="run-line-payment"),
    path(f"{RUN}exclusions/", runs_api.RunExclusionListApi.as_view(), name="run-exclusions"),
    path(f"{RUN}calculate/", runs_api.RunCalculateApi.as_view(), name="run-calculate"),
    path(f"{RUN}review/", runs_api.RunStepApi.as_view(step=run_services.run_review), name="run-review"),
    path(f"{RUN}return/", runs_api.RunStepApi.as_view(step=run_services.run_return), name="run-return"),
    path(f"{RUN}approve/", runs_api.RunApproveApi.as_view(), name="run-approve"),
    path(f"{RUN}approval/", runs_api.RunApprovalApi.as_view(), name="run-approval"),
    path(f"{RUN}approval/retry/", runs_api.RunApprovalRetryApi.as_view(), name="run-approval-retry"),
    path(f"{RUN}pay-remaining/", runs_api.RunPayRemainingApi.as_view(), name="run-pay-remaining"),
    path(f"{RUN}corrections/", runs_api.RunCorrectionApi.as_view(), name="run-correction"),
    path(
        f"{RUN}corrections/<int:correction>/withdraw/",
        runs_api.RunCorrectionWithdrawApi.as_view(),
        name="run-correction-withdraw",
    ),
    path(f"{RUN}what-if/", runs_api.RunWhatIfApi.as_view(), name="run-what-if"),
    path(f"{RUN}ledger/", ledgers_api.RunLedgerApi.as_view(), name="run-ledger"),
    path("programs/<slug:program>/ledger/", ledgers_api.LedgerApi.as_view(), name="ledger"),
    path(
        "programs/<slug:program>/ledger-jobs/<int:ledger_job>/",
        ledgers_api.LedgerJobApi.as_view(),
        name="ledger-job",
    ),
    path(
        "programs/<slug:program>/ledger-jobs/<int:ledger_job>/retry/",
        ledgers_api.LedgerJobRetryApi.as_view(),
        name="ledger-job-retry",
    ),
    path(
        "programs/<slug:program>/ledger-jobs/<int:ledger_job>/download/",
        ledgers_api.LedgerJobDownloadApi.as_view(),
        name="ledger-job-download",
    ),
    path("programs/<slug:program>/pools/", money_api.FundingPoolListApi.as_view(), name="pool-list"),
    path("programs/<slug:program>/pools/<int:pool>/", money_api.FundingPoolDetailApi.as_view(), name="pool-detail"),
    path("programs/<slug:program>/awards/", money_api.AwardListApi.as_view(), name="award-list"),
    path(
        "programs/<slug:program>/awards/<int:award>/withdraw/",
        money_api.AwardWithdrawApi.as_view(),
        name="award-withdraw",
    ),
    path("programs/<slug:program>/my-subsidies/", money_api.OwnSubsidyListApi.as_view(), name="my-subsidies"),
    path("programs/<slug:program>/horse-race/", rankings_api.HorseRaceListApi.as_view(), name="horse-race-list"),
    path(
        "programs/<slug:program>/horse-race/<int:snapshot>/",
        rankings_api.HorseRaceDetailApi.as_view(),
        name="horse-race-detail",
    ),
    path(
        "programs/<slug:program>/rankings/<int:snapshot>/publish/",
        rankings_api.SnapshotPublishApi.as_view(),
        name="ranking-publish",
    ),
    # Every ranking kind, one route per kind (reverse with kind=...): an unknown kind matches no route (404), and
    # the isolation walker fills each route with the program's snapshots as it does any other
    *(
        route
        for kind in RankingKind.values
        for route in (
            path(
                f"programs/<slug:program>/rankings/{kind}/",
                rankings_api.RankingListApi.as_view(),
                {"kind": kind},
                name="ranking-list",
            ),
            path(
                f"programs/<slug:program>/rankings/{kind}/<int:snapshot>/",
                rankings_api.RankingDetailApi.as_view(),
                {"kind": kind},
                name="ranking-detail",
            ),
        )
    ),
    path("programs/<slug:program>/kpi/", rankings_api.KpiBoardApi.as_view(), name="kpi"),
    path("programs/<slug:program>/pilots/", pilot_api.PilotListApi.as_view(), name="pilot-list"),
    path(
        "programs/<slug:program>/pilots/publications/",
        pilot_api.PilotPublicationListApi.as_view(),
        name="pilot-publication-list",
    ),
    path(
        "programs/<slug:program>/pilots/<int:pilot>/revoke/",
        pilot_api.PilotRevokeApi.as_view(),
        name="pilot-revoke",
    ),
    # The solution library (“小快轻准”产品库)
    path("programs/<slug:program>/solutions/", solution_api.SolutionListApi.as_view(), name="solution-list"),
    path(SOLUTION, solution_api.SolutionDetailApi.as_view(), name="solution-detail"),
    path(f"{SOLUTION}publish/", solution_api.SolutionPublishApi.as_view(), name="solution-publish"),
    path(f"{SOLUTION}withdraw/", solution_api.SolutionWithdrawApi.as_view(), name="solution-withdraw"),
    path(f"{SOLUTION}award/", solution_api.SolutionAwardApi.as_view(), name="solution-award"),
    path(
        f"{SOLUTION}award/withdraw/",
        solution_api.SolutionAwardWithdrawApi.as_view(),
        name="solution-award-withdraw",
    ),
    # Third-party supervision, subcontracts and sample enterprises: routes kept beside their features.
    path("", include("supervision.api_urls")),
    path("", include("filings.subcontract_api_urls")),
    path("", include("samples.api_urls")),
]
