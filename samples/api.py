"""Sample enterprises in the API: the gallery and one sample, starting a filing from a sample, the sample
applications and each step of their workflow (one view per operation; the services decide)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from filings.models import Application
from portal.core.api import WorkflowActionsField
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from samples import selectors, services
from samples.models import SampleStatus
from samples.services import TITLE_LENGTH
from samples.workflow import SAMPLE

SAMPLE_PATH = OpenApiParameter("sample", OpenApiTypes.INT, OpenApiParameter.PATH, description="Sample (designation) id")
APPLICATION_PATH = OpenApiParameter(
    "sample_application", OpenApiTypes.INT, OpenApiParameter.PATH, description="Sample application id"
)
INDUSTRY_QUERY = OpenApiParameter("industry", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Industry code")
STATUS_QUERY = OpenApiParameter(
    "status", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Status, or `open` for the open ones"
)
MAX_ID = 2**63 - 1


class SampleLineOutput(serializers.Serializer):
    module = serializers.IntegerField(source="module_id", allow_null=True)
    module_name = serializers.SerializerMethodField()
    part = serializers.CharField()
    category = serializers.CharField()
    description = serializers.CharField()
    amount = AsciiDecimalSerializerField(max_digits=14, decimal_places=2)

    def get_module_name(self, line) -> str:
        return line.module.name if line.module_id else ""


class SamplePhotoOutput(serializers.Serializer):
    id = serializers.IntegerField()
    caption = serializers.CharField()
    name = serializers.CharField(source="original_name")


class SampleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sample_application = serializers.IntegerField(source="sample_application_id")
    application = serializers.IntegerField(source="application_id", help_text="The sample project's filing id")
    title = serializers.CharField(source="application.title")
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    industry = serializers.CharField(source="industry.code")
    industry_name = serializers.CharField(source="industry.name")
    township = serializers.CharField(source="application.enterprise.township.name", default="")
    provider = serializers.CharField(source="application.provider.organisation.name", default="")
    track = serializers.CharField(source="application.track")
    statement = serializers.CharField(source="sample_application.statement")
    provider_statement = serializers.CharField(source="sample_application.provider_statement")
    lines = SampleLineOutput(source="application.active_lines", many=True)
    total = serializers.SerializerMethodField()
    hardware = serializers.SerializerMethodField()
    deliverables = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    photos = SamplePhotoOutput(source="sample_application.active_photos", many=True)
    copies = serializers.IntegerField(source="copy_count", help_text="Filings started from this sample")
    reason = serializers.CharField()
    reference = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()

    def get_total(self, sample) -> str:
        return f"{selectors.sample_figures(sample).total:.2f}"

    def get_hardware(self, sample) -> str:
        return f"{selectors.sample_figures(sample).hardware:.2f}"

    def _review(self, sample):
        reviews = sample.application.accepted_reviews
        return reviews[0] if reviews else None

    def get_deliverables(self, sample) -> str:
        review = self._review(sample)
        return review.deliverables if review else ""

    def get_score(self, sample) -> str | None:
        review = self._review(sample)
        return None if review is None or review.score is None else f"{review.score:.2f}"


class SampleSiteCheckOutput(serializers.Serializer):
    checked_on = serializers.DateField()
    experts = serializers.CharField()
    association_representatives = serializers.CharField()
    findings = serializers.CharField()
    recommends = serializers.BooleanField()
    recorded_by = serializers.StringRelatedField()


class SampleApplicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id", help_text="The project's filing id")
    title = serializers.CharField(source="application.title")
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    industry = serializers.CharField(source="industry.code")
    provider = serializers.CharField(source="application.provider.organisation.name", default="")
    status = serializers.CharField()
    statement = serializers.CharField()
    provider_statement = serializers.CharField()
    applied_by = serializers.StringRelatedField()
    cosigned_by = serializers.StringRelatedField()
    cosigned_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.StringRelatedField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    actions = WorkflowActionsField(SAMPLE)


class SampleApplicationDetailOutput(SampleApplicationOutput):
    site_check = SampleSiteCheckOutput(allow_null=True)
    photos = SamplePhotoOutput(source="active_photos", many=True)
    sample = serializers.SerializerMethodField(help_text="The active designation's id, if any")

    def get_sample(self, item) -> int | None:
        return next((d.pk for d in item.all_designations if d.is_active), None)


class SampleApplyInput(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Your accepted project's id")
    statement = serializers.CharField(max_length=4000)


class SampleStatementInput(serializers.Serializer):
    provider_statement = serializers.CharField(max_length=4000)


class SampleReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SampleCheckInput(serializers.Serializer):
    checked_on = serializers.DateField()
    experts = serializers.CharField(max_length=1000)
    association_representatives = serializers.CharField(max_length=1000)
    findings = serializers.CharField(max_length=4000)
    recommends = serializers.BooleanField()


class SampleDesignateInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class SampleStartFilingInput(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_LENGTH, required=False, allow_blank=True, default="")


class SampleStartFilingOutput(serializers.Serializer):
    application = serializers.IntegerField(source="pk", help_text="The new draft filing's id")
    title = serializers.CharField()
    status = serializers.CharField()


def _valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class SampleListApi(ProgramScopedMixin, APIView):
    """The program's active sample enterprises (the "learn from samples" gallery); `industry` narrows it."""

    @extend_schema(parameters=[PROGRAM_PATH, INDUSTRY_QUERY], responses=SampleOutput(many=True))
    def get(self, request, program):
        industry = str(request.query_params.get("industry", "")).replace("\x00", "")[:40]
        return Response(SampleOutput(selectors.sample_gallery(access=self.access, industry=industry), many=True).data)


class SampleDetailApi(ProgramScopedMixin, APIView):
    @extend_schema(parameters=[PROGRAM_PATH, SAMPLE_PATH], responses=SampleOutput)
    def get(self, request, program, sample):
        return Response(SampleOutput(selectors.sample_get(access=self.access, pk=sample)).data)


class SampleStartFilingApi(ProgramScopedMixin, APIView):
    """Start a draft filing of your own enterprise that copies the sample's scenario list."""

    @extend_schema(
        parameters=[PROGRAM_PATH, SAMPLE_PATH], request=SampleStartFilingInput, responses={201: SampleStartFilingOutput}
    )
    def post(self, request, program, sample):
        access = self.access
        access.require(Capability.FILE)
        item = selectors.sample_get(access=access, pk=sample)
        data = _valid(SampleStartFilingInput, request)
        application = services.sample_start_filing(access=access, sample=item, title=data["title"])
        return Response(SampleStartFilingOutput(application).data, status=201)


class SampleApplicationListApi(ProgramScopedMixin, APIView):
    """The sample applications you may see, or apply with your accepted project (photos are added on the
    application's page)."""

    @extend_schema(parameters=[PROGRAM_PATH, STATUS_QUERY], responses=SampleApplicationOutput(many=True))
    def get(self, request, program):
        status = str(request.query_params.get("status", ""))
        status = status if status in ("open", *SampleStatus.values) else ""
        rows = selectors.sample_application_list(access=self.access, status=status)
        return Response(SampleApplicationOutput(rows, many=True, context={"access": self.access}).data)

    @extend_schema(parameters=[PROGRAM_PATH], request=SampleApplyInput, responses={201: SampleApplicationDetailOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.APPLY_SAMPLE)
        data = _valid(SampleApplyInput, request)
        project = (
            Application.objects.filter(program=access.program, pk=data["application"])
            .select_related("enterprise", "provider")
            .first()
        )
        if project is None:
            raise PortalError(_("Choose one of your accepted projects."), fields={"application": [_("Invalid.")]})
        item = services.sample_apply(access=access, application=project, statement=data["statement"])
        return Response(
            SampleApplicationDetailOutput(
                selectors.sample_application_get(access=access, pk=item.pk), context={"access": access}
            ).data,
            status=201,
        )


class SampleApplicationDetailApi(ProgramScopedMixin, APIView):
    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=SampleApplicationDetailOutput)
    def get(self, request, program, sample_application):
        return Response(
            SampleApplicationDetailOutput(
                selectors.sample_application_get(access=self.access, pk=sample_application),
                context={"access": self.access},
            ).data
        )


class _StepApi(ProgramScopedMixin, APIView):
    """One workflow step on a sample application: checks the capability, reads the input, calls the service."""

    capability: str = Capability.VIEW_SAMPLES
    input_class = SampleReasonInput

    def act(self, item, data):
        raise NotImplementedError

    def post(self, request, program, sample_application):
        access = self.access
        access.require(self.capability)
        item = selectors.sample_application_get(access=access, pk=sample_application)
        self.act(item, _valid(self.input_class, request))
        item = selectors.sample_application_get(access=access, pk=item.pk)
        return Response(SampleApplicationDetailOutput(item, context={"access": access}).data)


STEP_SCHEMA = {"parameters": [PROGRAM_PATH, APPLICATION_PATH], "responses": SampleApplicationDetailOutput}


class SampleCosignApi(_StepApi):
    """The project's provider joins the application with its own statement."""

    capability = Capability.COSIGN_SAMPLE
    input_class = SampleStatementInput

    def act(self, item, data):
        services.sample_cosign(access=self.access, sample_application=item, statement=data["provider_statement"])

    @extend_schema(request=SampleStatementInput, **STEP_SCHEMA)
    def post(self, request, program, sample_application):
        return super().post(request, program, sample_application)


class SampleWithdrawApi(_StepApi):
    """The enterprise or its provider withdraws the application before the decision."""

    def act(self, item, data):
        services.sample_withdraw(access=self.access, sample_application=item, reason=data["reason"])

    @extend_schema(request=SampleReasonInput, **STEP_SCHEMA)
    def post(self, request, program, sample_application):
        return super().post(request, program, sample_application)


class SampleCheckApi(_StepApi):
    """The bureau records the on-site check by experts and association representatives."""

    capability = Capability.MANAGE_SAMPLES
    input_class = SampleCheckInput

    def act(self, item, data):
        services.sample_check_record(access=self.access, sample_application=item, **data)

    @extend_schema(request=SampleCheckInput, **STEP_SCHEMA)
    def post(self, request, program, sample_application):
        return super().post(request, program, sample_application)


class SampleDesignateApi(_StepApi):
    """The bureau designates the checked application's enterprise a sample, within the industry's quota."""

    capability = Capability.MANAGE_SAMPLES
    input_class = SampleDesignateInput

    def act(self, item, data):
        services.sample_designate(access=self.access, sample_application=item, **data)

    @extend_schema(request=SampleDesignateInput, **STEP_SCHEMA)
    def post(self, request, program, sample_application):
        return super().post(request, program, sample_application)


class SampleDeclineApi(_StepApi):
    capability = Capability.MANAGE_SAMPLES

    def act(self, item, data):
        services.sample_decline(access=self.access, sample_application=item, reason=data["reason"])

    @extend_schema(request=SampleReasonInput, **STEP_SCHEMA)
    def post(self, request, program, sample_application):
        return super().post(request, program, sample_application)


class SampleRevokeApi(_StepApi):
    """Revoke the application's active designation, with a reason."""

    capability = Capability.MANAGE_SAMPLES

    def act(self, item, data):
        active = next((d for d in item.all_designations if d.is_active), None)
        if active is None:
            raise PortalError(_("This project is not an active sample enterprise."))
        services.sample_revoke(access=self.access, designation=active, reason=data["reason"])

    @extend_schema(request=SampleReasonInput, **STEP_SCHEMA)
    def post(self, request, program, sample_application):
        return super().post(request, program, sample_application)
