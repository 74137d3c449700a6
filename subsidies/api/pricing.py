"""Re-pricing named approved filings under another policy version, in the API (the rule: `subsidies.pricing`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from policies.api import VERSION_PATH, version_by_code
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from subsidies import pricing

MAX_ID = 2**63 - 1
MAX_APPLICATIONS = 1000


class RepricedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filing_number = serializers.CharField()
    title = serializers.CharField()
    policy_version = serializers.CharField(source="policy_version.code")


class PolicyVersionRepriceApi(ProgramScopedMixin, APIView):
    """Price named approved filings under this version (the program's, not a draft) from the next calculation,
    with the reason kept in each filing's history. A filing in an approved run is refused: an approved line is
    corrected by an adjustment in a later run."""

    class RepriceInput(serializers.Serializer):
        applications = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            max_length=MAX_APPLICATIONS,
            help_text="Filing ids",
        )
        reason = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default="", help_text="Why (required)"
        )

    @extend_schema(parameters=[PROGRAM_PATH, VERSION_PATH], request=RepriceInput, responses=RepricedOutput(many=True))
    def post(self, request, program, policy_version):
        access = self.access
        access.require(Capability.CONFIGURE)
        version = version_by_code(access, policy_version)
        data = self.RepriceInput(data=request.data)
        data.is_valid(raise_exception=True)
        repriced = pricing.application_reprice(access=access, version=version, **data.validated_data)
        return Response(RepricedOutput(repriced, many=True).data)
