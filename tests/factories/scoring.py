"""Score sheets: a template, its sections and their items."""

from decimal import Decimal

import factory

from scoring.models import SheetItem, SheetSection, SheetTemplate
from tests.factories.base import ProgramFactory


class SheetTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SheetTemplate

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"sheet-{n}")
    purpose = "selection"
    name = factory.LazyAttribute(lambda o: f"评分表 {o.code}")


class SheetSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SheetSection

    template = factory.SubFactory(SheetTemplateFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"评分章节 {o.number}")


class SheetItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SheetItem

    section = factory.SubFactory(SheetSectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"评分项 {o.number}")
    max_points = Decimal("100")
