"""A project's digital-level assessments in the API: read them, or record one."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from acceptance import selectors, services
from acceptance.api.fields import upload_errors_as_report
from acceptance.models import SCENE_COUNT, AssessmentPhase
from filings.api import APPLICATION_PATH
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin


class DigitalAssessmentInput(serializers.Serializer):
    phase = serializers.ChoiceField(choices=AssessmentPhase.choices)
    assessed_on = serializers.DateField()
    basics = AsciiDecimalSerializerField(max_digits=5, decimal_places=2, min_value=0, max_value=50)
    management = AsciiDecimalSerializerField(max_digits=5, decimal_places=2, min_value=0, max_value=30)
    results = AsciiDecimalSerializerField(max_digits=5, decimal_places=2, min_value=0, max_value=20)
    scene_levels = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=4),
        min_length=SCENE_COUNT,
        max_length=SCENE_COUNT,
        help_text=f"The {SCENE_COUNT} business scenes' levels, 1 to 4, in order",
    )
    report = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="The assessment report: PDF, images or Office files"
    )


class DigitalAssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=AssessmentPhase.choices)
    score = AsciiDecimalSerializerField(max_digits=6, decimal_places=2)
    level = serializers.IntegerField(help_text="0 (below level 1) to 4")
    reason = serializers.CharField()
    scene_levels = serializers.ListField(child=serializers.IntegerField())
    assessed_on = serializers.DateField()
    assessor = serializers.StringRelatedField()
    is_active = serializers.BooleanField(help_text="False once a later assessment of the same phase replaced it")


class AssessmentListApi(ProgramScopedMixin, APIView):
    """A project's digital-level assessments: read them (whoever may read the filing), or record one."""

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=DigitalAssessmentOutput(many=True))
    def get(self, request, program, application):
        project = selectors.project_get(access=self.access, pk=application)
        assessments = selectors.assessment_history(project)
        return Response(DigitalAssessmentOutput(assessments, many=True).data)

    @extend_schema(
        parameters=[PROGRAM_PATH, APPLICATION_PATH],
        request={"multipart/form-data": DigitalAssessmentInput, "application/json": DigitalAssessmentInput},
        responses={201: DigitalAssessmentOutput},
    )
    def post(self, request, program, application):
        access = self.access
        access.require(Capability.ASSESS_LEVEL)
        project = selectors.project_get(access=access, pk=application)
        data = DigitalAssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assessment = services.assessment_record(access=access, application=project, **data.validated_data)
        except PortalError as error:
            raise upload_errors_as_report(error) from None
        return Response(DigitalAssessmentOutput(assessment).data, status=201)
