from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.core.models import BaseModel
from portal.core.roles import Role, permission_codename


class BilingualNameMixin(models.Model):
    """Chinese name (what the documents say) and an English name for the English UI."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County or district")
    TOWNSHIP = "township", _("Township, street or zone")


class Region(BilingualNameMixin, BaseModel):
    """Administrative division. `path` is the chain of codes from the root, so a subtree is a prefix."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=200, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}{self.code}/" if self.parent_id else f"/{self.code}/"
        super().save(*args, **kwargs)


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Program(BilingualNameMixin, BaseModel):
    """The tenant: one subsidy programme of one bureau for one region."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    short_name_en = models.CharField(_("English short name"), max_length=60, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="programs")
    bureau_name = models.CharField(_("bureau"), max_length=120)
    bureau_name_en = models.CharField(_("bureau (English)"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    policy_reference = models.CharField(_("policy document"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE)
    selection_drop_extremes = models.BooleanField(
        _("drop the highest and lowest committee totals"),
        default=True,
        help_text=_("In provider selection, with enough sheets the single highest and lowest totals are dropped."),
    )
    selection_drop_min_sheets = models.PositiveSmallIntegerField(
        _("sheets needed before dropping"), default=5, validators=[MinValueValidator(3)]
    )
    acceptance_pass_mark = models.DecimalField(
        _("acceptance pass mark"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("60"),
        help_text=_("The experts' mean total (bonus points included) a project needs to pass acceptance."),
    )
    acceptance_min_experts = models.PositiveSmallIntegerField(
        _("experts per acceptance panel, at least"), default=3, validators=[MinValueValidator(1)]
    )
    announcement_working_days = models.PositiveSmallIntegerField(
        _("public announcement (working days)"), default=7, validators=[MinValueValidator(1)]
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Publishes the calculator and announcements to everyone.")
    )
    api_token_days = models.PositiveSmallIntegerField(
        _("API token lifetime (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A token issued to a member lasts this long; a member of several programs gets the shortest."),
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["slug"]
        permissions = [(permission_codename(role.value), role.label) for role in Role]

    @property
    def display_short_name(self):
        if self.short_name_en and (get_language() or "").startswith("en"):
            return self.short_name_en
        return self.short_name

    @property
    def display_bureau_name(self):
        if self.bureau_name_en and (get_language() or "").startswith("en"):
            return self.bureau_name_en
        return self.bureau_name


class ProgramScopedModel(BaseModel):
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Industry(BilingualNameMixin, ProgramScopedModel):
    """An industry (细分行业) a program covers; its code is part of the program's contract with the outside."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="industries")
    code = models.SlugField(_("code"), max_length=40)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["program", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="industry_code_unique_in_program")]


class ModuleKind(models.TextChoices):
    N = "N", _("N: common package")
    X = "X", _("X: custom scenario")
    CATALOGUE = "catalogue", _("Catalogue module")


class InvestmentCategory(models.TextChoices):
    SOFTWARE = "software", _("Software")
    HARDWARE = "hardware", _("Hardware")
    AUTOMATION = "automation", _("Automation equipment")


class ScenarioModule(BilingualNameMixin, ProgramScopedModel):
    """One entry of a program's scenario catalogue (应用场景清单)."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="scenario_modules"
    )
    number = models.PositiveIntegerField(_("number"))
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=ModuleKind.choices)
    category = models.CharField(_("category"), max_length=60)
    category_en = models.CharField(_("English category"), max_length=80, blank=True)
    # What a line filing this module invests in; empty: whatever the enterprise buys for it.
    investment_category = models.CharField(
        _("investment type"), max_length=12, choices=InvestmentCategory.choices, blank=True
    )
    price = models.DecimalField(
        _("price (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty means the price is agreed on request (按需求)."),
    )
    description = models.TextField(_("description"), blank=True)
    industries = models.ManyToManyField(
        Industry,
        verbose_name=_("industries"),
        blank=True,
        related_name="scenario_modules",
        help_text=_("Empty means the module applies to every industry of the program."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("scenario module")
        verbose_name_plural = _("scenario modules")
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="module_code_unique_in_program")]

    @property
    def display_category(self):
        if self.category_en and (get_language() or "").startswith("en"):
            return self.category_en
        return self.category


class Batch(ProgramScopedModel):
    """A participation batch (改造批次): its number decides batch-based rates in the policy."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveIntegerField(_("batch number"))
    name = models.CharField(_("name"), max_length=60)
    opens_on = models.DateField(_("filing opens"))
    closes_on = models.DateField(_("filing closes"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="batch_number_unique_in_program"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="batch_closes_after_opens"),
        ]

    def __str__(self):
        return self.name


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (no work)")
    WORKDAY = "workday", _("Make-up working day (调休上班)")


class CalendarDay(ProgramScopedModel):
    """An exception to the Monday–Friday week, used when counting working days (e.g. announcements)."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="calendar_days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["program", "date"]
        constraints = [models.UniqueConstraint(fields=["program", "date"], name="calendar_day_unique_in_program")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class RoleAssignment(ProgramScopedModel):
    """A role granted to a user on a program: held while not revoked (`programs.access.active_assignments`); the
    role services keep the guardian object permission of the same name beside it."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["program", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "role"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_assignment_per_role",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_active(self):
        return self.revoked_at is None


class ProgramOrganisation(ProgramScopedModel):
    """An organisation the platform operator registered as taking part in a program (an expert institute, an
    audit firm, an association, another bureau): the bureau admin may give its people roles there. Enterprises,
    providers and supervision firms take part through their own records; see `participating_organisations`."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="registered_organisations"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="program_registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organisation taking part")
        verbose_name_plural = _("organisations taking part")
        ordering = ["program", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organisation"], name="one_registration_per_organisation")
        ]

    def __str__(self):
        return f"{self.organisation} · {self.program}"
