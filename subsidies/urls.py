from django.urls import path

from portal.core import urlparams
from subsidies.views import ledgers, lines, money, pricing, runs

app_name = "subsidies"

urlparams.register("run", "subsidies.CalculationRun")
urlparams.register("line", "subsidies.RunLine", program_path="run__program")
urlparams.register("correction", "subsidies.RunCorrection", program_path="run__program")
urlparams.register("award", "subsidies.AwardDecision")
urlparams.register("pool", "subsidies.FundingPool")
urlparams.register("ledger_job", "subsidies.LedgerJob")

urlpatterns = [
    path("policies/<int:version>/reprice/", pricing.reprice, name="reprice"),
    # calculation runs (批次核算), funding pools, awards and ledgers
    path("runs/", runs.run_list_page, name="runs"),
    path("runs/<int:run>/", runs.run_detail, name="run"),
    path("runs/<int:run>/progress/", runs.run_progress, name="run-progress"),
    path("runs/<int:run>/recalculate/", runs.run_recalculate, name="run-recalculate"),
    path("runs/<int:run>/review/", runs.run_review, name="run-review"),
    path("runs/<int:run>/return/", runs.run_return, name="run-return"),
    path("runs/<int:run>/approve/", runs.run_approve, name="run-approve"),
    path("runs/<int:run>/approval/progress/", runs.run_approval_progress, name="run-approval-progress"),
    path("runs/<int:run>/approval/retry/", runs.run_approval_retry, name="run-approval-retry"),
    path("runs/<int:run>/pay/", runs.run_pay, name="run-pay"),
    path("runs/<int:run>/what-if/", runs.what_if, name="what-if"),
    path("runs/<int:run>/ledger/", ledgers.run_ledger, name="run-ledger"),
    path("runs/<int:run>/lines/<int:line>/", lines.line_detail, name="line"),
    path("runs/<int:run>/lines/<int:line>/pay/", lines.line_pay, name="line-pay"),
    path("runs/<int:run>/lines/<int:line>/correct/", lines.line_correct, name="line-correct"),
    path(
        "runs/<int:run>/corrections/<int:correction>/withdraw/",
        lines.correction_withdraw,
        name="correction-withdraw",
    ),
    path("pools/", money.pools, name="pools"),
    path("pools/<int:pool>/", money.pool_detail, name="pool"),
    path("awards/", money.awards, name="awards"),
    path("awards/<int:award>/withdraw/", money.award_withdraw, name="award-withdraw"),
    path("ledger/", ledgers.ledger, name="ledger"),
    path("ledger/jobs/<int:ledger_job>/", ledgers.ledger_job, name="ledger-job"),
    path("ledger/jobs/<int:ledger_job>/download/", ledgers.ledger_download, name="ledger-download"),
    path("ledger/jobs/<int:ledger_job>/retry/", ledgers.ledger_job_retry, name="ledger-retry"),
    path("my-subsidies/", money.my_subsidies, name="my-subsidies"),
]
