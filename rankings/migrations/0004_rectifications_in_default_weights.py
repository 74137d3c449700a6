"""Horse-race schemes still on the former defaults (quality 12.5 each of four) take the new ones (10 each of five,
the open rectifications of supervision added). Schemes a bureau has set itself are left as they are. Each change
leaves a history row saying why."""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

PROGRESS = {
    "contracts": "8.3333",
    "implementing": "8.3333",
    "completed": "8.3333",
    "accepted": "8.3333",
    "milestones": "8.3333",
    "on_time": "8.3335",
}
FORMER = {**PROGRESS, "pass_rate": "12.5", "mean_score": "12.5", "satisfaction": "12.5", "complaints": "12.5"}
NEW = {
    **PROGRESS,
    "pass_rate": "10.0000",
    "mean_score": "10.0000",
    "satisfaction": "10.0000",
    "complaints": "10.0000",
    "rectifications": "10.0000",
}
REASON = "Default weights with open rectifications (migration 0004)"


def _same(weights, expected) -> bool:
    try:
        return set(weights) == set(expected) and all(
            Decimal(str(weights[k])) == Decimal(v) for k, v in expected.items()
        )
    except (ArithmeticError, TypeError, ValueError):
        return False


def respread(apps, schema_editor):
    Scheme = apps.get_model("rankings", "RankingScheme")
    History = apps.get_model("rankings", "HistoricalRankingScheme")
    fields = [field.attname for field in Scheme._meta.concrete_fields]
    for scheme in Scheme.objects.filter(kind="horse_race"):
        if not _same(scheme.weights, FORMER):
            continue
        scheme.weights = dict(NEW)
        scheme.updated_at = timezone.now()
        scheme.save(update_fields=["weights", "updated_at"])
        History.objects.create(
            **{name: getattr(scheme, name) for name in fields},
            history_date=scheme.updated_at,
            history_type="~",
            history_change_reason=REASON,
            history_user=None,
        )


class Migration(migrations.Migration):
    dependencies = [("rankings", "0003_kpi_source_solutions")]

    operations = [migrations.RunPython(respread, migrations.RunPython.noop)]
