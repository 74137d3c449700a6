"""Calculation runs in the API: create, read, calculate, review, return, approve (in the background when large),
pay, correct, what-if. Thin views over `subsidies.runs` and `subsidies.approvals` (every write) and
`subsidies.selectors` (every read), scoped to the URL's program like the pages. Refusals are the services'
own, rendered by the one exception handler."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.errors import PortalError
from portal.core.progress import progress_get
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from subsidies import approvals, selectors
from subsidies import runs as services
from subsidies.api.fields import (
    CORRECTION_PATH,
    LINE_PATH,
    MAX_ID,
    MAX_OVERRIDES,
    MAX_REASON,
    MAX_TEXT,
    RUN_PATH,
    STATUS_QUERY,
    DayField,
    amount_field,
    overrides_named,
    program_line,
    run_of,
)
from subsidies.api.outputs import (
    CarriedFundingOutput,
    CorrectionOutput,
    LineAllocationOutput,
    PaymentOutput,
    RunApprovalOutput,
    RunDetailOutput,
    RunExclusionOutput,
    RunLineDetailOutput,
    RunLineOutput,
    RunLineResultOutput,
    RunOutput,
    RunTotalsOutput,
    RunTransitionOutput,
    WhatIfOutput,
    run_data,
    run_totals_data,
)
from subsidies.models import (
    FUNDING_SOURCES,
    CalculationRun,
    FundingSource,
    RunApproval,
    RunExclusion,
    RunLine,
    RunStatus,
)


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
        return Response(run_data(access, run.pk), status=201)


class RunDetailApi(ProgramScopedMixin, APIView):
    """A run with its totals by industry, township, track and funding source, its steps and its progress."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], responses=RunDetailOutput)
    def get(self, request, program, run):
        target = run_of(self.access, run)
        data = RunOutput(target, context={"access": self.access}).data
        data["progress"] = progress_get("run", target.pk)
        data["totals"] = RunTotalsOutput(run_totals_data(target)).data
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
        return selectors.run_lines(run_of(self.access, self.kwargs["run"]))


class RunLineDetailApi(ProgramScopedMixin, APIView):
    """One line: the facts it read, the engine's result and trace, its pool allocations, payments and what is
    still to pay per funding source."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH, LINE_PATH], responses=RunLineDetailOutput)
    def get(self, request, program, run, line):
        access = self.access
        item = selectors.line_get(access=access, run=run_of(access, run), pk=line)
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
        run = run_of(self.access, self.kwargs["run"])
        return selectors.run_exclusions(run).select_related("application__enterprise__organisation")


class RunCalculateApi(ProgramScopedMixin, APIView):
    """Queue the calculation of a draft again (after awards, corrections or policy changes)."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=None, responses=RunOutput)
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        services.run_recalculate(access=access, run=run_of(access, run))
        return Response(run_data(access, run))


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
        target = run_of(access, run)
        data = RunCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = self.step(access=access, run=target, comment=data.validated_data["comment"])
        return Response(run_data(access, run), status=self.answer_status(done))

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
    approval = selectors.run_approval(run_of(access, run))
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
    paid_on = DayField()
    voucher = serializers.CharField(max_length=60, help_text="The bank batch transfer's voucher number")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RunPayRemainingApi(ProgramScopedMixin, APIView):
    """Pay every funded amount of an approved run still open, under one voucher: the run becomes paid."""

    @extend_schema(parameters=[PROGRAM_PATH, RUN_PATH], request=PayRemainingInput, responses=RunOutput)
    def post(self, request, program, run):
        access = self.access
        access.require(Capability.RUN_SUBSIDY)
        target = run_of(access, run)
        data = PayRemainingInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.run_pay_remaining(access=access, run=target, **data.validated_data)
        return Response(run_data(access, run))


class PaymentInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=FundingSource.choices)
    amount = amount_field(help_text="Yuan; negative to reverse an earlier payment")
    paid_on = DayField()
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
        item = selectors.line_get(access=access, run=run_of(access, run), pk=line)
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
        target = run_of(access, run)
        data = CorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        corrected = program_line(access, data.validated_data["line"])
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
        target = run_of(access, run)
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
        target = run_of(access, run)
        data = WhatIfInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            found = selectors.run_what_if(access=access, run=target, **data.validated_data)
        except PortalError as error:
            raise overrides_named(error) from None
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
