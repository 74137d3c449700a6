"""Ranking schemes (program data: period, weights, dynamic-list rule), immutable snapshots per program, period and
kind with the inputs used, their entries, and the bulletin PDFs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.errors import HardDeleteRefused
from portal.core.files import StoredFile
from portal.core.models import BaseModel, NoDeleteQuerySet


class RankingKind(models.TextChoices):
    HORSE_RACE = "horse_race", _("Provider horse race")
    TOWNSHIP = "township", _("Township progress")
    DISTRICT = "district", _("District ranking")


class PeriodKind(models.TextChoices):
    BIWEEKLY = "biweekly", _("Every two weeks (Monday to Sunday)")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class RankingScheme(BaseModel):
    """How a program ranks: the period, the indicator weights, the dynamic-list rule. Program data, edited by
    the bureau admin; a snapshot keeps a copy of what it used."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="ranking_schemes"
    )
    kind = models.CharField(_("ranking"), max_length=12, choices=RankingKind.choices)
    period = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    weights = models.JSONField(_("weights"), help_text=_("Indicator code → weight; the weights add up to 100."))
    bottom_n = models.PositiveSmallIntegerField(
        _("dynamic list: bottom places"), default=1, help_text=_("How many of the last places are watched.")
    )
    bottom_periods = models.PositiveSmallIntegerField(
        _("dynamic list: consecutive periods"),
        default=3,
        help_text=_("A provider in the last places this many periods running is flagged for warning or removal."),
    )
    publish_details = models.BooleanField(
        _("providers see each other's figures"),
        default=False,
        help_text=_("Off: a provider sees its own position and indicators only."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ranking scheme")
        verbose_name_plural = _("ranking schemes")
        ordering = ["program", "kind"]
        constraints = [models.UniqueConstraint(fields=["program", "kind"], name="one_scheme_per_kind")]

    def __str__(self):
        return f"{self.program} · {self.get_kind_display()}"


class SnapshotStatus(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    PUBLISHED = "published", _("Published")


class RankingSnapshot(BaseModel):
    """The ranking of one period, made once from the data as of the period's end and never recomputed."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="ranking_snapshots"
    )
    kind = models.CharField(_("ranking"), max_length=12, choices=RankingKind.choices)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    cutoff = models.DateTimeField(_("data as of"))
    scheme = models.JSONField(_("scheme used"))
    inputs = models.JSONField(_("inputs used"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.COMPUTED
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ranking snapshot")
        verbose_name_plural = _("ranking snapshots")
        ordering = ["program", "kind", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind", "period_start"], name="one_snapshot_per_period")
        ]

    def __str__(self):
        return f"{self.program} · {self.get_kind_display()} · {self.period_start}–{self.period_end}"


class RankingEntry(models.Model):
    """One subject (a provider, a township, a district) in one group of a snapshot: raw and normalised indicator
    values, score, rank (none: unranked), the change since the previous period, the dynamic-list flag."""

    snapshot = models.ForeignKey(
        RankingSnapshot, verbose_name=_("snapshot"), on_delete=models.PROTECT, related_name="entries"
    )
    group = models.CharField(_("group"), max_length=40, blank=True, help_text=_("Industry code; empty: overall."))
    group_name = models.CharField(_("group name"), max_length=80)
    subject_id = models.PositiveIntegerField(_("subject"))
    subject_name = models.CharField(_("name"), max_length=200)
    values = models.JSONField(_("indicator values"))
    normalised = models.JSONField(_("normalised values"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("previous rank"), null=True, blank=True)
    previous_score = models.DecimalField(_("previous score"), max_digits=7, decimal_places=2, null=True, blank=True)
    flagged = models.BooleanField(_("flagged by the dynamic list"), default=False)
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["snapshot", "group", "rank", "subject_name"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "group", "subject_id"], name="one_entry_per_subject_in_group")
        ]

    def __str__(self):
        return f"{self.snapshot} · {self.group_name} · {self.subject_name}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))


class BulletinStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("job status", "Failed")


class BulletinFile(StoredFile):
    """A bulletin PDF of a snapshot, keyed by a fingerprint of what it shows: the same snapshot makes one file."""

    snapshot = models.ForeignKey(
        RankingSnapshot, verbose_name=_("snapshot"), on_delete=models.PROTECT, related_name="bulletins"
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [models.UniqueConstraint(fields=["snapshot", "fingerprint"], name="one_bulletin_per_fingerprint")]

    def storage_path(self, filename):
        return f"private/bulletins/{self.snapshot.program_id}/{self.snapshot_id}/{filename}"


class BulletinJob(BaseModel):
    """One request to (re)generate a snapshot's bulletin, with its progress."""

    snapshot = models.ForeignKey(
        RankingSnapshot, verbose_name=_("snapshot"), on_delete=models.PROTECT, related_name="bulletin_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    bulletin = models.ForeignKey(
        BulletinFile, verbose_name=_("bulletin"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bulletin job")
        verbose_name_plural = _("bulletin jobs")
        ordering = ["snapshot", "-created_at", "-id"]


class KpiSource(models.TextChoices):
    """What the portal counts for a KPI; an indicator without a source is shown with its target only."""

    NONE = "", _("Not kept in the portal")
    APPROVED_ABOVE = "approved_above", _("Approved projects of above-scale enterprises")
    APPROVED_BELOW = "approved_below", _("Approved projects of below-scale enterprises")
    LEVEL2_ABOVE = "level2_above", _("Above-scale enterprises assessed at level 2 or above after transformation")
    LEVEL2_BELOW = "level2_below", _("Below-scale enterprises assessed at level 2 or above after transformation")
    LITTLE_GIANTS = "little_giants", _("Approved projects of “little giant” enterprises")
    SPECIALISED = "specialised", _("Approved projects of specialised and innovative enterprises")
    LEVEL4 = "level4", _("Enterprises assessed at level 4 after transformation")
    PROVIDERS = "providers", _("Providers selected")
    CHAIN_CASES = "chain_cases", _("Chain transformation awards granted")
    SOLUTIONS = "solutions", _("Solutions published in the library")


class KpiTarget(BaseModel):
    """One yearly target of a program's KPI table (seed 004, table 1), and what the portal counts against it."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="kpi_targets"
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("indicator"), max_length=120)
    unit = models.CharField(_("unit"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    source = models.CharField(_("counted from"), max_length=20, choices=KpiSource.choices, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["program", "sort_order", "year"]
        constraints = [models.UniqueConstraint(fields=["program", "code", "year"], name="one_kpi_target_per_year")]

    def __str__(self):
        return f"{self.label} {self.year}"
