"""The rankings in the API, read only, scoped like the pages by rankings.selectors; refusals come from the one
exception handler.

- The providers' horse race (赛马): the periods the caller may see and one period's groups and entries (staff read
  every period; a provider the published ones and, unless the program publishes everyone's figures, its own
  entries).
- Any ranking kind the program keeps (`horse_race`, `township`, `district`) under `rankings/<kind>/`, the same
  way; the region rankings are for staff only (a provider is refused), and a kind the program does not keep is 404.
- The KPI board: each indicator's yearly targets and counts; the count with the sub-region programs only for a
  caller who may read roll-ups.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.fields import AsciiDecimalSerializerField
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from rankings import selectors, services
from rankings.models import RankingKind, RankingSnapshot

SNAPSHOT_PATH = OpenApiParameter(
    "snapshot", OpenApiTypes.INT, OpenApiParameter.PATH, description="Ranking snapshot (one period) id"
)


def _score(**kwargs):
    return AsciiDecimalSerializerField(max_digits=7, decimal_places=2, allow_null=True, **kwargs)


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
    subject_id = serializers.IntegerField(
        help_text="What is ranked: the provider's pool membership id (horse race), the region id (township, district)"
    )
    subject = serializers.CharField(source="subject_name")
    provider_id = serializers.IntegerField(
        source="subject_id", help_text="subject_id under the horse race's first name for it (kept for its clients)"
    )
    provider = serializers.CharField(source="subject_name", help_text="subject, likewise")
    rank = serializers.IntegerField(
        allow_null=True, help_text="null: unranked (no project yet; a township with nothing planned; no signed project)"
    )
    score = _score(help_text="0 to 100; null when unranked")
    previous_rank = serializers.IntegerField(allow_null=True)
    previous_score = _score()
    flagged = serializers.BooleanField(
        help_text="Flagged by the dynamic list (horse race); commended (district top three)"
    )
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
    kind = serializers.ChoiceField(choices=RankingKind.choices)
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

    kind = RankingKind.HORSE_RACE

    @extend_schema(parameters=[PROGRAM_PATH, SNAPSHOT_PATH], responses=RankingSnapshotDetailOutput)
    def get(self, request, program, snapshot):
        access = self.access
        return Response(_snapshot_detail(access, selectors.snapshot_get(access=access, pk=snapshot, kind=self.kind)))


def _snapshot_detail(access, item) -> dict:
    data = RankingSnapshotOutput(item).data
    data["kind"] = item.kind
    data["scheme"] = RankingSchemeOutput(item.scheme).data
    data["groups"] = [
        {
            "code": group.code,
            "name": group.name,
            "entries": RankingEntryOutput([*group.ranked, *group.unranked], many=True).data,
        }
        for group in selectors.snapshot_groups(access=access, snapshot=item)
    ]
    return data


class SnapshotPublishApi(ProgramScopedMixin, APIView):
    """Publish a period's ranking (any kind the program keeps): providers then see their position in a published
    horse race."""

    @extend_schema(parameters=[PROGRAM_PATH, SNAPSHOT_PATH], request=None, responses=RankingSnapshotOutput)
    def post(self, request, program, snapshot):
        access = self.access
        access.require(Capability.PUBLISH_RANKING)
        item = selectors.snapshot_get(access=access, pk=snapshot)
        services.snapshot_publish(access=access, snapshot=item)
        return Response(RankingSnapshotOutput(selectors.snapshot_get(access=access, pk=item.pk)).data)


# Any ranking kind ------------------------------------------------------------------------------------------------


def _kept_kind(access, kind) -> str:
    """`kind` when the program keeps that ranking (its default schemes made the first time, as on the pages);
    404 otherwise. A provider may read the horse race only."""
    if kind != RankingKind.HORSE_RACE:
        access.require(Capability.VIEW_RANKING)
        if services.scheme_of(access.program, kind) is None:
            raise Http404
    return kind


@extend_schema(parameters=[PROGRAM_PATH])
class RankingListApi(ProgramScopedMixin, generics.ListAPIView):
    """The periods of one ranking the program keeps, newest first: the horse race (the caller's periods as in
    horse-race/), the township progress or the district ranking (staff only)."""

    serializer_class = RankingSnapshotOutput
    queryset = RankingSnapshot.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        kind = _kept_kind(self.access, self.kwargs["kind"])
        return selectors.snapshot_list(access=self.access, kind=kind)


class RankingDetailApi(ProgramScopedMixin, APIView):
    """One period of one ranking: the scheme it used and its groups with their entries (for a region ranking one
    group, every township or district; the district ranking's top three flagged as commended)."""

    @extend_schema(parameters=[PROGRAM_PATH, SNAPSHOT_PATH], responses=RankingSnapshotDetailOutput)
    def get(self, request, program, snapshot, kind):
        access = self.access
        item = selectors.snapshot_get(access=access, pk=snapshot, kind=_kept_kind(access, kind))
        return Response(_snapshot_detail(access, item))


# The KPI board -----------------------------------------------------------------------------------------------------


class KpiYearOutput(serializers.Serializer):
    year = serializers.IntegerField()
    target = AsciiDecimalSerializerField(max_digits=10, decimal_places=2)
    actual = serializers.IntegerField(allow_null=True, help_text="The program's count; null: not kept in the portal")


class KpiYearRollupOutput(KpiYearOutput):
    rollup = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="The count with the programs of the sub-regions; present only for a caller who may read roll-ups",
    )


class KpiRowOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    source = serializers.CharField(help_text="What the portal counts; empty: not kept in the portal")
    source_label = serializers.CharField()
    years = KpiYearOutput(many=True)
    total_target = AsciiDecimalSerializerField(max_digits=12, decimal_places=2)
    total_actual = serializers.IntegerField(allow_null=True)


class KpiRowRollupOutput(KpiRowOutput):
    years = KpiYearRollupOutput(many=True)
    total_rollup = serializers.IntegerField(
        allow_null=True, required=False, help_text="Present only for a caller who may read roll-ups"
    )


class KpiBoardOutput(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    includes_rollup = serializers.BooleanField(help_text="The indicators carry the counts with the sub-region programs")
    indicators = KpiRowRollupOutput(many=True)


class KpiBoardApi(ProgramScopedMixin, APIView):
    """The program's KPI board (staff): per indicator and year the target and the program's count; for a caller
    who may read roll-ups also the count with the programs of the sub-regions (totals only, never records)."""

    @extend_schema(parameters=[PROGRAM_PATH], responses=KpiBoardOutput)
    def get(self, request, program):
        board = selectors.kpi_view(access=self.access)
        rows = [
            {
                "code": row.code,
                "label": row.label,
                "unit": row.unit,
                "source": row.source,
                "source_label": row.source_label,
                "years": [
                    {"year": year, "target": target, "actual": actual, "rollup": rollup}
                    for year, target, actual, rollup in row.years
                ],
                "total_target": row.total_target,
                "total_actual": row.total_actual,
                "total_rollup": row.total_rollup,
            }
            for row in board.rows
        ]
        # Without the right to read roll-ups the fields are left out, not sent empty.
        output = KpiRowRollupOutput if board.with_rollup else KpiRowOutput
        return Response(
            {
                "years": board.years,
                "includes_rollup": board.with_rollup,
                "indicators": output(rows, many=True).data,
            }
        )
