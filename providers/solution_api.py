"""The solution library in the API: the published library with its filters, a provider's drafts and changes,
publication and withdrawal, and the bureau's excellent-product awards."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.api import Pagination
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from programs.models import Industry, ScenarioModule
from providers import solution_selectors as selectors
from providers import solutions as services
from providers.models import DeploymentMode, Solution

SOLUTION_PATH = OpenApiParameter("solution", OpenApiTypes.INT, OpenApiParameter.PATH, description="Solution id")
MAX_TEXT = 10_000
FILTER_PARAMETERS = [
    OpenApiParameter("industry", OpenApiTypes.STR, description="Industry code"),
    OpenApiParameter("deployment", OpenApiTypes.STR, enum=DeploymentMode.values, description="Deployment mode"),
    OpenApiParameter("max_price", OpenApiTypes.DECIMAL, description="Price starts at or below (yuan)"),
    OpenApiParameter("module", OpenApiTypes.STR, description="Scenario module code"),
    OpenApiParameter("search", OpenApiTypes.STR, description="Part of the solution's name"),
]


class SolutionPagination(Pagination):
    page_size = 20


def _codes(access, model, codes, field):
    """The program's rows of `model` named by `codes`; an unknown code is a field error."""
    codes = list(dict.fromkeys(codes))
    found = selectors.rows_by_code(program=access.program, model=model, codes=codes)
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise PortalError(
            _("Unknown code: %(codes)s") % {"codes": ", ".join(unknown)},
            fields={field: [f"{code}: {_('Invalid.')}" for code in unknown]},
        )
    return [found[code] for code in codes]


# Output --------------------------------------------------------------------------------------------------


class SolutionAwardOutput(serializers.Serializer):
    id = serializers.IntegerField()
    amount = AsciiDecimalSerializerField(max_digits=16, decimal_places=2)
    reference = serializers.CharField()
    decided_on = serializers.DateField()
    reason = serializers.CharField()
    is_active = serializers.BooleanField()
    withdrawn_reason = serializers.CharField()


class SolutionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    provider = serializers.IntegerField(source="membership_id")
    provider_name = serializers.CharField(source="membership.organisation.name")
    industries = serializers.SerializerMethodField()
    modules = serializers.SerializerMethodField()
    price_min = AsciiDecimalSerializerField(max_digits=16, decimal_places=2, allow_null=True)
    price_max = AsciiDecimalSerializerField(max_digits=16, decimal_places=2, allow_null=True)
    deployment = serializers.ChoiceField(choices=DeploymentMode.choices)
    cases = serializers.CharField()
    status = serializers.CharField(help_text="draft, published or withdrawn")
    published_at = serializers.DateTimeField(allow_null=True)
    excellent_product = serializers.SerializerMethodField()

    def get_industries(self, obj) -> list[str]:
        return [industry.code for industry in obj.industries.all()]

    def get_modules(self, obj) -> list[str]:
        return [module.code for module in obj.modules.all()]

    @extend_schema_field(SolutionAwardOutput(allow_null=True))
    def get_excellent_product(self, obj) -> dict | None:
        awards = getattr(obj, "active_awards", None)
        return SolutionAwardOutput(awards[0]).data if awards else None


# Input ---------------------------------------------------------------------------------------------------


class SolutionInput(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=MAX_TEXT)
    industries = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, default=list, max_length=100
    )
    modules = serializers.ListField(
        child=serializers.SlugField(max_length=40),
        required=False,
        default=list,
        max_length=200,
        help_text="Scenario module codes",
    )
    price_min = AsciiDecimalSerializerField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    price_max = AsciiDecimalSerializerField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Not below price_min; leave both empty when the price is agreed on request",
    )
    deployment = serializers.ChoiceField(choices=DeploymentMode.choices)
    cases = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Why it changed (history)"
    )


class SolutionReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class SolutionAwardInput(serializers.Serializer):
    amount = AsciiDecimalSerializerField(max_digits=16, decimal_places=2, help_text="Yuan, above zero")
    reference = serializers.CharField(max_length=120)
    decided_on = serializers.DateField()
    reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


def _save(access, data, solution=None):
    fields = dict(data)
    industries = _codes(access, Industry, fields.pop("industries", []), "industries")
    modules = _codes(access, ScenarioModule, fields.pop("modules", []), "modules")
    reason = fields.pop("reason", "")
    if solution is not None and "industries" not in data:
        industries = list(solution.industries.all())
    if solution is not None and "modules" not in data:
        modules = list(solution.modules.all())
    return services.solution_save(
        access=access, fields=fields, industries=industries, modules=modules, solution=solution, reason=reason
    )


def _fresh(access, solution):
    return selectors.solution_get(access=access, pk=solution.pk)


# Views ---------------------------------------------------------------------------------------------------


@extend_schema(parameters=[PROGRAM_PATH])
class SolutionListApi(ProgramScopedMixin, generics.ListAPIView):
    """The program's published solutions (20 a page); a provider adds a draft."""

    serializer_class = SolutionOutput
    queryset = Solution.objects.none()  # for the schema only; requests use get_queryset
    pagination_class = SolutionPagination
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.solution_library(
            access=self.access,
            industry=params.get("industry", "").strip(),
            deployment=params.get("deployment", "").strip(),
            max_price=selectors.parse_max_price(params.get("max_price", "")),
            module=params.get("module", "").strip(),
            search=params.get("search", "").strip(),
        )

    @extend_schema(parameters=[PROGRAM_PATH, *FILTER_PARAMETERS])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(parameters=[PROGRAM_PATH], request=SolutionInput, responses={201: SolutionOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.PUBLISH_SOLUTION)
        data = SolutionInput(data=request.data)
        data.is_valid(raise_exception=True)
        solution = _save(access, data.validated_data)
        return Response(SolutionOutput(_fresh(access, solution)).data, status=201)


class SolutionDetailApi(ProgramScopedMixin, APIView):
    """One solution as the caller may see it; its provider changes it while draft or published."""

    @extend_schema(parameters=[PROGRAM_PATH, SOLUTION_PATH], responses=SolutionOutput)
    def get(self, request, program, solution):
        return Response(SolutionOutput(selectors.solution_get(access=self.access, pk=solution)).data)

    @extend_schema(
        parameters=[PROGRAM_PATH, SOLUTION_PATH], request=SolutionInput(partial=True), responses=SolutionOutput
    )
    def patch(self, request, program, solution):
        access = self.access
        access.require(Capability.PUBLISH_SOLUTION)
        item = selectors.own_solution_get(access=access, pk=solution)
        data = SolutionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        _save(access, data.validated_data, solution=item)
        return Response(SolutionOutput(_fresh(access, item)).data)


class SolutionPublishApi(ProgramScopedMixin, APIView):
    """Show one's draft in the library."""

    @extend_schema(parameters=[PROGRAM_PATH, SOLUTION_PATH], request=None, responses=SolutionOutput)
    def post(self, request, program, solution):
        access = self.access
        access.require(Capability.PUBLISH_SOLUTION)
        item = selectors.own_solution_get(access=access, pk=solution)
        services.solution_publish(access=access, solution=item)
        return Response(SolutionOutput(_fresh(access, item)).data)


class SolutionWithdrawApi(ProgramScopedMixin, APIView):
    """Take one's solution out of the library, saying why."""

    @extend_schema(parameters=[PROGRAM_PATH, SOLUTION_PATH], request=SolutionReasonInput, responses=SolutionOutput)
    def post(self, request, program, solution):
        access = self.access
        access.require(Capability.PUBLISH_SOLUTION)
        item = selectors.own_solution_get(access=access, pk=solution)
        data = SolutionReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.solution_withdraw(access=access, solution=item, reason=data.validated_data["reason"])
        return Response(SolutionOutput(_fresh(access, item)).data)


class SolutionAwardApi(ProgramScopedMixin, APIView):
    """Mark a published solution as an excellent product, by decision, within the active policy's maximum."""

    @extend_schema(
        parameters=[PROGRAM_PATH, SOLUTION_PATH], request=SolutionAwardInput, responses={201: SolutionAwardOutput}
    )
    def post(self, request, program, solution):
        access = self.access
        access.require(Capability.GRANT_AWARD)
        item = selectors.solution_get(access=access, pk=solution)
        data = SolutionAwardInput(data=request.data)
        data.is_valid(raise_exception=True)
        award = services.solution_award_grant(access=access, solution=item, **data.validated_data)
        return Response(SolutionAwardOutput(award).data, status=201)


class SolutionAwardWithdrawApi(ProgramScopedMixin, APIView):
    """Withdraw the solution's active award, saying why."""

    @extend_schema(parameters=[PROGRAM_PATH, SOLUTION_PATH], request=SolutionReasonInput, responses=SolutionAwardOutput)
    def post(self, request, program, solution):
        access = self.access
        access.require(Capability.GRANT_AWARD)
        item = selectors.solution_get(access=access, pk=solution)
        award = selectors.active_award(item)
        if award is None:
            raise PortalError(_("This solution holds no active award."))
        data = SolutionReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        award = services.solution_award_withdraw(access=access, award=award, reason=data.validated_data["reason"])
        return Response(SolutionAwardOutput(award).data)
