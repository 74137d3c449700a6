"""Writes to score-sheet templates: loading the seeded sheets into a program, and new versions."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from portal.core.services import record_save
from scoring.models import SheetItem, SheetSection, SheetTemplate

SEED = Path(__file__).resolve().parent / "seed_data" / "sheet_templates.json"


def seeded_sheets() -> dict:
    return json.loads(SEED.read_text(encoding="utf-8"))


@transaction.atomic
def sheet_template_create(*, program, code: str, spec: dict, acting_user=None) -> SheetTemplate:
    """A new template (or the next version of `code`) from a spec of sections and items with their maxima."""
    latest = SheetTemplate.objects.filter(program=program, code=code).order_by("-version").first()
    template = record_save(
        SheetTemplate(
            program=program,
            code=code,
            version=latest.version + 1 if latest else 1,
            purpose=spec["purpose"],
            name=spec["name"],
            name_en=spec.get("name_en", ""),
            source=spec.get("source", ""),
        ),
        acting_user=acting_user,
        reason="seed" if acting_user is None else "new version",
    )
    for section_number, section_spec in enumerate(spec["sections"], start=1):
        section = record_save(
            SheetSection(
                template=template,
                number=section_number,
                name=section_spec["name"],
                name_en=section_spec.get("name_en", ""),
            ),
            acting_user=acting_user,
        )
        for item_number, item in enumerate(section_spec["items"], start=1):
            record_save(
                SheetItem(
                    section=section,
                    number=item_number,
                    name=item["name"],
                    name_en=item.get("name_en", ""),
                    max_points=Decimal(item["max"]),
                    is_bonus=item.get("bonus", False),
                ),
                acting_user=acting_user,
            )
    if latest:
        latest.is_active = False
        record_save(latest, acting_user=acting_user, reason="superseded", update_fields=["is_active", "updated_at"])
    return template


def sheet_templates_load(*, program, sheets: dict[str, str]) -> list[SheetTemplate]:
    """Load seeded sheets into `program` once (idempotent); `sheets` maps the program's template code to the
    seed it starts from."""
    specs = seeded_sheets()
    loaded = []
    for code, seed in sheets.items():
        existing = SheetTemplate.objects.filter(program=program, code=code).order_by("-version").first()
        loaded.append(existing or sheet_template_create(program=program, code=code, spec=specs[seed]))
    return loaded


# What makes a template in use, told by the apps that score on sheets (a selection round past preparation, an
# acceptance review): each registers `check(template) -> bool` in its ready().
_USES = []


def sheet_template_use_register(check) -> None:
    _USES.append(check)


def sheet_template_in_use(template: SheetTemplate) -> bool:
    """A template is fixed once something scores on it: a selection round past preparation, an acceptance
    review (the checks their apps registered)."""
    return any(check(template) for check in _USES)


def sheet_template_spec(template: SheetTemplate) -> dict:
    """The template as a spec `sheet_template_create` accepts: the starting point of its next version."""
    return {
        "purpose": template.purpose,
        "name": template.name,
        "name_en": template.name_en,
        "source": template.source,
        "sections": [
            {
                "name": section.name,
                "name_en": section.name_en,
                "items": [
                    {"name": item.name, "name_en": item.name_en, "max": str(item.max_points), "bonus": item.is_bonus}
                    for item in section.items.order_by("number")
                ],
            }
            for section in template.sections.order_by("number")
        ],
    }


def sheet_template_new_version(*, template: SheetTemplate, acting_user) -> SheetTemplate:
    """Copy `template` as the next version of its code, to be edited while the old one stays as it was used."""
    return sheet_template_create(
        program=template.program, code=template.code, spec=sheet_template_spec(template), acting_user=acting_user
    )
