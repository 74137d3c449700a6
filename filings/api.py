"""Filings in the API: list (scoped like the queue), create a draft, read one, take a workflow action."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from filings import selectors, services
from filings.models import Application, AttachmentKind, Category, Part, Status
from filings.workflow import ACTIONS
from policies.quotes import result_as_dict
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.paging import DeferredPagination
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from providers.models import PoolMembership

APPLICATION_PATH = OpenApiParameter("application", OpenApiTypes.INT, OpenApiParameter.PATH)


class LineSerializer(serializers.Serializer):
    module = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    part = serializers.ChoiceField(choices=Part.choices)
    category = serializers.ChoiceField(choices=Category.choices, help_text="software, hardware or automation")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount = AsciiDecimalSerializerField(max_digits=14, decimal_places=2, min_value=0)


class SubcontractInput(serializers.Serializer):
    membership = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Pool membership id")
    scope = serializers.CharField(max_length=200, help_text="The subcontractor's part of the work")
    work_share = AsciiDecimalSerializerField(max_digits=5, decimal_places=2, help_text="Share of the work (%)")
    amount = AsciiDecimalSerializerField(max_digits=14, decimal_places=2, help_text="Share of the contract (yuan)")


class ApplicationInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    track = serializers.CharField(max_length=40)
    provider = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    target_level = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=4,
        help_text="The digital level the project commits to reach (tracks priced by level); the estimate uses it",
    )
    contract_subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contract_budget = AsciiDecimalSerializerField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    contract_duration_months = serializers.IntegerField(min_value=1, max_value=120, required=False, allow_null=True)
    acceptance_method = serializers.CharField(required=False, allow_blank=True, default="")
    rights_and_duties = serializers.CharField(required=False, allow_blank=True, default="")
    breach_handling = serializers.CharField(required=False, allow_blank=True, default="")
    payment_settlement = serializers.CharField(required=False, allow_blank=True, default="")
    warranty_months = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    training = serializers.CharField(required=False, allow_blank=True, default="")
    lines = LineSerializer(many=True, min_length=1)
    lead_work_share = AsciiDecimalSerializerField(
        max_digits=5,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="The lead contractor's own share of the work (%), with subcontracts",
    )
    lead_amount = AsciiDecimalSerializerField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="The lead contractor's own share of the contract (yuan), with subcontracts",
    )
    subcontracts = SubcontractInput(
        many=True,
        required=False,
        max_length=50,
        help_text="Replaces the filing's subcontracts; left out, they stay as they are. With any, the lead's share "
        "and theirs add up to 100 % of the work and to the contract budget.",
    )


class ApplicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    filing_number = serializers.CharField()
    track = serializers.CharField()
    enterprise = serializers.CharField(source="enterprise.organisation.name")
    uscc = serializers.CharField(source="enterprise.organisation.uscc")
    industry = serializers.CharField(source="enterprise.industry.code")
    provider = serializers.CharField(source="provider.organisation.name", allow_null=True, default=None)
    batch = serializers.IntegerField(source="batch.number", allow_null=True, default=None)
    submitted_at = serializers.DateTimeField(allow_null=True)
    implementation_deadline = serializers.DateField(allow_null=True)
    total = AsciiDecimalSerializerField(max_digits=14, decimal_places=2, coerce_to_string=True)


class TransitionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_null=True)


class SubcontractOutput(serializers.Serializer):
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id")
    subcontractor = serializers.CharField(source="membership.organisation.name")
    scope = serializers.CharField()
    work_share = AsciiDecimalSerializerField(max_digits=5, decimal_places=2)
    amount = AsciiDecimalSerializerField(max_digits=14, decimal_places=2)
    percent = serializers.IntegerField(help_text="Progress of the part the enterprise has confirmed")


def _subcontracts(access, data):
    """The subcontracts as posted, with their pool memberships (None for an id outside the program's pool: the
    service refuses it on its row); None when the request leaves them out."""
    if "subcontracts" not in data:
        return None
    items = data.pop("subcontracts")
    ids = {item["membership"] for item in items}
    found = selectors.pool_memberships_by_id(access=access, ids=ids)
    return [
        {**item, "membership": found.get(item["membership"]) or PoolMembership(pk=item["membership"])} for item in items
    ]


def _fields_and_lines(access, data):
    lines = []
    for line in data.pop("lines"):
        module_id = line.pop("module", None)
        module = None
        if module_id:
            module = selectors.scenario_module_find(access=access, pk=module_id)
            if module is None:
                raise PortalError("lines: 应用场景模块不在本项目清单中", fields={"lines": ["module"]})
        lines.append({**line, "module": module})
    provider_id = data.pop("provider", None)
    provider = None
    if provider_id:
        provider = selectors.pool_membership_find(access=access, pk=provider_id)
        if provider is None:
            raise PortalError("provider: 服务商不在本项目资源池中", fields={"provider": ["unknown"]})
    return {**data, "provider": provider}, lines


@extend_schema(parameters=[PROGRAM_PATH])
class ApplicationListApi(ProgramScopedMixin, generics.ListAPIView):
    pagination_class = DeferredPagination
    serializer_class = ApplicationOutput
    queryset = Application.objects.none()

    def get_queryset(self):
        params = self.request.query_params
        filters = {key: params.get(key, "") for key in selectors.FILTERS}
        return selectors.application_list(access=self.access, filters=filters, sort=params.get("sort", "-submitted"))

    @extend_schema(request=ApplicationInput, responses={201: ApplicationOutput})
    def post(self, request, program):
        data = ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        subcontracts = _subcontracts(self.access, values)
        fields, lines = _fields_and_lines(self.access, values)
        application = services.application_create(
            access=self.access, fields=fields, lines=lines, subcontracts=subcontracts
        )
        row = selectors.application_get(access=self.access, pk=application.pk)
        return Response(ApplicationOutput(row).data, status=201)


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField(source="created_at")
    also_filed_in = serializers.ListField(
        child=serializers.CharField(),
        default=list,
        help_text="For reviewers: other filings holding the same contract file",
    )


class ApplicationDetailOutput(ApplicationOutput):
    target_level = serializers.IntegerField(allow_null=True)
    policy_version = serializers.CharField(allow_null=True, help_text="The version the project is priced under")
    provider_response = serializers.CharField(help_text="'' (not answered), accepted or declined")
    provider_comment = serializers.CharField()
    estimate = serializers.DictField(allow_null=True, help_text="The quote as `quote_subsidy --json` prints it")
    attachments = AttachmentOutput(many=True)
    transitions = serializers.ListField(child=serializers.DictField())
    lead_work_share = AsciiDecimalSerializerField(max_digits=5, decimal_places=2, allow_null=True)
    lead_amount = AsciiDecimalSerializerField(max_digits=14, decimal_places=2, allow_null=True)
    subcontracts = SubcontractOutput(many=True)


class ApplicationDetailApi(ProgramScopedMixin, APIView):
    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=ApplicationDetailOutput)
    def get(self, request, program, application):
        row = selectors.application_get(access=self.access, pk=application)
        data = ApplicationOutput(row).data
        try:
            data["estimate"] = result_as_dict(selectors.application_estimate(row, on_date=timezone.localdate())[1])
        except PortalError:
            data["estimate"] = None
        data["transitions"] = [
            {
                "action": t.action,
                "from": t.from_status,
                "to": t.to_status,
                "by": str(t.actor),
                "comment": t.comment,
                "at": t.created_at.isoformat(),
            }
            for t in row.transitions.select_related("actor")
        ]
        for name in ("lead_work_share", "lead_amount"):
            data[name] = None if getattr(row, name) is None else f"{getattr(row, name):.2f}"
        data["subcontracts"] = SubcontractOutput(selectors.subcontract_list(row), many=True).data
        data["target_level"] = row.target_level
        data["policy_version"] = row.policy_version.code if row.policy_version_id else None
        data["provider_response"] = row.provider_response
        data["provider_comment"] = row.provider_comment
        data["attachments"] = _attachments(self.access, row)
        return Response(data)

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], request=ApplicationInput, responses=ApplicationOutput)
    def put(self, request, program, application):
        target = selectors.application_get(access=self.access, pk=application)
        data = ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        subcontracts = _subcontracts(self.access, values)
        fields, lines = _fields_and_lines(self.access, values)
        services.application_update(
            access=self.access, application=target, fields=fields, lines=lines, subcontracts=subcontracts
        )
        return Response(ApplicationOutput(selectors.application_get(access=self.access, pk=target.pk)).data)


class ApplicationTransitionApi(ProgramScopedMixin, APIView):
    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], request=TransitionInput, responses=ApplicationOutput)
    def post(self, request, program, application):
        self.access.require(Capability.VIEW_FILINGS)
        target = get_or_404(selectors.application_list(access=self.access), application)
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_transition(access=self.access, application=target, **data.validated_data)
        return Response(ApplicationOutput(selectors.application_get(access=self.access, pk=target.pk)).data)


class BulkApproveInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1, max_length=500
    )


class BulkApproveOutput(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField())
    refused = serializers.DictField(child=serializers.CharField())


class BulkApproveApi(ProgramScopedMixin, APIView):
    """Approve several filings; each is decided on its own and a refusal says why."""

    @extend_schema(parameters=[PROGRAM_PATH], request=BulkApproveInput, responses=BulkApproveOutput)
    def post(self, request, program):
        self.access.require(Capability.REVIEW)
        data = BulkApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["ids"])
        found = list(selectors.application_list(access=self.access).filter(pk__in=ids))
        outcome = services.application_bulk_approve(access=self.access, applications=found)
        refused = {str(pk): reason for pk, reason in outcome.items() if reason}
        refused.update({str(pk): "not found" for pk in ids - {application.pk for application in found}})
        return Response({"approved": sorted(pk for pk, reason in outcome.items() if not reason), "refused": refused})


class ContractorsOutput(serializers.Serializer):
    lead = serializers.CharField(allow_null=True, help_text="The lead contractor (总包商), who answers for the whole")
    lead_work_share = AsciiDecimalSerializerField(max_digits=5, decimal_places=2, allow_null=True)
    lead_amount = AsciiDecimalSerializerField(max_digits=14, decimal_places=2, allow_null=True)
    contract_budget = AsciiDecimalSerializerField(max_digits=14, decimal_places=2, allow_null=True)
    subcontracts = SubcontractOutput(many=True)


class SubcontractListApi(ProgramScopedMixin, APIView):
    """A filing's contractors: the lead contractor's part and the subcontracts in force, for whoever may read the
    filing. They are changed with the filing (PUT on the filing, while it is a draft or returned)."""

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=ContractorsOutput)
    def get(self, request, program, application):
        row = selectors.application_get(access=self.access, pk=application)
        data = {
            "lead": row.provider.organisation.name if row.provider else None,
            "lead_work_share": row.lead_work_share,
            "lead_amount": row.lead_amount,
            "contract_budget": row.contract_budget,
            "subcontracts": selectors.subcontract_list(row),
        }
        return Response(ContractorsOutput(data).data)


def _attachments(access, application):
    duplicates = selectors.duplicate_contracts(application, access=access)
    items = application.attachments.filter(is_active=True).order_by("id")
    return [{**AttachmentOutput(item).data, "also_filed_in": duplicates.get(item.pk, [])} for item in items]


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, image or Office document, at most 20 MB")
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)


class AttachmentListApi(ProgramScopedMixin, APIView):
    """A filing's files: read by whoever may read the filing; added by the enterprise to a draft or returned
    filing, with the same checks as the page (type by content, size, stored privately)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(parameters=[PROGRAM_PATH, APPLICATION_PATH], responses=AttachmentOutput(many=True))
    def get(self, request, program, application):
        row = selectors.application_get(access=self.access, pk=application)
        return Response(_attachments(self.access, row))

    @extend_schema(
        parameters=[PROGRAM_PATH, APPLICATION_PATH], request=AttachmentInput, responses={201: AttachmentOutput}
    )
    def post(self, request, program, application):
        self.access.require(Capability.FILE)
        row = selectors.application_get(access=self.access, pk=application)
        data = AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.attachment_add(
            access=self.access, application=row, kind=data.validated_data["kind"], upload=data.validated_data["file"]
        )
        return Response({**AttachmentOutput(item).data, "also_filed_in": []}, status=201)


class ProviderResponseInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "decline"])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ProviderResponseApi(ProgramScopedMixin, APIView):
    """The chosen provider accepts or declines a submitted project (two-way selection); approval waits for it."""

    @extend_schema(
        parameters=[PROGRAM_PATH, APPLICATION_PATH], request=ProviderResponseInput, responses=ApplicationOutput
    )
    def post(self, request, program, application):
        row = selectors.application_get(access=self.access, pk=application)
        data = ProviderResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_provider_respond(access=self.access, application=row, **data.validated_data)
        return Response(ApplicationOutput(selectors.application_get(access=self.access, pk=row.pk)).data)
