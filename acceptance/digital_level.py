"""The digital level from an assessment (domain.md "Digital level"): level n needs the total score at or above
its floor and enough business scenes rated n or above. Pure: the standards are passed in."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LEVEL_NAMES = {
    0: gettext_lazy("below level 1"),
    1: gettext_lazy("level 1"),
    2: gettext_lazy("level 2"),
    3: gettext_lazy("level 3"),
    4: gettext_lazy("level 4"),
}


@dataclass(frozen=True)
class Standard:
    level: int
    min_score: Decimal
    min_scenes: int


@dataclass(frozen=True)
class LevelResult:
    level: int
    reason: str


def digital_level(*, score: Decimal, scene_levels: list[int], standards: list[Standard]) -> LevelResult:
    """The highest level whose floor and scene count are both met, with the reason (and why the next one is not)."""
    checks = []
    for standard in sorted(standards, key=lambda s: s.level, reverse=True):
        scenes = sum(1 for value in scene_levels if value >= standard.level)
        score_ok, scenes_ok = score >= standard.min_score, scenes >= standard.min_scenes
        line = _(
            "%(level)s: score %(score)s %(cmp)s %(floor)s, "
            "%(scenes)d scene(s) at %(level)s or above (%(needed)d needed)"
        ) % {
            "level": LEVEL_NAMES[standard.level],
            "score": score,
            "cmp": "≥" if score_ok else "<",
            "floor": standard.min_score,
            "scenes": scenes,
            "needed": standard.min_scenes,
        }
        checks.append(line)
        if score_ok and scenes_ok:
            return LevelResult(
                level=standard.level, reason="；".join(checks[-2:]) + " → " + LEVEL_NAMES[standard.level]
            )
    return LevelResult(level=0, reason=f"{'；'.join(checks[-1:])} → {LEVEL_NAMES[0]}")
