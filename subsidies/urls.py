from django.urls import path

from portal.core import urlparams
from subsidies import views

app_name = "subsidies"

urlparams.register("version", "subsidies.PolicyVersion")
urlparams.register("run", "subsidies.CalculationRun")
urlparams.register("line", "subsidies.RunLine", program_path="run__program")
urlparams.register("correction", "subsidies.RunCorrection", program_path="run__program")
urlparams.register("award", "subsidies.AwardDecision")
urlparams.register("pool", "subsidies.FundingPool")
urlparams.register("ledger_job", "subsidies.LedgerJob")

urlpatterns = [
    path("policies/", views.versions, name="versions"),
    path("policies/<int:version>/", views.version_detail, name="version"),
    path("policies/<int:version>/parameter/", views.parameter_set, name="parameter-set"),
    path("policies/<int:version>/activate/", views.activate, name="activate"),
    path("policies/<int:version>/draft/", views.draft_from, name="draft-from"),
    path("calculator/", views.calculator, name="calculator"),
]
