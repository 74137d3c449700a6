"""Each ranking kind's definition: its indicators, default weights, groups as of a cut-off and marks."""

from rankings.horse_race import HorseRace
from rankings.models import RankingKind
from rankings.regions import District, Township

KINDS = {
    RankingKind.HORSE_RACE: HorseRace,
    RankingKind.TOWNSHIP: Township,
    RankingKind.DISTRICT: District,
}


def indicator_labels(kind) -> dict:
    """{indicator code: label} in the kind's order."""
    return {indicator.code: indicator.label for indicator in KINDS[kind].INDICATORS}
