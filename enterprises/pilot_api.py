"""Pilot enterprises in the API: list the program's pilots, designate one from the target list, revoke one."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises import pilot_selectors as selectors
from enterprises.models import TargetEnterprise
from enterprises.pilots import pilot_designate, pilot_revoke
from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin

PILOT_PATH = OpenApiParameter("pilot", OpenApiTypes.INT, OpenApiParameter.PATH, description="Pilot designation id")
MAX_ID = 2**63 - 1


class PilotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.IntegerField(source="target_id", help_text="Target enterprise id")
    uscc = serializers.CharField(source="target.uscc")
    name = serializers.CharField(source="target.name")
    industry = serializers.CharField(source="industry.code")
    industry_name = serializers.CharField(source="industry.name")
    township = serializers.CharField(source="target.township.name")
    scale = serializers.CharField(source="target.scale")
    reason = serializers.CharField()
    reference = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    designated_by = serializers.StringRelatedField()
    created_at = serializers.DateTimeField()
    is_active = serializers.BooleanField()
    revoked_reason = serializers.CharField()


class DesignateInput(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Target enterprise id")
    reason = serializers.CharField(max_length=2000)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PilotListApi(ProgramScopedMixin, APIView):
    """The program's active pilot enterprises (staff readers), or designate one (bureau admin and reviewer)."""

    @extend_schema(parameters=[PROGRAM_PATH], responses=PilotOutput(many=True))
    def get(self, request, program):
        return Response(PilotOutput(selectors.pilot_list(access=self.access), many=True).data)

    @extend_schema(parameters=[PROGRAM_PATH], request=DesignateInput, responses={201: PilotOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.MANAGE_PILOTS)
        data = DesignateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        target = (
            TargetEnterprise.objects.filter(program=access.program, is_active=True, pk=fields.pop("target"))
            .select_related("industry")
            .first()
        )
        if target is None:
            raise PortalError(
                _("Choose an enterprise of this program's target list."), fields={"target": [_("Invalid.")]}
            )
        pilot = pilot_designate(access=access, target=target, **fields)
        return Response(PilotOutput(selectors.pilot_get(access=access, pk=pilot.pk)).data, status=201)


class PilotRevokeApi(ProgramScopedMixin, APIView):
    """Revoke a pilot designation with a reason; the designation is kept, inactive."""

    @extend_schema(parameters=[PROGRAM_PATH, PILOT_PATH], request=RevokeInput, responses=PilotOutput)
    def post(self, request, program, pilot):
        access = self.access
        access.require(Capability.MANAGE_PILOTS)
        item = selectors.pilot_get(access=access, pk=pilot)
        data = RevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        pilot_revoke(access=access, pilot=item, reason=data.validated_data["reason"])
        return Response(PilotOutput(selectors.pilot_get(access=access, pk=item.pk)).data)
