"""Implementation in the API: a project's progress (milestones, the provider's updates with evidence, the
enterprise's answers), the rating of the provider, complaints and the bureau's decisions on them."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from filings.api import APPLICATION_PATH
from filings.models import overdue_on
from filings.selectors import application_get
from implementation import selectors, services
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin

POST_PATH = OpenApiParameter("post", OpenApiTypes.INT, OpenApiParameter.PATH, description="Progress update id")
COMPLAINT_PATH = OpenApiParameter("complaint", OpenApiTypes.INT, OpenApiParameter.PATH, description="Complaint id")
MAX_ID = 2**63 - 1
MAX_TEXT = 10_000


def evidence_url(program: str, application: int, post: int, evidence: int) -> str:
    """The page that hands out one evidence file after checking the reader's access to the project."""
    kwargs = {"program": program, "application": application, "post": post, "evidence": evidence}
    try:
        return reverse("implementation:evidence", kwargs=kwargs)
    except NoReverseMatch:
        return f"/p/{program}/filings/{application}/progress/{post}/evidence/{evidence}/"


# Output --------------------------------------------------------------------------------------------------


class MilestoneOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    due_on = serializers.DateField()
    percent = serializers.IntegerField(help_text="Progress the enterprise has confirmed")


class EvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class PartOutput(serializers.Serializer):
    id = serializers.IntegerField()
    subcontractor = serializers.CharField(source="membership.organisation.name")
    scope = serializers.CharField()
    work_share = AsciiDecimalSerializerField(max_digits=5, decimal_places=2)
    percent = serializers.IntegerField(help_text="Progress of the part the enterprise has confirmed")


class PostOutput(serializers.Serializer):
    id = serializers.IntegerField()
    milestone = serializers.IntegerField(source="milestone_id")
    subcontract = serializers.IntegerField(
        source="subcontract_id", allow_null=True, help_text="The part reported on; null for the lead's report"
    )
    percent = serializers.IntegerField()
    text = serializers.CharField()
    claims_completion = serializers.BooleanField()
    status = serializers.CharField(help_text="pending, confirmed or disputed")
    posted_by = serializers.StringRelatedField()
    created_at = serializers.DateTimeField()
    response = serializers.CharField()
    responded_at = serializers.DateTimeField(allow_null=True)
    evidence = serializers.SerializerMethodField()

    @extend_schema_field(EvidenceOutput(many=True))
    def get_evidence(self, post):
        program = self.context["program"]
        rows = [
            {
                "id": item.pk,
                "name": item.original_name,
                "content_type": item.content_type,
                "size": item.size,
                "url": evidence_url(program, post.application_id, post.pk, item.pk),
            }
            for item in post.evidence.all()
            if item.is_active
        ]
        return EvidenceOutput(rows, many=True).data


class ProgressOutput(serializers.Serializer):
    percent = AsciiDecimalSerializerField(max_digits=5, decimal_places=2, help_text="Mean confirmed progress")
    deadline = serializers.DateField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    milestones = MilestoneOutput(many=True)
    parts = PartOutput(many=True, help_text="Subcontracted parts (分包) with their confirmed progress")
    posts = PostOutput(many=True)


class ProgressInput(serializers.Serializer):
    milestone = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=MAX_TEXT)
    claims_completion = serializers.BooleanField(required=False, default=False)
    subcontract = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="A subcontractor's part; left out for the lead contractor's report on the whole project",
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=f"Evidence: PDF, images or Office files, at most {services.MAX_EVIDENCE_FILES}",
    )


class ProgressApi(ProgramScopedMixin, APIView):
    """A project's progress: read it (whoever may read the filing), or post an update (its provider)."""

    parser_classes = [MultiPartParser, JSONParser]

    def _project(self, application):
        return application_get(access=self.access, pk=application)

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=ProgressOutput)
    def get(self, request, program, application):
        project = self._project(application)
        milestones = selectors.project_milestones(project)
        data = {
            "percent": selectors.project_percent(milestones),
            "deadline": project.implementation_deadline,
            "completed_at": project.completed_at,
            "overdue": overdue_on(project, timezone.localdate()),
            "milestones": milestones,
            "parts": selectors.project_parts(project),
            "posts": selectors.project_posts(project),
        }
        return Response(ProgressOutput(data, context={"program": self.access.program.slug}).data)

    @extend_schema(
        parameters=[PROGRAM_PATH, APPLICATION_PATH],
        request={"multipart/form-data": ProgressInput, "application/json": ProgressInput},
        responses={201: PostOutput},
    )
    def post(self, request, program, application):
        access = self.access
        access.require(Capability.POST_PROGRESS)
        project = self._project(application)
        data = ProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        milestone_id = fields.pop("milestone")
        milestone = next((m for m in selectors.project_milestones(project) if m.pk == milestone_id), None)
        if milestone is None:
            raise PortalError(_("Choose one of the project's milestones."), fields={"milestone": [_("Invalid.")]})
        part_id = fields.pop("subcontract", None)
        part = None
        if part_id:
            part = selectors.project_parts(project).filter(pk=part_id).first()
            if part is None:
                raise PortalError(
                    _("Choose one of the project's subcontracted parts."), fields={"subcontract": [_("Invalid.")]}
                )
        post = services.progress_post(
            access=access,
            application=project,
            milestone=milestone,
            subcontract=part,
            uploads=fields.pop("files"),
            **fields,
        )
        post = selectors.project_posts(project).get(pk=post.pk)
        return Response(PostOutput(post, context={"program": access.program.slug}).data, status=201)


class ResponseInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "dispute"])
    response = serializers.CharField(
        max_length=MAX_TEXT, required=False, allow_blank=True, default="", help_text="Required to dispute"
    )


class ProgressResponseApi(ProgramScopedMixin, APIView):
    """The enterprise confirms or disputes an update of its project."""

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH, POST_PATH], request=ResponseInput, responses=PostOutput)
    def post(self, request, program, application, post):
        access = self.access
        access.require(Capability.CONFIRM_PROGRESS)
        project = application_get(access=access, pk=application)
        target = selectors.post_get(project, post)
        data = ResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.progress_respond(
            access=access,
            post=target,
            confirm=data.validated_data["decision"] == "confirm",
            response=data.validated_data["response"],
        )
        answered = selectors.project_posts(project).get(pk=target.pk)
        return Response(PostOutput(answered, context={"program": access.program.slug}).data)


class RatingInput(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class RatingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    score = serializers.IntegerField()
    comment = serializers.CharField()
    rated_by = serializers.StringRelatedField()
    created_at = serializers.DateTimeField()


class RatingApi(ProgramScopedMixin, APIView):
    """The enterprise rates its provider, once, after implementation is complete."""

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], request=RatingInput, responses={201: RatingOutput})
    def post(self, request, program, application):
        access = self.access
        access.require(Capability.CONFIRM_PROGRESS)
        project = application_get(access=access, pk=application)
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.rating_give(access=access, application=project, **data.validated_data)
        return Response(RatingOutput(rating).data, status=201)


class ComplaintInput(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT)


class ComplaintOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    text = serializers.CharField()
    status = serializers.CharField(help_text="open, confirmed or dismissed")
    filed_by = serializers.StringRelatedField()
    created_at = serializers.DateTimeField()
    decided_by = serializers.StringRelatedField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class ComplaintListApi(ProgramScopedMixin, APIView):
    """A project's complaints about its provider: read them, or file one (the enterprise)."""

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=ComplaintOutput(many=True))
    def get(self, request, program, application):
        project = application_get(access=self.access, pk=application)
        complaints = selectors.complaint_list(access=self.access).filter(application=project)
        return Response(ComplaintOutput(complaints, many=True).data)

    @extend_schema(
        parameters=[PROGRAM_PATH, APPLICATION_PATH], request=ComplaintInput, responses={201: ComplaintOutput}
    )
    def post(self, request, program, application):
        access = self.access
        access.require(Capability.CONFIRM_PROGRESS)
        project = application_get(access=access, pk=application)
        data = ComplaintInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_file(access=access, application=project, text=data.validated_data["text"])
        return Response(ComplaintOutput(selectors.complaint_get(access=access, pk=complaint.pk)).data, status=201)


class ComplaintDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "dismiss"])
    note = serializers.CharField(max_length=MAX_TEXT)


class ComplaintDecisionApi(ProgramScopedMixin, APIView):
    """The bureau confirms (counts against the provider) or dismisses a complaint, with its reasons."""

    @extend_schema(parameters=[PROGRAM_PATH, COMPLAINT_PATH], request=ComplaintDecisionInput, responses=ComplaintOutput)
    def post(self, request, program, complaint):
        access = self.access
        access.require(Capability.MANAGE_IMPLEMENTATION)
        target = selectors.complaint_get(access=access, pk=complaint)
        data = ComplaintDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_decide(
            access=access,
            complaint=target,
            confirm=data.validated_data["decision"] == "confirm",
            note=data.validated_data["note"],
        )
        return Response(ComplaintOutput(selectors.complaint_get(access=access, pk=target.pk)).data)
