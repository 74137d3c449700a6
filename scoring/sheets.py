"""Reading a filled sheet: each item's score checked against its maximum, totals computed. Shared by selection
committees and acceptance experts, so a score means the same everywhere."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from portal.core.errors import PortalError
from portal.core.services import record_save
from scoring.models import SheetItem

SCORE_PATTERN = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$", re.ASCII)


@dataclass(frozen=True)
class FilledSheet:
    items: dict  # str(item pk) → SheetItem
    values: dict  # str(item pk) → Decimal, or None when left blank
    total: Decimal  # every scored item, bonus included
    first_section: Decimal
    bonus: Decimal  # the bonus items' part of `total`

    def scored(self):
        return {key: value for key, value in self.values.items() if value is not None}


def item_points(raw, item) -> Decimal | None:
    """The score typed for `item`: None when blank; refused unless 0 ≤ score ≤ the item's maximum, with at most
    two decimals (plain ASCII digits)."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    if not SCORE_PATTERN.match(text) or Decimal(text) > item.max_points:
        raise PortalError(
            _("“%(item)s”: the score must lie between 0 and %(max)s, with at most two decimals.")
            % {"item": item.display_name, "max": item.max_points},
            fields={f"item_{item.pk}": [_("Out of range.")]},
        )
    return Decimal(text)


def sheet_fill(template, scores: dict, *, complete: bool) -> FilledSheet:
    """Check `scores` (item pk → typed value; the whole sheet: an item left out is blank) against `template`.
    `complete`: every item must be scored (a submitted sheet)."""
    items = {
        str(item.pk): item for item in SheetItem.objects.filter(section__template=template).select_related("section")
    }
    unknown = [str(key)[:20] for key in scores if str(key) not in items]
    if unknown:
        raise PortalError(
            _("The sheet has no item %(items)s.") % {"items": ", ".join(unknown[:5])},
            fields={"scores": [_("Unknown item.")]},
        )
    values = {key: item_points(scores.get(key, scores.get(int(key))), item) for key, item in items.items()}
    if complete:
        missing = [items[key] for key, value in values.items() if value is None]
        if missing:
            raise PortalError(
                _("Score every item before submitting; missing: %(items)s")
                % {"items": "、".join(item.display_name for item in missing)},
                fields={f"item_{item.pk}": [_("Required.")] for item in missing},
            )
    scored = {key: value for key, value in values.items() if value is not None}
    return FilledSheet(
        items=items,
        values=values,
        total=sum(scored.values(), Decimal("0")),
        first_section=sum((v for k, v in scored.items() if items[k].section.number == 1), Decimal("0")),
        bonus=sum((v for k, v in scored.items() if items[k].is_bonus), Decimal("0")),
    )


def sheet_scores_save(sheet, filled: FilledSheet, *, score_model, acting_user) -> None:
    """Store the item scores of `filled` on `sheet` (rows of `score_model`: sheet, item, points): new and changed
    scores are saved with history, a cleared one becomes empty, untouched ones are left alone."""
    existing = {score.item_id: score for score in sheet.scores.all()}
    for key, value in filled.values.items():
        score = existing.get(int(key))
        if score is None and value is None:
            continue
        score = score or score_model(sheet=sheet, item=filled.items[key])
        if score.pk is None or score.points != value:
            score.points = value
            record_save(score, acting_user=acting_user)


def sheet_table(structure, sheets) -> list[dict]:
    """Items grouped by section, each with the points every sheet of `sheets` gave it (None when unscored): the
    sheets side by side, as the committee's and the panel's pages show them."""
    points = {sheet.pk: {score.item_id: score.points for score in sheet.scores.all()} for sheet in sheets}
    return [
        {
            "section": section,
            "items": [
                {"item": item, "points": [points[sheet.pk].get(item.pk) for sheet in sheets]}
                for item in section.items.all()
            ],
        }
        for section in structure
    ]
