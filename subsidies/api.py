"""The subsidy quote and the policy versions, in the API; scoped like the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from subsidies.engine import AWARD_KINDS
from subsidies.models import PolicyVersion
from subsidies.quotes import QuoteInput, quote, result_as_dict
from subsidies.selectors import policy_version_list


class PolicyVersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.SlugField()
    name = serializers.CharField()
    status = serializers.CharField()
    effective_from = serializers.DateField(allow_null=True)
    tracks = serializers.SerializerMethodField()

    def get_tracks(self, obj) -> list[str]:
        return [track.code for track in obj.tracks.all()]


@extend_schema(parameters=[PROGRAM_PATH])
class PolicyVersionListApi(ProgramScopedMixin, generics.ListAPIView):
    serializer_class = PolicyVersionOutput
    queryset = PolicyVersion.objects.none()

    def get_queryset(self):
        self.access.require(Capability.VIEW_POLICIES)
        return policy_version_list(program=self.access.program).prefetch_related("tracks").order_by("code")


class QuoteInputSerializer(serializers.Serializer):
    track = serializers.CharField(max_length=40)
    industry = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    scale = serializers.ChoiceField(choices=["", "above", "below"], required=False, default="")
    batch = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
    level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=4)
    accepted_on = serializers.DateField(required=False, allow_null=True)
    n_investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    x_investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    total_investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    automation_investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    version = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    set = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="Parameter overrides for this quote only, e.g. general_informatization_rate=0.15",
    )
    awards = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0),
        required=False,
        default=dict,
        help_text=f"Award kind → yuan; kinds: {', '.join(AWARD_KINDS[:-1])}",
    )


class LineOutput(serializers.Serializer):
    component = serializers.CharField()
    base = serializers.CharField()
    rate = serializers.CharField()
    amount = serializers.CharField()
    rule = serializers.CharField()


class AwardOutput(serializers.Serializer):
    kind = serializers.CharField()
    amount = serializers.CharField()
    rule = serializers.CharField()


class FundingOutput(serializers.Serializer):
    source = serializers.CharField()
    amount = serializers.CharField()


class QuoteOutput(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    policy_version = serializers.CharField()
    subsidy_lines = LineOutput(many=True)
    subsidy_subtotal = serializers.CharField()
    cap = serializers.CharField(allow_null=True)
    subsidy = serializers.CharField()
    award_lines = AwardOutput(many=True)
    total = serializers.CharField()
    funding_lines = FundingOutput(many=True)
    trace = serializers.ListField(child=serializers.CharField())


class QuoteApi(ProgramScopedMixin, APIView):
    """Quote one project's subsidy under the program's policy (what the calculator page does)."""

    @extend_schema(parameters=[PROGRAM_PATH], request=QuoteInputSerializer, responses=QuoteOutput)
    def post(self, request, program):
        self.access.require(Capability.QUOTE)
        data = QuoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("version") and not self.access.can(Capability.COMPARE_POLICIES):
            raise PortalError(
                "version: 只有主管部门与审计角色可以按非生效版本测算", fields={"version": ["not allowed"]}
            )
        if values.get("set") and not self.access.can(Capability.COMPARE_POLICIES):
            raise PortalError("set: 只有主管部门与审计角色可以调整政策参数测算", fields={"set": ["not allowed"]})
        overrides = values.pop("set")
        awards = [f"{kind}={amount}" for kind, amount in values.pop("awards").items()]
        _version, result = quote(
            program=self.access.program, data=QuoteInput(**values, overrides=overrides, awards=awards)
        )
        return Response(result_as_dict(result))
