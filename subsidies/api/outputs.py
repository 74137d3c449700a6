"""The money API's answers: runs, lines, exclusions, corrections, what-ifs, ledger jobs, pools, awards, an
enterprise's own subsidies."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.api import AwardOutput, FundingOutput, LineOutput
from portal.core import outbox
from portal.core.api import WorkflowActionsField
from subsidies import selectors
from subsidies.api.fields import JOB_QUEUED_HELP, money_field, run_of
from subsidies.models import JobStatus
from subsidies.workflow import RUN


class RunApprovalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, done or failed")
    progress = serializers.IntegerField(help_text="0 to 100")
    message = serializers.CharField(help_text="How far it got, or why it failed (nothing of a failed one is kept)")
    queued = serializers.CharField(help_text=JOB_QUEUED_HELP)
    requested_by = serializers.CharField()
    requested_at = serializers.DateTimeField()


class RunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="draft, reviewed, approved or paid")
    policy_version = serializers.CharField(
        source="policy_version.code",
        allow_null=True,
        default=None,
        help_text="The version of the last calculation; null when its lines were priced under several",
    )
    policy_versions = serializers.SerializerMethodField(
        help_text="The codes of the versions the current lines were priced under (each project's, fixed at approval)"
    )
    generation = serializers.IntegerField(help_text="The current calculation; 0 before the first")
    job_status = serializers.CharField(help_text="The calculation job: '' (not started), queued, running, done, failed")
    job_message = serializers.CharField()
    queued = serializers.SerializerMethodField(
        help_text='"waiting_for_broker" while the calculation is registered and waits for the background service '
        "(it starts by itself once the service is back; job_message says so); otherwise empty"
    )
    line_count = serializers.IntegerField()
    excluded_count = serializers.IntegerField()
    subsidy_total = money_field()
    award_total = money_field()
    total = money_field()
    unfunded_total = money_field(help_text="What the funding pools could not cover at approval")
    created_by = serializers.StringRelatedField()
    created_at = serializers.DateTimeField()
    reviewed_by = serializers.StringRelatedField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.StringRelatedField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    approval = serializers.SerializerMethodField(
        help_text="The latest approval job (a run of more lines than the inline limit is approved in the "
        "background); null when the run had none"
    )
    actions = WorkflowActionsField(RUN)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_policy_versions(self, run) -> list[str]:
        return selectors.run_versions(run)

    def get_queued(self, run) -> str:
        return outbox.queued_state(run) if run.job_status == JobStatus.QUEUED else ""

    @extend_schema_field(RunApprovalOutput(allow_null=True))
    def get_approval(self, run) -> dict | None:
        approval = selectors.run_approval(run)
        return RunApprovalOutput(selectors.approval_state(approval)).data if approval is not None else None


class RunProgressOutput(serializers.Serializer):
    progress = serializers.IntegerField(help_text="0 to 100")
    message = serializers.CharField()


class RunGroupOutput(serializers.Serializer):
    name = serializers.CharField()
    lines = serializers.IntegerField()
    subsidy = money_field()
    awards = money_field()
    total = money_field()


class RunSourceTotalOutput(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    share = money_field(help_text="The lines' share of this source")
    unfunded = money_field(allow_null=True, help_text="What its pool could not cover; null while no pool was drawn")


class RunStageCountOutput(serializers.Serializer):
    stage = serializers.CharField()
    count = serializers.IntegerField()


class RunTotalsOutput(serializers.Serializer):
    by_industry = RunGroupOutput(many=True)
    by_township = RunGroupOutput(many=True)
    by_track = RunGroupOutput(many=True)
    by_source = RunSourceTotalOutput(many=True)
    by_stage = RunStageCountOutput(many=True, help_text="Projects left out, by why")


class RunTransitionOutput(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.StringRelatedField()
    comment = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class CarriedFundingOutput(serializers.Serializer):
    """Money a pool granted an approved line after its approval, funded first by a later run's approval."""

    id = serializers.IntegerField()
    run = serializers.IntegerField(source="run.number", help_text="The run whose approval funded it")
    line = serializers.IntegerField(source="line_id")
    line_run = serializers.IntegerField(source="line.run.number", help_text="The run the line belongs to")
    line_position = serializers.IntegerField(source="line.position")
    application = serializers.IntegerField(source="line.application_id")
    enterprise = serializers.CharField(source="line.inputs.enterprise", default="")
    source = serializers.CharField(source="pool.source")
    sequence = serializers.IntegerField(help_text="Order in which the pool was drawn")
    amount = money_field()
    paid = money_field(help_text="Paid against this funding (within the run that funded it)")
    allocated_by = serializers.StringRelatedField()
    allocated_at = serializers.DateTimeField(source="created_at")


class RunDetailOutput(RunOutput):
    progress = RunProgressOutput(allow_null=True, help_text="The calculation's progress, while it reports any")
    totals = RunTotalsOutput()
    transitions = RunTransitionOutput(many=True)
    carried_forward = CarriedFundingOutput(
        many=True, help_text="What this run's approval gave earlier runs' unfunded lines first (the first 200)"
    )
    funded_later = CarriedFundingOutput(
        many=True, help_text="What later runs' approvals gave this run's unfunded lines (the first 200)"
    )


class RunLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField(help_text="project, or adjustment (a correction of an approved line)")
    application = serializers.IntegerField(source="application_id")
    enterprise = serializers.CharField(source="inputs.enterprise", default="")
    uscc = serializers.CharField(source="inputs.uscc", default="")
    township = serializers.CharField(source="inputs.township", default="")
    industry = serializers.CharField(source="inputs.industry", default="", help_text="Industry code")
    industry_name = serializers.CharField(source="inputs.industry_name", default="")
    track = serializers.CharField(source="inputs.track", default="")
    subsidy = money_field()
    awards = money_field()
    total = money_field()
    central = money_field()
    local = money_field()
    city = money_field()
    county = money_field()
    unfunded = money_field(help_text="What the pools could not cover at the run's approval")
    funded_later = money_field(help_text="Of the unfunded part: what later runs' approvals funded (carried forward)")
    paid = money_field(help_text="Every payment on the line, also against money funded later")
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True, help_text="The approved line corrected")
    accepted_at = serializers.DateTimeField()


class RunLineResultOutput(serializers.Serializer):
    """The engine's result as the line stored it (amounts as strings), with its trace."""

    eligible = serializers.BooleanField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)
    policy_version = serializers.CharField(required=False)
    subsidy_lines = LineOutput(many=True, required=False)
    subsidy_subtotal = serializers.CharField(required=False)
    cap = serializers.CharField(allow_null=True, required=False)
    subsidy = serializers.CharField(required=False)
    award_lines = AwardOutput(many=True, required=False)
    total = serializers.CharField(required=False)
    funding_lines = FundingOutput(many=True, required=False)
    trace = serializers.ListField(child=serializers.CharField(), required=False)
    correction = serializers.DictField(required=False, help_text="For an adjustment: the corrected line, before/after")


class LineAllocationOutput(serializers.Serializer):
    source = serializers.CharField(source="pool.source")
    sequence = serializers.IntegerField(help_text="Order in which the pool was drawn")
    requested = money_field()
    allocated = money_field()
    shortfall = money_field()


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line_id")
    carried = serializers.IntegerField(
        source="carried_id", allow_null=True, help_text="Paid against this funding carried forward"
    )
    source = serializers.CharField()
    amount = money_field()
    paid_on = serializers.DateField()
    voucher = serializers.CharField()
    note = serializers.CharField()
    recorded_by = serializers.StringRelatedField()
    recorded_at = serializers.DateTimeField(source="created_at")


class RunLineDetailOutput(RunLineOutput):
    inputs = serializers.DictField(help_text="The facts the calculation read (audited amounts as strings)")
    result = RunLineResultOutput()
    allocations = LineAllocationOutput(many=True)
    carried_fundings = CarriedFundingOutput(many=True, help_text="Funded after the line's approval, by later runs")
    payments = PaymentOutput(many=True)
    outstanding = serializers.DictField(
        child=money_field(), help_text="Per funding source: funded and not yet paid (sources with nothing left omitted)"
    )


class RunExclusionOutput(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    enterprise = serializers.SerializerMethodField()
    stage = serializers.CharField(help_text="not_announced, announcing, on_hold, no_audit, policy or ineligible")
    reason = serializers.CharField()

    def get_enterprise(self, obj) -> str:
        return obj.inputs.get("enterprise") or obj.application.enterprise.organisation.name


class CorrectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    run = serializers.IntegerField(source="run_id")
    line = serializers.IntegerField(source="corrects_id", help_text="The approved line corrected")
    reason = serializers.CharField()
    requested_by = serializers.StringRelatedField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WhatIfRowOutput(serializers.Serializer):
    line = serializers.IntegerField(source="line.pk")
    enterprise = serializers.CharField(source="line.inputs.enterprise", default="")
    current = money_field()
    other = money_field(allow_null=True, help_text="null: not eligible (or not computable) under the other policy")
    difference = money_field()
    note = serializers.CharField()


class WhatIfOutput(serializers.Serializer):
    version = serializers.CharField()
    overrides = serializers.ListField(child=serializers.CharField())
    current_total = money_field()
    other_total = money_field()
    difference = money_field()
    changed = serializers.IntegerField(help_text="Project lines whose total differs")
    rows = WhatIfRowOutput(many=True, help_text="The changed lines (the first 200)")


class LedgerJobQueuedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    message = serializers.CharField()
    queued = serializers.CharField(help_text=JOB_QUEUED_HELP)
    url = serializers.CharField(help_text="Where to follow the job")


class LedgerJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, done or failed")
    progress = serializers.IntegerField(help_text="0 to 100")
    message = serializers.CharField()
    queued = serializers.CharField(help_text=JOB_QUEUED_HELP)
    rows = serializers.IntegerField()
    download = serializers.CharField(allow_null=True, help_text="The workbook's URL once the job is done")


class FundingPoolOutput(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    budget = money_field()
    allocated = money_field()
    paid = money_field()
    remaining = money_field()
    allocation_count = serializers.IntegerField()
    note = serializers.CharField()


class PoolAllocationOutput(serializers.Serializer):
    sequence = serializers.IntegerField()
    run = serializers.IntegerField(source="line.run.number", help_text="Run number")
    line = serializers.IntegerField(source="line_id")
    enterprise = serializers.CharField(source="line.inputs.enterprise", default="")
    requested = money_field()
    allocated = money_field()
    shortfall = money_field()


class FundingPoolDetailOutput(FundingPoolOutput):
    allocations = PoolAllocationOutput(many=True, help_text="In the order the pool was drawn (the first 200)")


class AwardDecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    title = serializers.CharField(source="application.title")
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    industry = serializers.CharField(source="application.enterprise.industry.name")
    kind = serializers.CharField()
    amount = money_field()
    reference = serializers.CharField()
    decided_on = serializers.DateField()
    reason = serializers.CharField()
    is_active = serializers.BooleanField()
    withdrawn_reason = serializers.CharField()
    granted_by = serializers.StringRelatedField()


class OwnSubsidyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    run = serializers.IntegerField(source="run.number", help_text="Run number")
    run_status = serializers.CharField(source="run.status", help_text="approved or paid")
    position = serializers.IntegerField()
    kind = serializers.CharField()
    application = serializers.IntegerField(source="application_id")
    title = serializers.CharField(source="application.title")
    subsidy = money_field()
    awards = money_field()
    total = money_field()
    central = money_field()
    local = money_field()
    city = money_field()
    county = money_field()
    unfunded = money_field(help_text="What the pools could not cover at the run's approval")
    funded_later = money_field(help_text="Of the unfunded part: what later runs' approvals funded (carried forward)")
    paid = money_field(help_text="Every payment on the line, also against money funded later")
    accepted_at = serializers.DateTimeField()


def run_data(access, pk) -> dict:
    return RunOutput(run_of(access, pk), context={"access": access}).data


def run_totals_data(run) -> dict:
    totals = selectors.run_totals(run)
    return {
        "by_industry": totals.by_industry,
        "by_township": totals.by_township,
        "by_track": totals.by_track,
        "by_source": [
            {"source": source, "label": str(label), "share": share, "unfunded": unfunded}
            for source, label, share, unfunded in totals.by_source
        ],
        "by_stage": [{"stage": stage, "count": count} for stage, count in totals.by_stage],
    }


def job_url(program, job, name="ledger-job") -> str:
    return reverse(f"api:{name}", kwargs={"program": program.slug, "ledger_job": job.pk})
