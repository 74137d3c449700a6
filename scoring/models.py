from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.core.models import BaseModel


class SheetStatus(models.TextChoices):
    """A filled sheet's state, for a selection committee's sheets and an acceptance expert's alike."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class SheetPurpose(models.TextChoices):
    SELECTION = "selection", _("Provider selection")
    ACCEPTANCE = "acceptance", _("Project acceptance")


class Bilingual:
    @property
    def display_name(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class SheetTemplate(Bilingual, BaseModel):
    """A program's score sheet: sections of items, each with a maximum. A template in use is never edited;
    a changed sheet is a new version."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="sheet_templates"
    )
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    purpose = models.CharField(_("purpose"), max_length=12, choices=SheetPurpose.choices)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("score-sheet template")
        verbose_name_plural = _("score-sheet templates")
        ordering = ["program_id", "purpose", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code", "version"], name="sheet_template_version_unique")
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class SheetSection(Bilingual, BaseModel):
    template = models.ForeignKey(
        SheetTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="sections"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("score-sheet section")
        verbose_name_plural = _("score-sheet sections")
        ordering = ["template_id", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="sheet_section_number_unique")]

    def __str__(self):
        return f"{self.number} {self.name}"


class SheetItem(Bilingual, BaseModel):
    section = models.ForeignKey(SheetSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    is_bonus = models.BooleanField(_("bonus item"), default=False)

    class Meta:
        verbose_name = _("score-sheet item")
        verbose_name_plural = _("score-sheet items")
        ordering = ["section_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="sheet_item_number_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="sheet_item_max_positive"),
        ]

    def __str__(self):
        return self.name
