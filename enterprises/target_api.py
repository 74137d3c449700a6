"""The target-enterprise list (摸底企业清单) in the API: the program's list as staff read it, and the bureau admin's
import of the filled-in Excel template, all or nothing, through the same service as the import page."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises import target_list
from enterprises.models import TargetEnterprise
from enterprises.selectors import target_enterprise_list
from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin

MAX_UPLOAD = 10 * 1024 * 1024


class TargetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    uscc = serializers.CharField()
    name = serializers.CharField()
    township = serializers.CharField(source="township.code")
    township_name = serializers.CharField(source="township.name")
    industry = serializers.CharField(source="industry.code")
    scale = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()


class TargetImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="The filled-in .xlsx template (at most 10 MB)")


class TargetImportOutput(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Data rows read")
    created = serializers.IntegerField(help_text="Enterprises added to the list")


@extend_schema(parameters=[PROGRAM_PATH])
class TargetListApi(ProgramScopedMixin, generics.ListAPIView):
    """The program's active target enterprises (staff readers)."""

    serializer_class = TargetOutput
    queryset = TargetEnterprise.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        self.access.require(Capability.VIEW_ALL_ENTERPRISES)
        return (
            target_enterprise_list(access=self.access)
            .select_related("township", "industry")
            .order_by("township__sort_order", "name", "id")
        )


class TargetImportApi(ProgramScopedMixin, APIView):
    """Import the filled-in template (bureau admin): every row is checked and nothing is saved when any row is
    wrong; the refusal names each bad row and column under `file`."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[PROGRAM_PATH],
        request={"multipart/form-data": TargetImportInput},
        responses={201: TargetImportOutput},
    )
    def post(self, request, program):
        access = self.access
        access.require(Capability.CONFIGURE)
        data = TargetImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            message = _("Choose the filled-in .xlsx template.")
            raise PortalError(message, fields={"file": [message]})
        if upload.size > MAX_UPLOAD:
            message = _("The file is larger than 10 MB.")
            raise PortalError(message, fields={"file": [message]})
        report = target_list.target_list_import(program=access.program, acting_user=request.user, content=upload.read())
        if not report.ok:
            rows = [
                _("Row %(row)d, %(column)s: %(message)s")
                % {"row": error.row, "column": error.column or "—", "message": error.message}
                for error in report.errors
            ]
            raise PortalError(
                _("Nothing was imported: mend the rows named and import the file again."), fields={"file": rows}
            )
        return Response({"rows": report.rows, "created": report.created}, status=201)
