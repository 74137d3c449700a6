"""Calculation runs, funding pools, awards and Excel ledgers in the API: thin views over `subsidies.runs` (every
write), `subsidies.run_selectors` (every read) and `subsidies.ledger_jobs`, scoped to the URL's program like the
pages. Refusals are the services' own (PortalError, NotAllowed, Conflict), rendered by the one exception handler."""

from datetime import date

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from filings.selectors import application_list
from policies.api import AwardOutput, FundingOutput, LineOutput
from portal.core import outbox
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.files import stored_file_response
from portal.core.progress import progress_get
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from subsidies import approvals
from subsidies import run_selectors as selectors
from subsidies import runs as services
from subsidies.ledger_jobs import XLSX, inline_limit, ledger_bytes, ledger_filename, ledger_request, ledger_retry
from subsidies.models import (
    FUNDING_SOURCES,
    AwardDecision,
    CalculationRun,
    FundingPool,
    FundingSource,
    JobStatus,
    LedgerJob,
    RunApproval,
    RunExclusion,
    RunLine,
    RunStatus,
)

RUN_PATH = OpenApiParameter("run", OpenApiTypes.INT, OpenApiParameter.PATH, description="Calculation run id")
LINE_PATH = OpenApiParameter("line", OpenApiTypes.INT, OpenApiParameter.PATH, description="Run line id")
CORRECTION_PATH = OpenApiParameter("correction", OpenApiTypes.INT, OpenApiParameter.PATH, description="Correction id")
AWARD_PATH = OpenApiParameter("award", OpenApiTypes.INT, OpenApiParameter.PATH, description="Award decision id")
POOL_PATH = OpenApiParameter("pool", OpenApiTypes.INT, OpenApiParameter.PATH, description="Funding pool id")
LEDGER_JOB_PATH = OpenApiParameter("ledger_job", OpenApiTypes.INT, OpenApiParameter.PATH, description="Ledger job id")
STATUS_QUERY = OpenApiParameter(
    "status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=RunStatus.values, description="Only runs in this state"
)
MAX_ID = 2**63 - 1
MAX_TEXT = 10_000
MAX_REASON = 2000
MAX_OVERRIDES = 50
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _money(**kwargs):
    return AsciiDecimalSerializerField(max_digits=16, decimal_places=2, **kwargs)


def _amount(**kwargs):
    """An amount the caller sends: under a trillion yuan, so that it round-trips exactly on every database."""
    return AsciiDecimalSerializerField(max_digits=14, decimal_places=2, **kwargs)


class _DayField(serializers.DateField):
    """A day of the programs' calendar: a date far outside it is a typing error, not a record."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise serializers.ValidationError(
                _("Give a date between %(first)s and %(last)s.") % {"first": EARLIEST_DAY, "last": LATEST_DAY}
            )
        return day


def _run(access, pk) -> CalculationRun:
    return selectors.run_get(access=access, pk=pk)


def _program_line(access, pk) -> RunLine:
    """A line of any run of the program, named in a request body: unknown or foreign ids are a field error."""
    line = RunLine.objects.filter(run__program=access.program, pk=pk).select_related("run").first()
    if line is None:
        raise PortalError(_("No such line in this program."), fields={"line": [_("No such line in this program.")]})
    return line


def _overrides_named(error: PortalError) -> PortalError:
    """The policy's parser names its field `set` (the calculator's); the API's input names it `overrides`."""
    if "set" in error.fields:
        error.fields = {("overrides" if key == "set" else key): value for key, value in error.fields.items()}
    return error


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """A file endpoint answers with the file whatever the client says it accepts; its JSON answers (a queued job,
    an error) fall back to the first renderer instead of a 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


# Output --------------------------------------------------------------------------------------------------


JOB_QUEUED_HELP = (
    '"waiting_for_broker" while the job is registered and waits for the background service (it starts by itself '
    "once the service is back; message says so); otherwise empty"
)


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
    subsidy_total = _money()
    award_total = _money()
    total = _money()
    unfunded_total = _money(help_text="What the funding pools could not cover at approval")
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
    subsidy = _money()
    awards = _money()
    total = _money()


class RunSourceTotalOutput(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    share = _money(help_text="The lines' share of this source")
    unfunded = _money(allow_null=True, help_text="What its pool could not cover; null while no pool was drawn")


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
    amount = _money()
    paid = _money(help_text="Paid against this funding (within the run that funded it)")
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
    subsidy = _money()
    awards = _money()
    total = _money()
    central = _money()
    local = _money()
    city = _money()
    county = _money()
    unfunded = _money(help_text="What the pools could not cover at the run's approval")
    funded_later = _money(help_text="Of the unfunded part: what later runs' approvals funded (carried forward)")
    paid = _money(help_text="Every payment on the line, also against money funded later")
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
    requested = _money()
    allocated = _money()
    shortfall = _money()


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line_id")
    carried = serializers.IntegerField(
        source="carried_id", allow_null=True, help_text="Paid against this funding carried forward"
    )
    source = serializers.CharField()
    amount = _money()
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
        child=_money(), help_text="Per funding source: funded and not yet paid (sources with nothing left omitted)"
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
    current = _money()
    other = _money(allow_null=True, help_text="null: not eligible (or not computable) under the other policy")
    difference = _money()
    note = serializers.CharField()


class WhatIfOutput(serializers.Serializer):
    version = serializers.CharField()
    overrides = serializers.ListField(child=serializers.CharField())
    current_total = _money()
    other_total = _money()
    difference = _money()
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
    budget = _money()
    allocated = _money()
    paid = _money()
    remaining = _money()
    allocation_count = serializers.IntegerField()
    note = serializers.CharField()


class PoolAllocationOutput(serializers.Serializer):
    sequence = serializers.IntegerField()
    run = serializers.IntegerField(source="line.run.number", help_text="Run number")
    line = serializers.IntegerField(source="line_id")
    enterprise = serializers.CharField(source="line.inputs.enterprise", default="")
    requested = _money()
    allocated = _money()
    shortfall = _money()


class FundingPoolDetailOutput(FundingPoolOutput):
    allocations = PoolAllocationOutput(many=True, help_text="In the order the pool was drawn (the first 200)")


class AwardDecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    title = serializers.CharField(source="application.title")
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    industry = serializers.CharField(source="application.enterprise.industry.name")
    kind = serializers.CharField()
    amount = _money()
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
    subsidy = _money()
    awards = _money()
    total = _money()
    central = _money()
    local = _money()
    city = _money()
    county = _money()
    unfunded = _money(help_text="What the pools could not cover at the run's approval")
    funded_later = _money(help_text="Of the unfunded part: what later runs' approvals funded (carried forward)")
    paid = _money(help_text="Every payment on the line, also against money funded later")
    accepted_at = serializers.DateTimeField()


def _run_data(access, pk) -> dict:
    return RunOutput(_run(access, pk)).data


def _totals(run) -> dict:
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


def _job_url(program, job, name="ledger-job") -> str:
    return reverse(f"api:{name}", kwargs={"program": program.slug, "ledger_job": job.pk})


# Runs ----------------------------------------------------------------------------------------------------


class RunCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


@extend_schema(parameters=[PROGRAM_PATH])
class RunListApi(ProgramScopedMixin, generics.ListAPIView):
    """The program's calculation runs, newest first; a bureau reviewer starts a new one."""

    serializer_class = RunOutput
    queryset = CalculationRun.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        status = self.request.query_params.get("status", "")
        # The rows name their reviewer too: joined here, so a page costs the same queries for 1 run as for 50.
        return selectors.with_approvals(
            selectors.runs_with_versions(
                selectors.run_list(access=self.access, status=status).select_related("reviewed_by")
            )
        )

    @extend_schema(parameters=[PROGRAM_PATH, STATUS_QUERY])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=RunCreateInput, responses={201: RunOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        data = RunCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_create(access=access, title=data.validated_data["title"])
        return Response(_run_data(access, run.pk), status=201)


class RunDetailApi(ProgramScopedMixin, APIView):
    """A run with its totals by industry, township, track and funding source, its steps and its progress."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], responses=RunDetailOutput)
    def get(self, request, program, run):
        target = _run(self.access, run)
        data = RunOutput(target).data
        data["progress"] = progress_get("run", target.pk)
        data["totals"] = RunTotalsOutput(_totals(target)).data
        data["transitions"] = RunTransitionOutput(target.transitions.select_related("actor"), many=True).data
        data["carried_forward"] = CarriedFundingOutput(selectors.carried_by_run(target)[:200], many=True).data
        data["funded_later"] = CarriedFundingOutput(selectors.carried_to_run(target)[:200], many=True).data
        return Response(data)


@extend_schema(parameters=[PROGRAM_PATH, RUN_PATH])
class RunLineListApi(ProgramScopedMixin, generics.ListAPIView):
    """The run's current lines in order, with what has been paid on each."""

    serializer_class = RunLineOutput
    queryset = RunLine.objects.none()
    filter_backends = []

    def get_queryset(self):
        return selectors.run_lines(_run(self.access, self.kwargs["run"]))


class RunLineDetailApi(ProgramScopedMixin, APIView):
    """One line: the facts it read, the engine's result and trace, its pool allocations, payments and what is
    still to pay per funding source."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH, LINE_PATH], responses=RunLineDetailOutput)
    def get(self, request, program, run, line):
        access = self.access
        item = selectors.line_get(access=access, run=_run(access, run), pk=line)
        data = RunLineOutput(item).data
        data["inputs"] = item.inputs
        data["result"] = RunLineResultOutput(item.result).data
        data["allocations"] = LineAllocationOutput(selectors.line_allocations(item), many=True).data
        data["carried_fundings"] = CarriedFundingOutput(selectors.line_carried(item), many=True).data
        data["payments"] = PaymentOutput(selectors.line_payments(item), many=True).data
        left = selectors.outstanding([item])
        data["outstanding"] = {
            source: f"{left[(item.pk, source)]:.2f}" for source in FUNDING_SOURCES if (item.pk, source) in left
        }
        return Response(data)


@extend_schema(parameters=[PROGRAM_PATH, RUN_PATH])
class RunExclusionListApi(ProgramScopedMixin, generics.ListAPIView):
    """The projects the run's current calculation left out, and why."""

    serializer_class = RunExclusionOutput
    queryset = RunExclusion.objects.none()
    filter_backends = []

    def get_queryset(self):
        run = _run(self.access, self.kwargs["run"])
        return selectors.run_exclusions(run).select_related("application__enterprise__organisation")


class RunCalculateApi(ProgramScopedMixin, APIView):
    """Queue the calculation of a draft again (after awards, corrections or policy changes)."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=None, responses=RunOutput)
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        services.run_recalculate(access=access, run=_run(access, run))
        return Response(_run_data(access, run))


class RunCommentInput(serializers.Serializer):
    comment = serializers.CharField(max_length=MAX_REASON, required=False, allow_blank=True, default="")


class RunStepApi(ProgramScopedMixin, APIView):
    """A step of a run with a comment, named by the route: mark reviewed, return to draft (the comment, why, is
    required)."""

    step = None  # the service the route names: runs.run_review or runs.run_return (approval: RunApproveApi)

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=RunCommentInput, responses=RunOutput)
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        target = _run(access, run)
        data = RunCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = self.step(access=access, run=target, comment=data.validated_data["comment"])
        return Response(_run_data(access, run), status=self.answer_status(done))

    def answer_status(self, run) -> int:
        return 200


class RunApproveApi(RunStepApi):
    """Approve a reviewed run (someone other than its creator): the lines freeze and the pools are drawn. A run
    of at most the inline limit of lines is approved at once (200); a larger one is approved by a background job
    (202: follow `approval`, or GET approval/)."""

    step = staticmethod(approvals.run_approve)

    @extend_schema(
        parameters=[PROGRAM_PATH, RUN_PATH], request=RunCommentInput, responses={200: RunOutput, 202: RunOutput}
    )
    def post(self, request, program, run):
        return super().post(request, program, run)

    def answer_status(self, run) -> int:
        return 200 if run.status == RunStatus.APPROVED else 202


def _approval(access, run) -> RunApproval:
    approval = selectors.run_approval(_run(access, run))
    if approval is None:
        raise Http404
    return approval


class RunApprovalApi(ProgramScopedMixin, APIView):
    """The run's latest approval job: its status and progress; 404 when the run had none."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], responses=RunApprovalOutput)
    def get(self, request, program, run):
        return Response(RunApprovalOutput(selectors.approval_state(_approval(self.access, run))).data)


class RunApprovalRetryApi(ProgramScopedMixin, APIView):
    """Try a failed approval again, on the same record, as the caller (not the run's creator); 409 unless the
    latest approval failed and the run is still reviewed."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=None, responses={202: RunApprovalOutput})
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        approval = approvals.approval_retry(access=access, approval=_approval(access, run))
        approval.refresh_from_db(fields=["status", "progress", "message"])  # the broker's answer came after the commit
        return Response(RunApprovalOutput(selectors.approval_state(approval)).data, status=202)


class PayRemainingInput(serializers.Serializer):
    paid_on = _DayField()
    voucher = serializers.CharField(max_length=60, help_text="The bank batch transfer's voucher number")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RunPayRemainingApi(ProgramScopedMixin, APIView):
    """Pay every funded amount of an approved run still open, under one voucher: the run becomes paid."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=PayRemainingInput, responses=RunOutput)
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        target = _run(access, run)
        data = PayRemainingInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.run_pay_remaining(access=access, run=target, **data.validated_data)
        return Response(_run_data(access, run))


class PaymentInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=FundingSource.choices)
    amount = _amount(help_text="Yuan; negative to reverse an earlier payment")
    paid_on = _DayField()
    voucher = serializers.CharField(max_length=60)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    carried = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="Pay against this funding carried forward to the line (see the line's carried_fundings)",
    )


class RunLinePaymentApi(ProgramScopedMixin, APIView):
    """Record money paid on a line of an approved run from one source, within what the pools funded; with
    `carried`, against money a later run's approval funded (paid within that run)."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH, LINE_PATH], request=PaymentInput, responses={201: PaymentOutput})
    def post(self, request, program, run, line):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        item = selectors.line_get(access=access, run=_run(access, run), pk=line)
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        carried = values.pop("carried")
        if carried is not None:
            carried = get_or_404(selectors.line_carried(item).select_related("run"), carried)
        payment = services.payment_record(access=access, line=item, carried=carried, **values)
        return Response(PaymentOutput(payment).data, status=201)


class CorrectionInput(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A project line of an approved run")
    reason = serializers.CharField(max_length=MAX_TEXT)


class RunCorrectionApi(ProgramScopedMixin, APIView):
    """Correct a line of an approved run through this draft: its next calculation carries the difference."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=CorrectionInput, responses={201: CorrectionOutput})
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        target = _run(access, run)
        data = CorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        corrected = _program_line(access, data.validated_data["line"])
        correction = services.correction_raise(
            access=access, run=target, line=corrected, reason=data.validated_data["reason"]
        )
        return Response(CorrectionOutput(correction).data, status=201)


class CorrectionWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON, required=False, allow_blank=True, default="")


class RunCorrectionWithdrawApi(ProgramScopedMixin, APIView):
    """Withdraw a correction from a draft; the draft is calculated again."""

    @extend_schema(
        parameters=[PROGRAM_PATH, RUN_PATH, CORRECTION_PATH],
        request=CorrectionWithdrawInput,
        responses=CorrectionOutput,
    )
    def post(self, request, program, run, correction):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        target = _run(access, run)
        item = get_or_404(target.corrections.select_related("run", "requested_by"), correction)
        data = CorrectionWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.correction_withdraw(access=access, correction=item, reason=data.validated_data["reason"])
        return Response(CorrectionOutput(item).data)


class WhatIfInput(serializers.Serializer):
    version = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="A policy version code; blank: active"
    )
    overrides = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        max_length=MAX_OVERRIDES,
        help_text="Parameter changes for this what-if only, e.g. year_rate[1]=0.40",
    )


class RunWhatIfApi(ProgramScopedMixin, APIView):
    """The run's project lines under another policy version or changed parameters, side by side. A read: nothing
    is written (POST because the overrides are a body)."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=WhatIfInput, responses=WhatIfOutput)
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.COMPARE_POLICIES)
        target = _run(access, run)
        data = WhatIfInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            found = selectors.run_what_if(access=access, run=target, **data.validated_data)
        except PortalError as error:
            raise _overrides_named(error) from None
        except ArithmeticError:
            # A parameter so large the engine's decimals overflow: the input's fault, not the server's.
            message = _("A changed parameter is out of range.")
            raise PortalError(message, fields={"overrides": [message]}) from None
        return Response(
            WhatIfOutput(
                {
                    "version": found.version,
                    "overrides": found.overrides,
                    "current_total": found.current_total,
                    "other_total": found.other_total,
                    "difference": found.difference,
                    "changed": found.changed,
                    "rows": found.rows,
                }
            ).data
        )


# Ledgers -------------------------------------------------------------------------------------------------


LEDGER_RESPONSES = {
    (200, XLSX): OpenApiTypes.BINARY,
    202: LedgerJobQueuedOutput,
}


def _ledger(access, run=None):
    """The workbook at once when it is small; else a queued job to follow."""
    if selectors.ledger_count(access.program, run) <= inline_limit():
        response = HttpResponse(ledger_bytes(access.program, run), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, ledger_filename(access.program, run))
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return _ledger_job_queued(access, ledger_request(access=access, run=run))


def _ledger_job_queued(access, job) -> Response:
    job.refresh_from_db(fields=["status", "progress", "message"])  # the broker's answer came after the commit
    data = {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "queued": outbox.queued_state(job),
        "url": _job_url(access.program, job),
    }
    return Response(LedgerJobQueuedOutput(data).data, status=202)


class RunLedgerApi(ProgramScopedMixin, APIView):
    """The run's Excel ledger (its current lines): the file, or 202 with a job when it is large."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], responses=LEDGER_RESPONSES)
    def get(self, request, program, run):
        access = self.access
        access.require(Capability.EXPORT_LEDGER)
        return _ledger(access, _run(access, run))


class LedgerApi(ProgramScopedMixin, APIView):
    """The program's Excel ledger (every approved and paid run): the file, or 202 with a job when it is large."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(parameters=[PROGRAM_PATH], responses=LEDGER_RESPONSES)
    def get(self, request, program):
        access = self.access
        access.require(Capability.EXPORT_LEDGER)
        return _ledger(access)


def _job(access, pk) -> LedgerJob:
    access.require(Capability.EXPORT_LEDGER)
    return get_or_404(LedgerJob.objects.filter(program=access.program).select_related("file_record"), pk)


class LedgerJobApi(ProgramScopedMixin, APIView):
    """A ledger job's progress, and the download once it is done."""

    @extend_schema(parameters=[PROGRAM_PATH, LEDGER_JOB_PATH], responses=LedgerJobOutput)
    def get(self, request, program, ledger_job):
        access = self.access
        job = _job(access, ledger_job)
        progress, message = job.progress, job.message
        if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            live = progress_get("ledger", job.pk) or {}
            progress, message = live.get("progress", progress), live.get("message", message)
        done = job.status == JobStatus.DONE and getattr(job, "file_record", None) is not None
        data = {
            "id": job.pk,
            "status": job.status,
            "progress": progress,
            "message": message,
            "queued": outbox.queued_state(job),
            "rows": job.rows,
            "download": _job_url(access.program, job, "ledger-job-download") if done else None,
        }
        return Response(LedgerJobOutput(data).data)


class LedgerJobRetryApi(ProgramScopedMixin, APIView):
    """Build a failed ledger job again, on the same record (one file however often it runs); 409 unless failed."""

    @extend_schema(parameters=[PROGRAM_PATH, LEDGER_JOB_PATH], request=None, responses={202: LedgerJobQueuedOutput})
    def post(self, request, program, ledger_job):
        access = self.access
        return _ledger_job_queued(access, ledger_retry(access=access, job=_job(access, ledger_job)))


class LedgerJobDownloadApi(ProgramScopedMixin, APIView):
    """The workbook a ledger job built; 404 until the job is done."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(parameters=[PROGRAM_PATH, LEDGER_JOB_PATH], responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request, program, ledger_job):
        job = _job(self.access, ledger_job)
        item = getattr(job, "file_record", None)
        if job.status != JobStatus.DONE or item is None:
            raise Http404
        return stored_file_response(item)


# Funding pools -------------------------------------------------------------------------------------------


class FundingPoolInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=FundingSource.choices)
    budget = _amount(min_value=0, help_text="Yuan; never below what is already allocated")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=MAX_REASON, required=False, allow_blank=True, default="")


class FundingPoolListApi(ProgramScopedMixin, APIView):
    """The program's funding pools (one per source); a bureau admin opens or changes one."""

    @extend_schema(parameters=[PROGRAM_PATH], responses=FundingPoolOutput(many=True))
    def get(self, request, program):
        return Response(FundingPoolOutput(selectors.pool_list(access=self.access), many=True).data)

    @extend_schema(
        parameters=[PROGRAM_PATH],
        request=FundingPoolInput,
        responses={200: FundingPoolOutput, 201: FundingPoolOutput},
        description="201 when the source's pool is opened, 200 when an open pool is changed.",
    )
    def post(self, request, program):
        access = self.access
        access.require(Capability.MANAGE_FUNDS)
        data = FundingPoolInput(data=request.data)
        data.is_valid(raise_exception=True)
        opened = not FundingPool.objects.filter(program=access.program, source=data.validated_data["source"]).exists()
        pool = services.pool_save(access=access, **data.validated_data)
        return Response(FundingPoolOutput(pool).data, status=201 if opened else 200)


class FundingPoolDetailApi(ProgramScopedMixin, APIView):
    """A pool and the allocations drawn from it, in order."""

    @extend_schema(parameters=[PROGRAM_PATH, POOL_PATH], responses=FundingPoolDetailOutput)
    def get(self, request, program, pool):
        item = get_or_404(selectors.pool_list(access=self.access), pool)
        data = FundingPoolOutput(item).data
        data["allocations"] = PoolAllocationOutput(selectors.pool_allocations(item), many=True).data
        return Response(data)


# Awards --------------------------------------------------------------------------------------------------


class AwardDecisionInput(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The project's filing id")
    kind = serializers.CharField(max_length=30, help_text="An award kind of the active policy")
    amount = _amount()
    reference = serializers.CharField(max_length=80, help_text="The decision's reference (文号)")
    decided_on = _DayField()
    reason = serializers.CharField(max_length=MAX_REASON, required=False, allow_blank=True, default="")


@extend_schema(parameters=[PROGRAM_PATH])
class AwardListApi(ProgramScopedMixin, generics.ListAPIView):
    """Award decisions of the program; a bureau reviewer grants one."""

    serializer_class = AwardDecisionOutput
    queryset = AwardDecision.objects.none()
    filter_backends = []

    def get_queryset(self):
        return selectors.award_list(access=self.access)

    @extend_schema(request=AwardDecisionInput, responses={201: AwardDecisionOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.GRANT_AWARD)
        data = AwardDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        project = application_list(access=access).filter(pk=fields.pop("application")).first()
        if project is None:
            message = _("No such project in this program.")
            raise PortalError(message, fields={"application": [message]})
        award = services.award_grant(access=access, application=project, **fields)
        return Response(AwardDecisionOutput(selectors.award_list(access=access).get(pk=award.pk)).data, status=201)


class AwardWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON)


class AwardWithdrawApi(ProgramScopedMixin, APIView):
    """Withdraw an award, with the reason; the next run that calculates the project leaves it out."""

    @extend_schema(parameters=[PROGRAM_PATH, AWARD_PATH], request=AwardWithdrawInput, responses=AwardDecisionOutput)
    def post(self, request, program, award):
        access = self.access
        access.require(Capability.GRANT_AWARD)
        item = get_or_404(selectors.award_list(access=access), award)
        data = AwardWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.award_withdraw(access=access, award=item, reason=data.validated_data["reason"])
        return Response(AwardDecisionOutput(item).data)


# The enterprise's own subsidies --------------------------------------------------------------------------


@extend_schema(parameters=[PROGRAM_PATH])
class OwnSubsidyListApi(ProgramScopedMixin, generics.ListAPIView):
    """The caller's enterprise's lines in approved and paid runs, with what has been paid on each."""

    serializer_class = OwnSubsidyOutput
    queryset = RunLine.objects.none()
    filter_backends = []

    def get_queryset(self):
        return selectors.own_subsidy_lines(access=self.access)
