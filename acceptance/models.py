"""Acceptance reviews (验收): the enterprise's request with the provider's co-signature, the expert panel and its
rubric sheets, the financial audit, the result, and the public announcement with its objections."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from policies.facts import AMOUNT_KEYS
from portal.core.files import StoredFile
from portal.core.models import BaseModel
from programs.models import ProgramScopedModel
from providers.models import ConflictKind
from scoring.models import SheetStatus

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}
# The investment categories a request declares and an audit confirms: part (N/X) × kind, plus automation.
AMOUNT_FIELDS = AMOUNT_KEYS


class TrackRubric(ProgramScopedModel):
    """Which acceptance rubric a track's projects are scored on; an empty track is the program's default."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="track_rubrics"
    )
    track = models.SlugField(_("track"), max_length=40, blank=True)
    template = models.ForeignKey(
        "scoring.SheetTemplate", verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("track rubric")
        verbose_name_plural = _("track rubrics")
        ordering = ["program_id", "track"]
        constraints = [models.UniqueConstraint(fields=["program", "track"], name="one_rubric_per_track")]


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("acceptance status", "Requested")
    PANEL = "panel", _("Panel assigned")
    SCORING = "scoring", pgettext_lazy("acceptance status", "Scoring")
    AUDITED = "audited", _("Scored and audited")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    ANNOUNCING = "announcing", _("In public announcement")
    ON_HOLD = "on_hold", _("On hold (objection)")
    ANNOUNCED = "announced", _("Announced: ready for subsidy")


# A review that passed, whatever its announcement's state: the project counts as accepted.
PASSED_STATUSES = (ReviewStatus.PASSED, ReviewStatus.ANNOUNCING, ReviewStatus.ON_HOLD, ReviewStatus.ANNOUNCED)


class AcceptanceReview(BaseModel):
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="acceptance_reviews"
    )
    status = models.CharField(_("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED)
    template = models.ForeignKey(
        "scoring.SheetTemplate", verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="+"
    )
    deliverables = models.TextField(_("deliverables"))
    declared_n_software = models.DecimalField(_("N software (declared)"), **MONEY)
    declared_n_hardware = models.DecimalField(_("N hardware (declared)"), **MONEY)
    declared_x_software = models.DecimalField(_("X software (declared)"), **MONEY)
    declared_x_hardware = models.DecimalField(_("X hardware (declared)"), **MONEY)
    declared_automation = models.DecimalField(_("automation equipment (declared)"), **MONEY)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-signed by the provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cosigned_at = models.DateTimeField(_("co-signed at"), null=True, blank=True)
    financial_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("financial auditor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.DecimalField(_("mean score"), max_digits=7, decimal_places=2, null=True, blank=True)
    working = models.TextField(_("working"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    announcement_starts_on = models.DateField(_("announcement starts"), null=True, blank=True)
    announcement_ends_on = models.DateField(_("announcement ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance review")
        verbose_name_plural = _("acceptance reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=~Q(status="failed"), name="one_open_acceptance_per_project"
            )
        ]

    def __str__(self):
        return str(self.application)


class ReviewTransition(BaseModel):
    """One step of an acceptance review: who moved it from which state to which, when and why."""

    review = models.ForeignKey(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ReviewStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("acceptance step")
        verbose_name_plural = _("acceptance steps")
        ordering = ["review_id", "created_at", "id"]


class ExpertSeat(BaseModel):
    review = models.ForeignKey(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="seats"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="expert_seats"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        ordering = ["review_id", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "expert"], name="one_seat_per_expert")]


class ExpertConflict(BaseModel):
    """An expert's declared link to a project (its enterprise or provider): the expert cannot sit on its panel."""

    review = models.ForeignKey(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="conflicts"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("relationship"), max_length=14, choices=ConflictKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("expert's conflict of interest")
        verbose_name_plural = _("experts' conflicts of interest")
        ordering = ["review_id", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "expert"], name="one_expert_declaration")]


class ExpertSheet(BaseModel):
    review = models.ForeignKey(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="sheets"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, default=Decimal("0"))
    bonus = models.DecimalField(_("of which bonus"), max_digits=7, decimal_places=2, default=Decimal("0"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert sheet")
        verbose_name_plural = _("expert sheets")
        ordering = ["review_id", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "expert"], name="one_sheet_per_expert")]


class ExpertScore(BaseModel):
    sheet = models.ForeignKey(ExpertSheet, verbose_name=_("sheet"), on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey("scoring.SheetItem", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("expert item score")
        verbose_name_plural = _("expert item scores")
        ordering = ["sheet_id", "item__section__number", "item__number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="one_expert_score_per_item")]


class FinancialAudit(BaseModel):
    """The third-party audit: the audited investment per category (the subsidy base) and its conclusion."""

    review = models.OneToOneField(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="audit"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auditor"), on_delete=models.PROTECT, related_name="+"
    )
    n_software = models.DecimalField(_("N software (audited)"), **MONEY)
    n_hardware = models.DecimalField(_("N hardware (audited)"), **MONEY)
    x_software = models.DecimalField(_("X software (audited)"), **MONEY)
    x_hardware = models.DecimalField(_("X hardware (audited)"), **MONEY)
    automation = models.DecimalField(_("automation equipment (audited)"), **MONEY)
    conclusion = models.TextField(_("audit conclusion"))

    class Meta:
        verbose_name = _("financial audit")
        verbose_name_plural = _("financial audits")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    n_software__gte=0, n_hardware__gte=0, x_software__gte=0, x_hardware__gte=0, automation__gte=0
                ),
                name="audited_amounts_not_negative",
            )
        ]

    @property
    def n_total(self):
        return self.n_software + self.n_hardware

    @property
    def x_total(self):
        return self.x_software + self.x_hardware

    @property
    def total(self):
        return self.n_total + self.x_total


class AuditReport(StoredFile):
    audit = models.ForeignKey(FinancialAudit, verbose_name=_("audit"), on_delete=models.PROTECT, related_name="reports")

    class Meta:
        verbose_name = _("audit report")
        verbose_name_plural = _("audit reports")
        ordering = ["audit_id", "id"]

    def storage_path(self, filename):
        application = self.audit.review.application
        return f"private/acceptance/{application.program_id}/{application.pk}/{filename}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(BaseModel):
    """An objection raised during the public announcement; the project is on hold until the bureau resolves it."""

    review = models.ForeignKey(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="objections"
    )
    raised_by = models.CharField(_("raised by"), max_length=120)
    text = models.TextField(_("objection"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["review_id", "created_at", "id"]


class DigitalLevelStandard(ProgramScopedModel):
    """What a digital level takes (domain.md "Digital level"): a score floor and a number of business scenes
    assessed at that level or above. Program data: the bureau confirms it against the official index."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="digital_level_standards"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    min_score = models.DecimalField(_("score floor"), max_digits=5, decimal_places=2)
    min_scenes = models.PositiveSmallIntegerField(_("scenes at this level or above"))

    class Meta:
        verbose_name = _("digital level standard")
        verbose_name_plural = _("digital level standards")
        ordering = ["program_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["program", "level"], name="one_standard_per_level"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="level_one_to_four"),
        ]


class AssessmentPhase(models.TextChoices):
    BEFORE = "before", _("Before transformation")
    AFTER = "after", _("After transformation")


SCENE_COUNT = 16  # 数字化经营: sixteen business scenes, each rated 1–4


class DigitalAssessment(BaseModel):
    """An on-site digital-level assessment of an enterprise, before or after its transformation."""

    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="digital_assessments"
    )
    phase = models.CharField(_("phase"), max_length=6, choices=AssessmentPhase.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"))
    basics = models.DecimalField(_("digital basics (of 50)"), max_digits=5, decimal_places=2)
    management = models.DecimalField(_("digital management (of 30)"), max_digits=5, decimal_places=2)
    results = models.DecimalField(_("digital results (of 20)"), max_digits=5, decimal_places=2)
    scene_levels = models.JSONField(_("business scene levels"), help_text=_("Sixteen levels from 1 to 4, in order."))
    level = models.PositiveSmallIntegerField(_("resulting level"))
    reason = models.TextField(_("why this level"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("digital-level assessment")
        verbose_name_plural = _("digital-level assessments")
        ordering = ["application_id", "phase", "-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    basics__gte=0,
                    basics__lte=50,
                    management__gte=0,
                    management__lte=30,
                    results__gte=0,
                    results__lte=20,
                ),
                name="assessment_scores_within_maxima",
            )
        ]

    @property
    def score(self):
        return self.basics + self.management + self.results


class AssessmentReport(StoredFile):
    assessment = models.ForeignKey(
        DigitalAssessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="reports"
    )

    class Meta:
        verbose_name = _("assessment report")
        verbose_name_plural = _("assessment reports")
        ordering = ["assessment_id", "id"]

    def storage_path(self, filename):
        application = self.assessment.application
        return f"private/assessments/{application.program_id}/{application.pk}/{filename}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", pgettext_lazy("job status", "Failed")


class AcceptanceReportFile(StoredFile):
    """A generated acceptance report (PDF). `fingerprint` identifies the data it was made from: the same data
    never makes a second file."""

    review = models.ForeignKey(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="report_files"
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)

    class Meta:
        verbose_name = _("acceptance report")
        verbose_name_plural = _("acceptance reports")
        ordering = ["review_id", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["review", "fingerprint"], name="one_report_per_review_state")]

    def storage_path(self, filename):
        application = self.review.application
        return f"private/acceptance/{application.program_id}/{application.pk}/reports/{filename}"


class ReportJob(BaseModel):
    """One request to (re)generate a review's report: its progress, shown in the browser while Celery works."""

    review = models.ForeignKey(
        AcceptanceReview, verbose_name=_("acceptance review"), on_delete=models.PROTECT, related_name="report_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    report = models.ForeignKey(
        AcceptanceReportFile,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["review_id", "-created_at", "-id"]
