"""Acceptance reviews in the API: the list and one review, the enterprise's request and the provider's
co-signature, the panel and its conflicts, the experts' sheets, the financial audit and the result."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from acceptance import selectors, services
from acceptance.api.fields import (
    MAX_ID,
    MAX_TEXT,
    REVIEW_PATH,
    upload_errors_as_report,
)
from acceptance.api.outputs import (
    AcceptanceReviewDetailOutput,
    AcceptanceReviewOutput,
    ExpertSheetOutput,
    FinancialAuditOutput,
    detail_data,
)
from acceptance.models import AMOUNT_FIELDS, AcceptanceReview, ReviewStatus
from filings.api import APPLICATION_PATH
from filings.selectors import application_get
from portal.core.errors import PortalError
from portal.core.fields import amount_field
from portal.core.roles import Capability, Role
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from providers.models import ConflictKind
from scoring.api import item_errors_as_scores


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
        return Response(detail_data(self.access, selectors.review_get(access=self.access, pk=review)))


class InvestmentAmountsInput(serializers.Serializer):
    n_software = amount_field(min_value=0)
    n_hardware = amount_field(min_value=0)
    x_software = amount_field(min_value=0)
    x_hardware = amount_field(min_value=0)
    automation = amount_field(min_value=0)


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
        return Response(detail_data(access, selectors.review_get(access=access, pk=target.pk)))


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
        experts = selectors.role_holders_by_id(access.program, Role.EXPERT, ids)
        auditor_id = data.validated_data["financial_auditor"]
        auditor = selectors.role_holders_by_id(access.program, Role.FINANCIAL_AUDITOR, [auditor_id]).get(auditor_id)
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
        return Response(detail_data(access, selectors.review_get(access=access, pk=target.pk)))


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
        own = selectors.own_sheet_visible(access=access, review=target)
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
            raise item_errors_as_scores(error) from None
        return Response(ExpertSheetOutput(selectors.sheet_visible_get(access=access, review=target, pk=sheet.pk)).data)


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
            raise upload_errors_as_report(error) from None
        return Response(FinancialAuditOutput(audit).data, status=201)


class CloseApi(ProgramScopedMixin, APIView):
    """Close the review once every sheet and the audit are in: the panel's mean against the pass mark."""

    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], request=None, responses=AcceptanceReviewDetailOutput)
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        services.review_close(access=access, review=target)
        return Response(detail_data(access, selectors.review_get(access=access, pk=target.pk)))
