"""The subsidy quote and the policy versions, in the API; scoped like the pages."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from policies import services
from policies.engine import AWARD_KINDS
from policies.models import PolicyVersion
from policies.quotes import QuoteInput, quote, result_as_dict
from policies.selectors import policy_version_list
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.api import PROGRAM_PATH, ProgramScopedMixin

VERSION_PATH = OpenApiParameter(
    "policy_version", OpenApiTypes.STR, OpenApiParameter.PATH, description="Policy version code, e.g. wuyi-2024-plan"
)


def version_by_code(access: ProgramAccess, code: str) -> PolicyVersion:
    """A version of the URL's program by its code: an unknown code and another program's version are one 404."""
    version = policy_version_list(program=access.program).filter(code=code).first()
    if version is None:
        raise Http404
    return version


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


class PolicyVersionActivateApi(ProgramScopedMixin, APIView):
    """Activate a valid draft (what the policy version page does): the active version is retired. Filings already
    approved keep the version they were approved under."""

    class ActivateInput(serializers.Serializer):
        effective_from = serializers.DateField(required=False, help_text="The day it takes effect; default today")

    @extend_schema(parameters=[PROGRAM_PATH, VERSION_PATH], request=ActivateInput, responses=PolicyVersionOutput)
    def post(self, request, program, policy_version):
        access = self.access
        access.require(Capability.CONFIGURE)
        version = version_by_code(access, policy_version)
        data = self.ActivateInput(data=request.data)
        data.is_valid(raise_exception=True)
        activated = services.policy_version_activate(
            access=access,
            version=version,
            effective_from=data.validated_data.get("effective_from") or timezone.localdate(),
        )
        activated = policy_version_list(program=access.program).prefetch_related("tracks").get(pk=activated.pk)
        return Response(PolicyVersionOutput(activated).data)


class QuoteInputSerializer(serializers.Serializer):
    track = serializers.CharField(max_length=40)
    industry = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    scale = serializers.ChoiceField(choices=["", "above", "below"], required=False, default="")
    batch = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
    level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=4)
    accepted_on = serializers.DateField(required=False, allow_null=True)
    n_investment = AsciiDecimalSerializerField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    x_investment = AsciiDecimalSerializerField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    total_investment = AsciiDecimalSerializerField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    automation_investment = AsciiDecimalSerializerField(
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
        child=AsciiDecimalSerializerField(max_digits=14, decimal_places=2, min_value=0),
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
            message = _("Only the bureau and auditors may quote under a version that is not active")
            raise PortalError(f"version: {message}", fields={"version": ["not allowed"]})
        if values.get("set") and not self.access.can(Capability.COMPARE_POLICIES):
            message = _("Only the bureau and auditors may quote with changed policy parameters")
            raise PortalError(f"set: {message}", fields={"set": ["not allowed"]})
        overrides = values.pop("set")
        awards = [f"{kind}={amount}" for kind, amount in values.pop("awards").items()]
        _version, result = quote(
            program=self.access.program, data=QuoteInput(**values, overrides=overrides, awards=awards)
        )
        return Response(result_as_dict(result))
