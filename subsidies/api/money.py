"""Funding pools, award decisions and an enterprise's own subsidies in the API."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from filings.selectors import application_list
from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from subsidies import runs as services
from subsidies import selectors
from subsidies.api.fields import AWARD_PATH, MAX_ID, MAX_REASON, MAX_TEXT, POOL_PATH, DayField, amount_field
from subsidies.api.outputs import (
    AwardDecisionOutput,
    FundingPoolDetailOutput,
    FundingPoolOutput,
    OwnSubsidyOutput,
    PoolAllocationOutput,
)
from subsidies.models import AwardDecision, FundingSource, RunLine

# Funding pools -------------------------------------------------------------------------------------------


class FundingPoolInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=FundingSource.choices)
    budget = amount_field(min_value=0, help_text="Yuan; never below what is already allocated")
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
        opened = not selectors.pool_exists(access=access, source=data.validated_data["source"])
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
    amount = amount_field()
    reference = serializers.CharField(max_length=80, help_text="The decision's reference (文号)")
    decided_on = DayField()
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
