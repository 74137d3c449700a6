"""Loads the reference data shipped in programs/seed_data/ (regions, industries, scenario catalogues)."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from portal.core.money import wan_to_yuan
from portal.core.services import record_save
from programs.models import Industry, Program, Region, ScenarioModule

SEED_DIR = Path(__file__).resolve().parent / "seed_data"


def _load(name):
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def regions_load(*, acting_user=None) -> int:
    """Create the region tree; existing regions (by code) are left as they are. Returns how many were created."""
    created = 0

    def walk(node, parent, order):
        nonlocal created
        region = Region.objects.filter(code=node["code"]).first()
        if region is None:
            region = Region(
                code=node["code"],
                name=node["name"],
                name_en=node.get("name_en", ""),
                level=node["level"],
                parent=parent,
                sort_order=order,
            )
            record_save(region, acting_user=acting_user, reason="reference data")
            created += 1
        for index, child in enumerate(node.get("children", []), start=1):
            walk(child, region, index)

    walk(_load("regions.json"), None, 0)
    return created


@transaction.atomic
def industries_load(*, program: Program, acting_user=None, source: str = "") -> int:
    """Create the program's seeded industries (those of the seeded program `source` when given)."""
    created = 0
    for order, row in enumerate(_load("industries.json").get(source or program.slug, []), start=1):
        if not Industry.objects.filter(program=program, code=row["code"]).exists():
            industry = Industry(
                program=program,
                code=row["code"],
                name=row["name"],
                name_en=row.get("name_en", ""),
                sort_order=order,
            )
            record_save(industry, acting_user=acting_user, reason="reference data")
            created += 1
    return created


@transaction.atomic
def scenario_modules_load(*, program: Program, industry_codes=None, acting_user=None, source: str = "") -> int:
    """Create the program's catalogue (that of the seeded program `source` when given); `industry_codes` limits
    the modules to those industries (empty: all)."""
    created = 0
    industries = list(Industry.objects.filter(program=program, code__in=industry_codes or []))
    for row in _load("scenario_modules.json").get(source or program.slug, []):
        if ScenarioModule.objects.filter(program=program, code=row["code"]).exists():
            continue
        price = row.get("price_wan")
        module = ScenarioModule(
            program=program,
            number=row["number"],
            code=row["code"],
            kind=row["kind"],
            investment_category=row.get("investment_category", ""),
            category=row["category"],
            category_en=row.get("category_en", ""),
            name=row["name"],
            name_en=row.get("name_en", ""),
            price=None if price is None else wan_to_yuan(Decimal(price)),
            description=row.get("description", ""),
        )
        record_save(module, acting_user=acting_user, reason="reference data")
        if industries:
            module.industries.set(industries)
        created += 1
    return created
