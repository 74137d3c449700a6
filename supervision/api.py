"""Supervision in the API: list and make assignments, end one, read a project's supervision, record an inspection
(multipart, with photos and rectification requests), and answer, close, send back or waive a rectification."""

import json

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from filings.api import APPLICATION_PATH
from organisations.models import Organisation
from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from supervision import selectors, services
from supervision.models import SupervisionAssignment

ASSIGNMENT_PATH = OpenApiParameter(
    "supervision_assignment", OpenApiTypes.INT, OpenApiParameter.PATH, description="Supervision assignment id"
)
RECTIFICATION_PATH = OpenApiParameter(
    "rectification", OpenApiTypes.INT, OpenApiParameter.PATH, description="Rectification request id"
)
FILTERS = [
    OpenApiParameter("state", OpenApiTypes.STR, enum=list(selectors.ASSIGNMENT_STATES), description="Default active"),
    OpenApiParameter("firm", OpenApiTypes.INT, description="Supervision firm (organisation id)"),
    OpenApiParameter("open", OpenApiTypes.BOOL, description="Only projects with open rectifications"),
    OpenApiParameter("search", OpenApiTypes.STR, description="Project title, filing number or enterprise"),
]
MAX_ID = 2**63 - 1
MAX_TEXT = 10_000


def photo_url(program: str, application: int, inspection: int, photo: int) -> str:
    """The page that hands out one photo after checking the reader's access to the project."""
    kwargs = {"program": program, "application": application, "inspection": inspection, "photo": photo}
    try:
        return reverse("supervision:photo", kwargs=kwargs)
    except NoReverseMatch:
        return f"/p/{program}/supervision/projects/{application}/inspections/{inspection}/photos/{photo}/"


# Output --------------------------------------------------------------------------------------------------


class ProjectRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filing_number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    enterprise = serializers.CharField(source="enterprise.organisation.name")
    provider = serializers.CharField(source="provider.organisation.name", allow_null=True, default=None)


class AssignmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = ProjectRefOutput()
    firm = serializers.CharField(source="organisation.name")
    firm_id = serializers.IntegerField(source="organisation_id")
    note = serializers.CharField()
    assigned_by = serializers.StringRelatedField()
    assigned_at = serializers.DateTimeField(source="created_at")
    is_active = serializers.BooleanField()
    ended_by = serializers.StringRelatedField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    ended_reason = serializers.CharField()


class AssignmentListOutput(AssignmentOutput):
    open_rectifications = serializers.IntegerField(source="open_count", help_text="Not closed")
    overdue_rectifications = serializers.IntegerField(source="overdue_count", help_text="Not closed, past deadline")


class PhotoOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class EventOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="requested, answered, sent_back, closed or waived")
    text = serializers.CharField()
    actor = serializers.StringRelatedField()
    at = serializers.DateTimeField(source="created_at")


class RectificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    inspection = serializers.IntegerField(source="inspection_id")
    request = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.CharField(help_text="open, answered or closed")
    overdue = serializers.BooleanField(source="is_overdue")
    requested_by = serializers.StringRelatedField()
    answer = serializers.CharField()
    answered_by = serializers.StringRelatedField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    closing_note = serializers.CharField()
    closed_by = serializers.StringRelatedField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    waiver_reason = serializers.CharField()
    waived_by = serializers.StringRelatedField(allow_null=True)
    waived_at = serializers.DateTimeField(allow_null=True)
    blocks_acceptance = serializers.SerializerMethodField()
    events = EventOutput(many=True, source="events.all")

    def get_blocks_acceptance(self, item) -> bool:
        return item.is_open and item.waived_at is None


class InspectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    firm = serializers.CharField(source="assignment.organisation.name")
    inspected_on = serializers.DateField()
    findings = serializers.CharField()
    recorded_by = serializers.StringRelatedField()
    recorded_at = serializers.DateTimeField(source="created_at")
    photos = serializers.SerializerMethodField()
    rectifications = RectificationOutput(many=True, source="rectifications_shown")

    @extend_schema_field(PhotoOutput(many=True))
    def get_photos(self, inspection):
        program = self.context["program"]
        rows = [
            {
                "id": item.pk,
                "name": item.original_name,
                "content_type": item.content_type,
                "size": item.size,
                "url": photo_url(program, inspection.application_id, inspection.pk, item.pk),
            }
            for item in inspection.photos.all()
        ]
        return PhotoOutput(rows, many=True).data


class ProjectSupervisionOutput(serializers.Serializer):
    application = ProjectRefOutput()
    assignments = AssignmentOutput(many=True)
    inspections = InspectionOutput(many=True)
    open_rectifications = serializers.IntegerField()
    overdue_rectifications = serializers.IntegerField()
    blocking_rectifications = serializers.IntegerField(help_text="Open and not waived: they block acceptance")


def _project_data(access, application):
    supervision = selectors.project_supervision(application)
    data = {
        "application": application,
        "assignments": supervision.assignments,
        "inspections": supervision.inspections,
        "open_rectifications": len(supervision.open),
        "overdue_rectifications": len(supervision.overdue),
        "blocking_rectifications": sum(1 for r in supervision.open if r.waived_at is None),
    }
    return ProjectSupervisionOutput(data, context={"program": access.program.slug}).data


# Assignments ---------------------------------------------------------------------------------------------


class AssignInput(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Project (filing) id")
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Supervision firm id")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class FirmOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="Organisation id: the `organisation` of an assignment")
    name = serializers.CharField()
    uscc = serializers.CharField()


@extend_schema(parameters=[PROGRAM_PATH])
class FirmListApi(ProgramScopedMixin, generics.ListAPIView):
    """The supervision firms the bureau may assign: those holding the role in the program through a user now."""

    serializer_class = FirmOutput
    queryset = Organisation.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        self.access.require(Capability.ASSIGN_SUPERVISION)
        return selectors.firm_choices(program=self.access.program)


@extend_schema(parameters=[PROGRAM_PATH])
class AssignmentListApi(ProgramScopedMixin, generics.ListAPIView):
    """The assignments the caller may see (50 a page) with their open rectifications; the bureau assigns a firm."""

    serializer_class = AssignmentListOutput
    queryset = SupervisionAssignment.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        filters = {key: params.get(key, "").strip() for key in ("state", "firm", "open", "search")}
        if filters["state"] not in selectors.ASSIGNMENT_STATES:
            filters["state"] = "active"
        return selectors.assignment_list(access=self.access, filters=filters)

    @extend_schema(parameters=[PROGRAM_PATH, *FILTERS])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(parameters=[PROGRAM_PATH], request=AssignInput, responses={201: AssignmentOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.ASSIGN_SUPERVISION)
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        application = selectors.project_find(access=access, pk=fields["application"])
        if application is None:
            raise PortalError(_("Choose a project of this program."), fields={"application": [_("Invalid.")]})
        organisation = selectors.firm_choices(program=access.program).filter(pk=fields["organisation"]).first()
        if organisation is None:
            raise PortalError(
                _("Choose a supervision firm that holds the supervision role in this program."),
                fields={"organisation": [_("Invalid.")]},
            )
        assignment = services.assignment_create(
            access=access, application=application, organisation=organisation, note=fields["note"]
        )
        return Response(AssignmentOutput(selectors.assignment_get(access=access, pk=assignment.pk)).data, status=201)


class AssignmentEndApi(ProgramScopedMixin, APIView):
    """End an assignment with a reason; it is kept, inactive."""

    @extend_schema(parameters=[PROGRAM_PATH, ASSIGNMENT_PATH], request=ReasonInput, responses=AssignmentOutput)
    def post(self, request, program, supervision_assignment):
        access = self.access
        access.require(Capability.ASSIGN_SUPERVISION)
        item = selectors.assignment_get(access=access, pk=supervision_assignment)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_end(access=access, assignment=item, reason=data.validated_data["reason"])
        return Response(AssignmentOutput(selectors.assignment_get(access=access, pk=item.pk)).data)


# A project's supervision ---------------------------------------------------------------------------------


class ProjectSupervisionApi(ProgramScopedMixin, APIView):
    """A project's assignments, inspections with photos and rectifications with their steps."""

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=ProjectSupervisionOutput)
    def get(self, request, program, application):
        project = selectors.project_get(access=self.access, pk=application)
        return Response(_project_data(self.access, project))


class RequestInput(serializers.Serializer):
    request = serializers.CharField(max_length=MAX_TEXT)
    due_on = serializers.DateField()


class RectificationsField(serializers.ListField):
    """A list of requests; in a multipart body, one JSON string (`[{"request": …, "due_on": …}]`)."""

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) == 1 and isinstance(data[0], str):
            data = data[0]
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else []
            except ValueError:
                self.fail("invalid")
        return super().to_internal_value(data)

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name)
            return values if values else serializers.empty
        return super().get_value(dictionary)


class InspectionInput(serializers.Serializer):
    inspected_on = serializers.DateField()
    findings = serializers.CharField(max_length=MAX_TEXT)
    rectifications = RectificationsField(
        child=RequestInput(), required=False, default=list, help_text="Rectification requests made at the inspection"
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=f"Photos (PNG/JPG) or documents, at most {services.MAX_PHOTOS}",
    )


class InspectionApi(ProgramScopedMixin, APIView):
    """The assigned supervision firm records an inspection of the project."""

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        parameters=[PROGRAM_PATH, APPLICATION_PATH],
        request={"multipart/form-data": InspectionInput, "application/json": InspectionInput},
        responses={201: InspectionOutput},
    )
    def post(self, request, program, application):
        access = self.access
        access.require(Capability.SUPERVISE)
        project = selectors.project_get(access=access, pk=application)
        data = InspectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        inspection = services.inspection_record(
            access=access,
            application=project,
            inspected_on=fields["inspected_on"],
            findings=fields["findings"],
            uploads=fields["photos"],
            rectifications=[(item["request"], item["due_on"]) for item in fields["rectifications"]],
        )
        shown = next(i for i in selectors.project_supervision(project).inspections if i.pk == inspection.pk)
        return Response(InspectionOutput(shown, context={"program": access.program.slug}).data, status=201)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_TEXT)


class CloseInput(serializers.Serializer):
    conclusion = serializers.CharField(max_length=MAX_TEXT)


def _act(view, capability, input_class, service, application, rectification):
    access = view.access
    access.require(capability)
    project = selectors.project_get(access=access, pk=application)
    item = selectors.rectification_get(access=access, application=project, pk=rectification)
    data = input_class(data=view.request.data)
    data.is_valid(raise_exception=True)
    service(access=access, rectification=item, **data.validated_data)
    shown = next(r for r in selectors.project_supervision(project).rectifications if r.pk == item.pk)
    return Response(RectificationOutput(shown).data)


RECTIFICATION_PARAMETERS = [PROGRAM_PATH, APPLICATION_PATH, RECTIFICATION_PATH]


class RectificationAnswerApi(ProgramScopedMixin, APIView):
    """The project's lead contractor answers an open rectification request."""

    @extend_schema(parameters=RECTIFICATION_PARAMETERS, request=AnswerInput, responses=RectificationOutput)
    def post(self, request, program, application, rectification):
        return _act(
            self,
            Capability.ANSWER_RECTIFICATION,
            AnswerInput,
            services.rectification_answer,
            application,
            rectification,
        )


class RectificationCloseApi(ProgramScopedMixin, APIView):
    """The assigned supervision firm closes an answered request with its conclusion."""

    @extend_schema(parameters=RECTIFICATION_PARAMETERS, request=CloseInput, responses=RectificationOutput)
    def post(self, request, program, application, rectification):
        return _act(self, Capability.SUPERVISE, CloseInput, services.rectification_close, application, rectification)


class RectificationReopenApi(ProgramScopedMixin, APIView):
    """The assigned supervision firm sends an answered request back to the provider, with the reason."""

    @extend_schema(parameters=RECTIFICATION_PARAMETERS, request=ReasonInput, responses=RectificationOutput)
    def post(self, request, program, application, rectification):
        return _act(self, Capability.SUPERVISE, ReasonInput, services.rectification_reopen, application, rectification)


class RectificationWaiveApi(ProgramScopedMixin, APIView):
    """The bureau records why acceptance may be requested while this request is not closed."""

    @extend_schema(parameters=RECTIFICATION_PARAMETERS, request=ReasonInput, responses=RectificationOutput)
    def post(self, request, program, application, rectification):
        return _act(
            self, Capability.WAIVE_RECTIFICATION, ReasonInput, services.rectification_waive, application, rectification
        )
