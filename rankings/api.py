"""The providers' horse race (赛马) in the API, read only: the periods the caller may see and one period's groups and
entries, scoped like the page by rankings.selectors (staff read every period; a provider the published ones and,
unless the program publishes everyone's figures, its own entries). Refusals come from the one exception handler."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from programs.api import PROGRAM_PATH, ProgramScopedMixin
from rankings import selectors
from rankings.models import RankingSnapshot

SNAPSHOT_PATH = OpenApiParameter(
    "snapshot", OpenApiTypes.INT, OpenApiParameter.PATH, description="Ranking snapshot (one period) id"
)


def _score(**kwargs):
    return serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, **kwargs)


class RankingSnapshotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    cutoff = serializers.DateTimeField(help_text="The data are taken as of this instant (the period's end)")
    status = serializers.CharField(help_text="computed or published")
    published_at = serializers.DateTimeField(allow_null=True)


class RankingSchemeOutput(serializers.Serializer):
    period = serializers.CharField(help_text="biweekly, monthly or quarterly")
    weights = serializers.DictField(child=serializers.CharField(), help_text="Indicator code → weight (sum 100)")
    bottom_n = serializers.IntegerField(help_text="Dynamic list: the last places watched")
    bottom_periods = serializers.IntegerField(help_text="Dynamic list: consecutive periods in them to be flagged")
    publish_details = serializers.BooleanField(help_text="Providers see each other's figures")


class RankingEntryOutput(serializers.Serializer):
    provider_id = serializers.IntegerField(source="subject_id", help_text="The provider's pool membership id")
    provider = serializers.CharField(source="subject_name")
    rank = serializers.IntegerField(allow_null=True, help_text="null: no project yet, listed unranked")
    score = _score(help_text="0 to 100; null when unranked")
    previous_rank = serializers.IntegerField(allow_null=True)
    previous_score = _score()
    flagged = serializers.BooleanField(help_text="Flagged by the dynamic list")
    flag_reason = serializers.CharField()
    values = serializers.DictField(
        child=serializers.CharField(allow_null=True), help_text="Indicator code → raw value (null: no data yet)"
    )
    normalised = serializers.DictField(
        child=serializers.CharField(), help_text="Indicator code → min-max normalised value, 0 to 1 (ranked only)"
    )


class RankingGroupOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Industry code; empty for the overall ranking")
    name = serializers.CharField()
    entries = RankingEntryOutput(many=True, help_text="Ranked entries by rank, then the unranked ones")


class RankingSnapshotDetailOutput(RankingSnapshotOutput):
    scheme = RankingSchemeOutput(help_text="The scheme this period was ranked by")
    groups = RankingGroupOutput(many=True, help_text="The overall group first, then each industry")


@extend_schema(parameters=[PROGRAM_PATH])
class HorseRaceListApi(ProgramScopedMixin, generics.ListAPIView):
    """The periods of the program's horse race the caller may see, newest first."""

    serializer_class = RankingSnapshotOutput
    queryset = RankingSnapshot.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        return selectors.snapshot_list(access=self.access)


class HorseRaceDetailApi(ProgramScopedMixin, APIView):
    """One period: the scheme it used and its groups with their entries, as far as the caller may see them."""

    @extend_schema(parameters=[PROGRAM_PATH, SNAPSHOT_PATH], responses=RankingSnapshotDetailOutput)
    def get(self, request, program, snapshot):
        access = self.access
        item = selectors.snapshot_get(access=access, pk=snapshot)
        data = RankingSnapshotOutput(item).data
        data["scheme"] = RankingSchemeOutput(item.scheme).data
        data["groups"] = [
            {
                "code": group.code,
                "name": group.name,
                "entries": RankingEntryOutput([*group.ranked, *group.unranked], many=True).data,
            }
            for group in selectors.snapshot_groups(access=access, snapshot=item)
        ]
        return Response(data)
