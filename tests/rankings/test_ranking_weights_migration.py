"""Migration rankings 0004: horse-race schemes on the former default weights take the new ones, with a history
row; a scheme a bureau has set itself is left alone."""

import importlib

import pytest
from django.apps import apps

from rankings.models import RankingScheme
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("rankings.migrations.0004_rectifications_in_default_weights")


def test_former_defaults_take_the_new_weights_and_custom_ones_stay():
    former = RankingScheme.objects.create(
        program=ProgramFactory(),
        kind="horse_race",
        period="monthly",
        weights={**migration.FORMER, "pass_rate": "12.5000", "complaints": "12.50"},
    )
    custom_weights = {**migration.FORMER, "pass_rate": "20", "complaints": "5"}
    custom = RankingScheme.objects.create(
        program=ProgramFactory(), kind="horse_race", period="monthly", weights=custom_weights
    )
    migration.respread(apps, None)
    former.refresh_from_db()
    custom.refresh_from_db()
    assert former.weights == migration.NEW
    assert sum(float(value) for value in former.weights.values()) == pytest.approx(100)
    assert former.history.filter(history_change_reason=migration.REASON, weights=migration.NEW).exists()
    assert custom.weights == custom_weights
    assert not custom.history.filter(history_change_reason=migration.REASON).exists()
