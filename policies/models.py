"""Policy versions: the numbers of every subsidy rule, as data a bureau admin edits and activates.

The models moved here from `subsidies`; their tables and history tables kept their names."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.models import BaseModel


class Scale(models.TextChoices):
    """The size classes the rules tell apart (an enterprise's, a track's requirement)."""

    ABOVE = "above", _("Above designated size (规上)")
    BELOW = "below", _("Below designated size (规下)")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class PolicyVersion(BaseModel):
    """One version of a program's subsidy policy. Only a draft changes; one version per program is active."""

    history_table = "subsidies_historicalpolicyversion"  # the tables kept their names when the model moved here

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="policy_versions"
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    source = models.CharField(_("source document"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("activated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        db_table = "subsidies_policyversion"
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["program", "-status", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"], condition=Q(status="active"), name="one_active_policy_version_per_program"
            )
        ]

    def __str__(self):
        return self.name


class ScaleRequirement(models.TextChoices):
    ANY = "", _("Any enterprise")
    ABOVE = "above", _("Above designated size only")
    BELOW = "below", _("Below designated size only")


class PolicyTrack(BaseModel):
    """A track (申报类型) of a version: which rule kind evaluates it, and who may apply."""

    history_table = "subsidies_historicalpolicytrack"  # the tables kept their names when the model moved here

    version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="tracks"
    )
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("rule kind"), max_length=30)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    implementation_months = models.PositiveSmallIntegerField(_("implementation months"), null=True, blank=True)
    industry_codes = models.CharField(
        _("industries"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated industry codes; empty means every industry of the program."),
    )
    scale = models.CharField(_("enterprise scale"), max_length=10, choices=ScaleRequirement.choices, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        db_table = "subsidies_policytrack"
        verbose_name = _("policy track")
        verbose_name_plural = _("policy tracks")
        ordering = ["version", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="track_code_unique_in_version")]

    def __str__(self):
        return self.name

    @property
    def industry_list(self) -> list[str]:
        return [code.strip() for code in self.industry_codes.split(",") if code.strip()]


class PolicyParameter(BaseModel):
    """One number (or date) of a version. `track` empty: the parameter holds for the whole version.

    A table parameter (e.g. the N cap per industry) has one row per `qualifier`.
    """

    history_table = "subsidies_historicalpolicyparameter"  # the tables kept their names when the model moved here

    version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="parameters"
    )
    track = models.ForeignKey(
        PolicyTrack, verbose_name=_("track"), on_delete=models.PROTECT, null=True, blank=True, related_name="parameters"
    )
    key = models.SlugField(_("parameter"), max_length=60)
    qualifier = models.CharField(_("qualifier"), max_length=40, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    date_value = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        db_table = "subsidies_policyparameter"
        verbose_name = _("policy parameter")
        verbose_name_plural = _("policy parameters")
        ordering = ["version", "track", "key", "qualifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "track", "key", "qualifier"],
                condition=Q(track__isnull=False),
                name="track_parameter_unique",
            ),
            models.UniqueConstraint(
                fields=["version", "key", "qualifier"],
                condition=Q(track__isnull=True),
                name="version_parameter_unique",
            ),
        ]

    def __str__(self):
        return f"{self.key}[{self.qualifier}]" if self.qualifier else self.key
