"""Acceptance in the API: the enterprise's request and the provider's co-signature, the panel and its conflicts,
the experts' sheets, the financial audit, the result, the public announcement with its objections, and the
digital-level assessments of a project."""

from contextlib import suppress
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from acceptance import selectors, services
from acceptance.models import (
    AMOUNT_FIELDS,
    SCENE_COUNT,
    AcceptanceReview,
    AssessmentPhase,
    ReviewStatus,
)
from acceptance.workflow import REVIEW
from filings.api import APPLICATION_PATH
from filings.selectors import application_get
from portal.core.api import WorkflowActionsField
from portal.core.errors import NotAllowed, PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.queries import get_or_404
from portal.core.roles import Capability, Role
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from providers.models import ConflictKind
from scoring.api import SheetSectionOutput
from scoring.selectors import sheet_structure

REVIEW_PATH = OpenApiParameter("review", OpenApiTypes.INT, OpenApiParameter.PATH, description="Acceptance review id")
OBJECTION_PATH = OpenApiParameter("objection", OpenApiTypes.INT, OpenApiParameter.PATH, description="Objection id")
MAX_ID = 2**63 - 1
MAX_TEXT = 10_000
# An announcement is counted in the program's calendar: a date far outside it is a typing error, not a plan.
EARLIEST_ANNOUNCEMENT, LATEST_ANNOUNCEMENT = date(2000, 1, 1), date(2099, 12, 31)


def _money(**kwargs):
    return AsciiDecimalSerializerField(max_digits=14, decimal_places=2, **kwargs)


def _role_holders(program, role, ids):
    """The users among `ids` who hold `role` in `program` now, by id."""
    users = get_user_model().objects.filter(
        pk__in=ids,
        is_active=True,
        role_assignments__program=program,
        role_assignments__role=role,
        role_assignments__revoked_at__isnull=True,
    )
    return {user.pk: user for user in users.select_related("organisation").distinct()}


def _upload_errors_as_report(error: PortalError) -> PortalError:
    """The upload check names its field `file`; the API's input names it `report`."""
    if "file" in error.fields:
        error.fields = {("report" if key == "file" else key): value for key, value in error.fields.items()}
    return error


def _item_errors_as_scores(error: PortalError) -> PortalError:
    """The rubric check names an item's error `item_<id>`; the API's input names it `scores.<id>`."""
    items = {key: value for key, value in error.fields.items() if key.startswith("item_")}
    if items:
        rest = {key: value for key, value in error.fields.items() if key not in items}
        error.fields = {**rest, "scores": {key.removeprefix("item_"): value for key, value in items.items()}}
    return error


# Output --------------------------------------------------------------------------------------------------


class AcceptanceProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filing_number = serializers.CharField()
    title = serializers.CharField()


class RubricRefOutput(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


class AcceptanceReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = AcceptanceProjectOutput()
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    provider = serializers.CharField(source="application.provider.organisation.name", allow_null=True, default=None)
    status = serializers.CharField(
        help_text="requested, panel, scoring, audited, passed, failed, announcing, on_hold or announced"
    )
    score = AsciiDecimalSerializerField(
        max_digits=7, decimal_places=2, allow_null=True, help_text="The panel's mean, once the review is closed"
    )
    template = RubricRefOutput()
    requested_at = serializers.DateTimeField(source="created_at")
    announcement_starts_on = serializers.DateField(allow_null=True)
    announcement_ends_on = serializers.DateField(allow_null=True)
    actions = WorkflowActionsField(REVIEW)


class InvestmentAmountsOutput(serializers.Serializer):
    n_software = _money()
    n_hardware = _money()
    x_software = _money()
    x_hardware = _money()
    automation = _money()


class FinancialAuditOutput(InvestmentAmountsOutput):
    total = _money(help_text="N and X, software and hardware: the subsidy base")
    conclusion = serializers.CharField()
    auditor = serializers.StringRelatedField()
    recorded_at = serializers.DateTimeField(source="created_at")


class AcceptancePanelSeatOutput(serializers.Serializer):
    expert = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["missing", "draft", "submitted", "conflict"],
        help_text="The expert's sheet, or `conflict` once the expert declared a link and left the panel",
    )


class ExpertSheetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="draft or submitted")
    total = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, help_text="Bonus included")
    bonus = AsciiDecimalSerializerField(max_digits=7, decimal_places=2)
    scores = serializers.SerializerMethodField()
    comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_scores(self, obj) -> dict[str, str]:
        return {str(score.item_id): f"{score.points:.2f}" for score in obj.scores.all() if score.points is not None}


class PanelSheetOutput(ExpertSheetOutput):
    expert = serializers.StringRelatedField()


class AcceptanceResultOutput(serializers.Serializer):
    score = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(help_text="The panel's verdict; an upheld objection fails the project later")
    pass_mark = AsciiDecimalSerializerField(max_digits=5, decimal_places=2)
    working = serializers.CharField()


class AcceptanceTransitionOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.StringRelatedField()
    comment = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class ObjectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    raised_by = serializers.CharField()
    text = serializers.CharField()
    status = serializers.CharField(help_text="open, upheld or dismissed")
    recorded_by = serializers.StringRelatedField()
    recorded_at = serializers.DateTimeField(source="created_at")
    resolution = serializers.CharField()
    resolved_by = serializers.StringRelatedField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class ProposedSubsidyOutput(serializers.Serializer):
    total = _money()
    policy_version = serializers.CharField()


class AcceptanceReviewHeadOutput(AcceptanceReviewOutput):
    deliverables = serializers.CharField()
    cosigned_at = serializers.DateTimeField(allow_null=True, help_text="When the provider co-signed the request")
    financial_auditor = serializers.StringRelatedField(allow_null=True)


class AcceptanceReviewDetailOutput(AcceptanceReviewHeadOutput):
    declared = InvestmentAmountsOutput(help_text="The investment per category the enterprise declared")
    audit = FinancialAuditOutput(required=False, help_text="Once recorded, for those who may read it")
    panel = AcceptancePanelSeatOutput(many=True)
    rubric = SheetSectionOutput(many=True, help_text="The rubric's sections and items (ids for the sheet)")
    sheets = PanelSheetOutput(many=True, required=False, help_text="The sheets the caller may read")
    result = AcceptanceResultOutput(required=False, help_text="Once the review is closed")
    transitions = AcceptanceTransitionOutput(many=True)
    objections = ObjectionOutput(many=True)
    proposed_subsidy = ProposedSubsidyOutput(
        required=False, help_text="The policy engine on the audited amounts, when it can be computed"
    )


def _audit_visible(access, review) -> bool:
    """Bureau and audit roles, the assigned financial auditor, and the project's enterprise and provider."""
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or review.financial_auditor_id == access.user.pk:
        return True
    organisation = access.user.organisation_id
    application = review.application
    if not organisation:
        return False
    if access.can(Capability.REQUEST_ACCEPTANCE) and application.enterprise.organisation_id == organisation:
        return True
    provider = application.provider
    return (
        access.can(Capability.COSIGN_ACCEPTANCE) and provider is not None and provider.organisation_id == organisation
    )


def _audit(review):
    """The review's audit, or None before it is recorded."""
    return getattr(review, "audit", None)


def _proposed(review) -> dict | None:
    """The proposed subsidy on the audited amounts; None without an audit or when the policy cannot price it."""
    if _audit(review) is None:
        return None
    try:
        _version, result = selectors.review_estimate(review)
    except PortalError:
        return None
    return {"total": result.total, "policy_version": result.policy_version}


def _panel(review) -> list[dict]:
    sheets = dict(review.sheets.values_list("expert_id", "status"))
    return [
        {"expert": str(seat.expert), "state": sheets.get(seat.expert_id, "missing") if seat.is_active else "conflict"}
        for seat in review.seats.select_related("expert").order_by("id")
    ]


def _detail(access, review) -> dict:
    data = AcceptanceReviewHeadOutput(review, context={"access": access}).data
    data["declared"] = InvestmentAmountsOutput(
        {name: getattr(review, f"declared_{name}") for name in AMOUNT_FIELDS}
    ).data
    audit = _audit(review)
    audit_visible = audit is not None and _audit_visible(access, review)
    if audit_visible:
        data["audit"] = FinancialAuditOutput(audit).data
    data["panel"] = AcceptancePanelSeatOutput(_panel(review), many=True).data
    data["rubric"] = SheetSectionOutput(sheet_structure(review.template), many=True).data
    with suppress(NotAllowed):  # the enterprise, the provider and the financial auditor read no sheet
        data["sheets"] = PanelSheetOutput(selectors.sheets_visible(access=access, review=review), many=True).data
    transitions = list(review.transitions.select_related("actor"))
    if review.decided_at is not None:
        data["result"] = AcceptanceResultOutput(
            {
                "score": review.score,
                "passed": any(step.to_status == ReviewStatus.PASSED for step in transitions),
                "pass_mark": review.application.program.acceptance_pass_mark,
                "working": review.working,
            }
        ).data
    data["transitions"] = AcceptanceTransitionOutput(transitions, many=True).data
    data["objections"] = ObjectionOutput(review.objections.select_related("recorded_by", "resolved_by"), many=True).data
    if audit_visible and (proposed := _proposed(review)) is not None:
        data["proposed_subsidy"] = ProposedSubsidyOutput(proposed).data
    return data


# Reviews -------------------------------------------------------------------------------------------------


@extend_schema(
    parameters=[PROGRAM_PATH, OpenApiParameter("status", OpenApiTypes.STR, enum=ReviewStatus.values)],
)
class ReviewListApi(ProgramScopedMixin, generics.ListAPIView):
    """The acceptance reviews the caller may see, newest first."""

    serializer_class = AcceptanceReviewOutput
    queryset = AcceptanceReview.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        return selectors.review_list(access=self.access, status=self.request.query_params.get("status", ""))


class ReviewDetailApi(ProgramScopedMixin, APIView):
    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], responses=AcceptanceReviewDetailOutput)
    def get(self, request, program, review):
        return Response(_detail(self.access, selectors.review_get(access=self.access, pk=review)))


class InvestmentAmountsInput(serializers.Serializer):
    n_software = _money(min_value=0)
    n_hardware = _money(min_value=0)
    x_software = _money(min_value=0)
    x_hardware = _money(min_value=0)
    automation = _money(min_value=0)


class AcceptanceRequestInput(serializers.Serializer):
    deliverables = serializers.CharField(max_length=MAX_TEXT)
    amounts = InvestmentAmountsInput(help_text="The final investment per category, in yuan")


class RequestApi(ProgramScopedMixin, APIView):
    """The enterprise requests acceptance of its completed project; the provider co-signs next."""

    @extend_schema(
        parameters=[PROGRAM_PATH, APPLICATION_PATH],
        request=AcceptanceRequestInput,
        responses={201: AcceptanceReviewOutput},
    )
    def post(self, request, program, application):
        access = self.access
        access.require(Capability.REQUEST_ACCEPTANCE)
        project = application_get(access=access, pk=application)
        data = AcceptanceRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.acceptance_request(
            access=access,
            application=project,
            deliverables=data.validated_data["deliverables"],
            amounts=dict(data.validated_data["amounts"]),
        )
        output = AcceptanceReviewOutput(selectors.review_get(access=access, pk=review.pk), context={"access": access})
        return Response(output.data, status=201)


class CosignApi(ProgramScopedMixin, APIView):
    """The implementing provider co-signs the request."""

    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], request=None, responses=AcceptanceReviewDetailOutput)
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.COSIGN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        services.acceptance_cosign(access=access, review=target)
        return Response(_detail(access, selectors.review_get(access=access, pk=target.pk)))


class AcceptancePanelInput(serializers.Serializer):
    experts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=100,
        help_text="User ids of experts in this program",
    )
    financial_auditor = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="User id of a financial auditor in this program"
    )


class PanelApi(ProgramScopedMixin, APIView):
    """Seat the panel and the financial auditor; anyone from the enterprise, the provider or an affiliate, or
    who declared a link, is refused."""

    @extend_schema(
        parameters=[PROGRAM_PATH, REVIEW_PATH], request=AcceptancePanelInput, responses=AcceptanceReviewDetailOutput
    )
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = AcceptancePanelInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(data.validated_data["experts"]))
        experts = _role_holders(access.program, Role.EXPERT, ids)
        auditor_id = data.validated_data["financial_auditor"]
        auditor = _role_holders(access.program, Role.FINANCIAL_AUDITOR, [auditor_id]).get(auditor_id)
        fields = {}
        if unknown := [pk for pk in ids if pk not in experts]:
            fields["experts"] = [f"{pk}: {_('Not an expert of this program.')}" for pk in unknown]
        if auditor is None:
            fields["financial_auditor"] = [_("Not a financial auditor of this program.")]
        if fields:
            raise PortalError(_("Choose people who hold the role in this program."), fields=fields)
        services.panel_assign(
            access=access, review=target, experts=[experts[pk] for pk in ids], financial_auditor=auditor
        )
        return Response(_detail(access, selectors.review_get(access=access, pk=target.pk)))


@extend_schema_field({"type": "string", "enum": ConflictKind.values})
class ConflictKindField(serializers.ChoiceField):
    """The kinds of link an expert declares, as in selection rounds. Described by value alone, so that the
    schema names this use of the choice set after its component instead of colliding with the round's."""


class ExpertConflictInput(serializers.Serializer):
    kind = ConflictKindField(choices=ConflictKind.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ExpertConflictOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ConflictApi(ProgramScopedMixin, APIView):
    """An expert on the panel declares a link to the project and leaves the panel."""

    @extend_schema(
        parameters=[PROGRAM_PATH, REVIEW_PATH], request=ExpertConflictInput, responses={201: ExpertConflictOutput}
    )
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.SCORE_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = ExpertConflictInput(data=request.data)
        data.is_valid(raise_exception=True)
        declaration = services.expert_conflict_declare(access=access, review=target, **data.validated_data)
        return Response(ExpertConflictOutput(declaration).data, status=201)


class ExpertSheetInput(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.CharField(max_length=20, allow_blank=True),
        help_text='Points per rubric item id, as decimal strings: {"12": "12.50"}. A blank value leaves it unscored.',
    )
    comment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False, help_text="Make the sheet final")


class SheetApi(ProgramScopedMixin, APIView):
    """An expert's own rubric sheet for the project: read it, save or submit it."""

    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], responses=ExpertSheetOutput)
    def get(self, request, program, review):
        access = self.access
        target = selectors.review_get(access=access, pk=review)
        own = selectors.sheets_visible(access=access, review=target).filter(expert=access.user).first()
        if own is None:
            raise Http404
        return Response(ExpertSheetOutput(own).data)

    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], request=ExpertSheetInput, responses=ExpertSheetOutput)
    def put(self, request, program, review):
        access = self.access
        access.require(Capability.SCORE_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = ExpertSheetInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            sheet = services.expert_sheet_save(access=access, review=target, **data.validated_data)
        except PortalError as error:
            raise _item_errors_as_scores(error) from None
        return Response(ExpertSheetOutput(selectors.sheets_visible(access=access, review=target).get(pk=sheet.pk)).data)


class FinancialAuditInput(InvestmentAmountsInput):
    conclusion = serializers.CharField(max_length=MAX_TEXT)
    report = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="The audit report: PDF, images or Office files"
    )


class AuditApi(ProgramScopedMixin, APIView):
    """The assigned financial auditor records the audited amounts (the subsidy base) and the conclusion."""

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        parameters=[PROGRAM_PATH, REVIEW_PATH],
        request={"multipart/form-data": FinancialAuditInput, "application/json": FinancialAuditInput},
        responses={201: FinancialAuditOutput},
    )
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.AUDIT_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = FinancialAuditInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            audit = services.audit_record(
                access=access,
                review=target,
                amounts={name: fields[name] for name in AMOUNT_FIELDS},
                conclusion=fields["conclusion"],
                report=fields["report"],
            )
        except PortalError as error:
            raise _upload_errors_as_report(error) from None
        return Response(FinancialAuditOutput(audit).data, status=201)


class CloseApi(ProgramScopedMixin, APIView):
    """Close the review once every sheet and the audit are in: the panel's mean against the pass mark."""

    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], request=None, responses=AcceptanceReviewDetailOutput)
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        services.review_close(access=access, review=target)
        return Response(_detail(access, selectors.review_get(access=access, pk=target.pk)))


class AnnouncementOpenInput(serializers.Serializer):
    starts_on = serializers.DateField(help_text="The first day of the announcement")

    def validate_starts_on(self, value):
        if not EARLIEST_ANNOUNCEMENT <= value <= LATEST_ANNOUNCEMENT:
            raise serializers.ValidationError(
                _("Give a date between %(first)s and %(last)s.")
                % {
                    "first": EARLIEST_ANNOUNCEMENT,
                    "last": LATEST_ANNOUNCEMENT,
                }
            )
        return value


class AnnounceApi(ProgramScopedMixin, APIView):
    """Announce a passed project for the program's number of working days."""

    @extend_schema(
        parameters=[PROGRAM_PATH, REVIEW_PATH], request=AnnouncementOpenInput, responses=AcceptanceReviewDetailOutput
    )
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = AnnouncementOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.announcement_open(access=access, review=target, starts_on=data.validated_data["starts_on"])
        return Response(_detail(access, selectors.review_get(access=access, pk=target.pk)))


class ObjectionInput(serializers.Serializer):
    raised_by = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=MAX_TEXT)


class ObjectionApi(ProgramScopedMixin, APIView):
    """Record an objection received during the announcement: the project goes on hold."""

    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], request=ObjectionInput, responses={201: ObjectionOutput})
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = ObjectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_record(access=access, review=target, **data.validated_data)
        return Response(ObjectionOutput(objection).data, status=201)


class ObjectionResolutionInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=["uphold", "dismiss"], help_text="uphold: the project fails; dismiss: the announcement resumes"
    )
    resolution = serializers.CharField(max_length=MAX_TEXT)


class ObjectionResolveApi(ProgramScopedMixin, APIView):
    """Resolve an objection: upheld, the project fails acceptance; dismissed, the announcement goes on."""

    @extend_schema(
        parameters=[PROGRAM_PATH, REVIEW_PATH, OBJECTION_PATH],
        request=ObjectionResolutionInput,
        responses=ObjectionOutput,
    )
    def post(self, request, program, review, objection):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        item = get_or_404(target.objections.all(), objection)
        data = ObjectionResolutionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.objection_resolve(
            access=access,
            objection=item,
            upheld=data.validated_data["decision"] == "uphold",
            resolution=data.validated_data["resolution"],
        )
        resolved = get_or_404(target.objections.select_related("recorded_by", "resolved_by"), item.pk)
        return Response(ObjectionOutput(resolved).data)


# The public announcement ---------------------------------------------------------------------------------


class AnnouncementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="announcing, or on_hold while an objection is open")
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    project = serializers.CharField(source="application.title")
    filing_number = serializers.CharField(source="application.filing_number")
    provider = serializers.CharField(source="application.provider.organisation.name", allow_null=True, default=None)
    score = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, allow_null=True)
    audited_total = serializers.SerializerMethodField()
    proposed_subsidy = serializers.SerializerMethodField()
    announcement_starts_on = serializers.DateField(allow_null=True)
    announcement_ends_on = serializers.DateField(allow_null=True)

    @extend_schema_field(_money(allow_null=True))
    def get_audited_total(self, obj):
        audit = _audit(obj)
        return None if audit is None else _money().to_representation(audit.total)

    @extend_schema_field(_money(allow_null=True, help_text="The proposed subsidy total on the audited amounts"))
    def get_proposed_subsidy(self, obj):
        result, _why = self.context.get("estimates", {}).get(obj.pk, (None, ""))
        return None if result is None else _money().to_representation(result.total)


@extend_schema(parameters=[PROGRAM_PATH])
class AnnouncementListApi(ProgramScopedMixin, generics.ListAPIView):
    """The projects in public announcement (or on hold by an objection), for anyone with a role in the program."""

    serializer_class = AnnouncementOutput
    queryset = AcceptanceReview.objects.none()
    filter_backends = []

    def get_queryset(self):
        self.access.require(Capability.VIEW_PROGRAM)
        return selectors.announcement_list(program=self.access.program)

    def get_serializer(self, *args, **kwargs):
        if args and not isinstance(args[0], AcceptanceReview):
            # One page of rows: their proposed subsidies come from one reading of the policy.
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["estimates"] = selectors.announcement_estimates(
                list(args[0]), program=self.access.program
            )
        return super().get_serializer(*args, **kwargs)


class ConcludeOutput(serializers.Serializer):
    concluded = serializers.IntegerField(help_text="Announcements ended without an open objection: ready for subsidy")


class AnnouncementConcludeApi(ProgramScopedMixin, APIView):
    """Conclude every announcement of the program that ended without an open objection: the projects become
    ready for subsidy (the next calculation run picks them)."""

    @extend_schema(parameters=[PROGRAM_PATH], request=None, responses=ConcludeOutput)
    def post(self, request, program):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        with transaction.atomic():  # the service locks the rows it concludes
            done = services.announcements_conclude(access=access)
        return Response(ConcludeOutput({"concluded": done}).data)


# Digital-level assessments -------------------------------------------------------------------------------


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
        assessments = project.digital_assessments.select_related("assessor").order_by("phase", "-assessed_on", "-id")
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
            raise _upload_errors_as_report(error) from None
        return Response(DigitalAssessmentOutput(assessment).data, status=201)
