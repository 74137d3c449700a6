from django.urls import path

from portal.core import urlparams
from subsidies import pricing_views, run_views

app_name = "subsidies"

urlparams.register("run", "subsidies.CalculationRun")
urlparams.register("line", "subsidies.RunLine", program_path="run__program")
urlparams.register("correction", "subsidies.RunCorrection", program_path="run__program")
urlparams.register("award", "subsidies.AwardDecision")
urlparams.register("pool", "subsidies.FundingPool")
urlparams.register("ledger_job", "subsidies.LedgerJob")

urlpatterns = [
    path("policies/<int:version>/reprice/", pricing_views.reprice, name="reprice"),
    # calculation runs (批次核算), funding pools, awards and ledgers
    path("runs/", run_views.run_list_page, name="runs"),
    path("runs/<int:run>/", run_views.run_detail, name="run"),
    path("runs/<int:run>/progress/", run_views.run_progress, name="run-progress"),
    path("runs/<int:run>/recalculate/", run_views.run_recalculate, name="run-recalculate"),
    path("runs/<int:run>/review/", run_views.run_review, name="run-review"),
    path("runs/<int:run>/return/", run_views.run_return, name="run-return"),
    path("runs/<int:run>/approve/", run_views.run_approve, name="run-approve"),
    path("runs/<int:run>/approval/progress/", run_views.run_approval_progress, name="run-approval-progress"),
    path("runs/<int:run>/approval/retry/", run_views.run_approval_retry, name="run-approval-retry"),
    path("runs/<int:run>/pay/", run_views.run_pay, name="run-pay"),
    path("runs/<int:run>/what-if/", run_views.what_if, name="what-if"),
    path("runs/<int:run>/ledger/", run_views.run_ledger, name="run-ledger"),
    path("runs/<int:run>/lines/<int:line>/", run_views.line_detail, name="line"),
    path("runs/<int:run>/lines/<int:line>/pay/", run_views.line_pay, name="line-pay"),
    path("runs/<int:run>/lines/<int:line>/correct/", run_views.line_correct, name="line-correct"),
    path(
        "runs/<int:run>/corrections/<int:correction>/withdraw/",
        run_views.correction_withdraw,
        name="correction-withdraw",
    ),
    path("pools/", run_views.pools, name="pools"),
    path("pools/<int:pool>/", run_views.pool_detail, name="pool"),
    path("awards/", run_views.awards, name="awards"),
    path("awards/<int:award>/withdraw/", run_views.award_withdraw, name="award-withdraw"),
    path("ledger/", run_views.ledger, name="ledger"),
    path("ledger/jobs/<int:ledger_job>/", run_views.ledger_job, name="ledger-job"),
    path("ledger/jobs/<int:ledger_job>/download/", run_views.ledger_download, name="ledger-download"),
    path("ledger/jobs/<int:ledger_job>/retry/", run_views.ledger_job_retry, name="ledger-retry"),
    path("my-subsidies/", run_views.my_subsidies, name="my-subsidies"),
]
