"""Read endpoints of programs and their reference data, scoped exactly like the pages."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.fields import AsciiDecimalSerializerField
from programs import selectors
from programs.access import program_access, programs_for_user
from programs.models import Industry, ModuleKind, ScenarioModule

PROGRAM_PATH = OpenApiParameter(
    "program",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Program code",
    examples=[OpenApiExample("Wuyi", value="wuyi-2024"), OpenApiExample("Jinhua", value="jinhua-pilot")],
)


class ProgramScopedMixin:
    """Resolves `self.access` from the URL's program code: 404 when the caller holds no role there.

    Resolved before the method is dispatched, so an outsider gets the same 404 for every method.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access  # noqa: B018  (raises Http404 for outsiders)

    @property
    def access(self):
        if not hasattr(self, "_access"):
            self._access = program_access(user=self.request.user, slug=self.kwargs["program"])
        return self._access


class ProgramOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    short_name = serializers.CharField()
    bureau_name = serializers.CharField()
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class ProgramListApi(generics.ListAPIView):
    serializer_class = ProgramOutput

    def get_queryset(self):
        return programs_for_user(user=self.request.user).order_by("slug")


class ProgramDetailOutput(ProgramOutput):
    roles = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())


class ProgramDetailApi(ProgramScopedMixin, APIView):
    @extend_schema(parameters=[PROGRAM_PATH], responses=ProgramDetailOutput)
    def get(self, request, program):
        access = self.access
        data = ProgramOutput(access.program).data
        data["roles"] = sorted(access.roles)
        data["capabilities"] = sorted(access.capabilities)
        return Response(data)


class IndustryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.SlugField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    sort_order = serializers.IntegerField()


@extend_schema(parameters=[PROGRAM_PATH])
class IndustryListApi(ProgramScopedMixin, generics.ListAPIView):
    serializer_class = IndustryOutput
    queryset = Industry.objects.none()  # for the schema only; requests use get_queryset

    def get_queryset(self):
        return selectors.industry_list(access=self.access, with_counts=False)


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    is_open = serializers.SerializerMethodField(
        help_text="Filings are taken today (the program runs and the window holds today)"
    )

    def get_is_open(self, obj) -> bool:
        return obj.pk == self.context["open_batch"]


@extend_schema(parameters=[PROGRAM_PATH], responses=BatchOutput(many=True))
class BatchListApi(ProgramScopedMixin, APIView):
    """The program's participation batches (改造批次) and their filing windows."""

    def get(self, request, program):
        batches = selectors.batch_list(access=self.access)
        current = selectors.open_batch(self.access.program, timezone.localdate())
        context = {"open_batch": current.pk if current else None}
        return Response(BatchOutput(batches, many=True, context=context).data)


class ScenarioModuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    code = serializers.SlugField()
    kind = serializers.CharField()
    category = serializers.CharField()
    category_en = serializers.CharField()
    investment_category = serializers.CharField(help_text="software, hardware, automation, or '' (any)")
    name = serializers.CharField()
    name_en = serializers.CharField()
    price = AsciiDecimalSerializerField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        coerce_to_string=True,
        help_text="Yuan; null means priced on request (按需求).",
    )
    description = serializers.CharField()
    industries = serializers.SerializerMethodField()

    def get_industries(self, obj) -> list[str]:
        return [industry.code for industry in obj.industries.all()]


@extend_schema(
    parameters=[
        PROGRAM_PATH,
        OpenApiParameter("kind", OpenApiTypes.STR, enum=ModuleKind.values),
        OpenApiParameter("category", OpenApiTypes.STR),
        OpenApiParameter("search", OpenApiTypes.STR),
    ]
)
class ScenarioModuleListApi(ProgramScopedMixin, generics.ListAPIView):
    serializer_class = ScenarioModuleOutput
    queryset = ScenarioModule.objects.none()
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.scenario_module_list(
            access=self.access,
            kind=params.get("kind", ""),
            category=params.get("category", ""),
            search=params.get("search", ""),
        )
