"""Pilot enterprises in the API: list the program's pilots (per batch), designate one from the target list,
revoke one; list and publish the batches' pilot lists (公示)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises import pilot_selectors as selectors
from enterprises.models import OutputBand
from enterprises.pilots import pilot_designate, pilot_list_publish, pilot_revoke
from enterprises.selectors import target_enterprise_list
from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin

PILOT_PATH = OpenApiParameter("pilot", OpenApiTypes.INT, OpenApiParameter.PATH, description="Pilot designation id")
BATCH_QUERY = OpenApiParameter("batch", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Batch id")
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
    batch = serializers.IntegerField(source="batch_id", allow_null=True, help_text="Batch id")
    batch_name = serializers.CharField(source="batch.name", allow_null=True, default=None)
    output_band = serializers.CharField(help_text="lt100m, 100m-200m or gte200m; empty when not known")
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
    batch = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, help_text="Batch id"
    )
    output_band = serializers.ChoiceField(
        choices=OutputBand.choices, required=False, allow_blank=True, default="", help_text="Default: the profile's"
    )


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _batch_of(access, value, *, field):
    """The program's batch with id `value` (None when empty); PortalError naming `field` otherwise."""
    if value in (None, ""):
        return None
    wanted = str(value)
    batch = None
    if wanted.isdigit() and int(wanted) <= MAX_ID:
        batch = selectors.pilot_batches(program=access.program).filter(pk=int(wanted)).first()
    if batch is None:
        raise PortalError(_("Choose one of this program's batches."), fields={field: [_("Invalid.")]})
    return batch


class PilotListApi(ProgramScopedMixin, APIView):
    """The program's active pilot enterprises (staff readers), or designate one (bureau admin and reviewer)."""

    @extend_schema(parameters=[PROGRAM_PATH, BATCH_QUERY], responses=PilotOutput(many=True))
    def get(self, request, program):
        batch = _batch_of(self.access, request.query_params.get("batch"), field="batch")
        pilots = selectors.pilot_list(access=self.access, batch=None if batch is None else batch.pk)
        return Response(PilotOutput(pilots, many=True).data)

    @extend_schema(parameters=[PROGRAM_PATH], request=DesignateInput, responses={201: PilotOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.MANAGE_PILOTS)
        data = DesignateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        target = (
            target_enterprise_list(access=access).filter(pk=fields.pop("target")).select_related("industry").first()
        )
        if target is None:
            raise PortalError(
                _("Choose an enterprise of this program's target list."), fields={"target": [_("Invalid.")]}
            )
        fields["batch"] = _batch_of(access, fields.pop("batch"), field="batch")
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


class PublicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    batch = serializers.IntegerField(source="batch_id", help_text="Batch id")
    batch_name = serializers.CharField(source="batch.name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    pilots = serializers.ListField(
        child=serializers.IntegerField(), source="pilot_ids", help_text="Ids of the designations announced"
    )
    published_by = serializers.StringRelatedField()
    created_at = serializers.DateTimeField()
    is_active = serializers.BooleanField(help_text="False once a later publication of the batch superseded it")


class PilotListPublishInput(serializers.Serializer):
    batch = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Batch id")
    starts_on = serializers.DateField(help_text="First day of the announcement")


def _publication_rows(publications):
    rows = list(publications.prefetch_related("designations"))
    for row in rows:
        row.pilot_ids = sorted(pilot.pk for pilot in row.designations.all())
    return rows


class PilotPublicationListApi(ProgramScopedMixin, APIView):
    """The publications (公示) of the program's pilot lists per batch, current and superseded (staff readers),
    or publish a batch's pilot list (bureau admin): the end is counted in the program's working days."""

    @extend_schema(parameters=[PROGRAM_PATH], responses=PublicationOutput(many=True))
    def get(self, request, program):
        rows = _publication_rows(selectors.pilot_publication_list(access=self.access))
        return Response(PublicationOutput(rows, many=True).data)

    @extend_schema(parameters=[PROGRAM_PATH], request=PilotListPublishInput, responses={201: PublicationOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.MANAGE_PILOTS)
        access.require(Capability.CONFIGURE)
        data = PilotListPublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        batch = _batch_of(access, data.validated_data["batch"], field="batch")
        publication = pilot_list_publish(access=access, batch=batch, starts_on=data.validated_data["starts_on"])
        rows = _publication_rows(selectors.pilot_publication_list(access=access).filter(pk=publication.pk))
        return Response(PublicationOutput(rows[0]).data, status=201)
