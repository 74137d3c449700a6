"""Cross-app reads in the API: the organisations taking part in a program (its enterprises and providers)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from dashboard.selectors import organisation_list
from organisations.models import Organisation, OrganisationKind
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    uscc = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


@extend_schema(
    parameters=[
        PROGRAM_PATH,
        OpenApiParameter("kind", OpenApiTypes.STR, enum=OrganisationKind.values),
        OpenApiParameter("search", OpenApiTypes.STR),
    ]
)
class OrganisationListApi(ProgramScopedMixin, generics.ListAPIView):
    serializer_class = OrganisationOutput
    queryset = Organisation.objects.none()
    filter_backends = []

    def get_queryset(self):
        self.access.require(Capability.VIEW_PROGRAM)
        params = self.request.query_params
        return organisation_list(access=self.access, kind=params.get("kind", ""), search=params.get("search", ""))
