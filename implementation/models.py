from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.files import StoredFile
from portal.core.models import BaseModel
from programs.models import ProgramScopedModel


class MilestoneTemplate(ProgramScopedModel):
    """The default milestones of a track; copied onto each project of the track when it is approved."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="milestone_templates"
    )
    track = models.SlugField(_("track"), max_length=40)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("milestone"), max_length=120)
    due_days = models.PositiveSmallIntegerField(
        _("due (days after approval)"), help_text=_("Counted in calendar days from the filing's approval.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("milestone template")
        verbose_name_plural = _("milestone templates")
        ordering = ["program_id", "track", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "track", "number"], condition=Q(is_active=True), name="milestone_number_unique"
            )
        ]

    def __str__(self):
        return self.name


class Milestone(BaseModel):
    """A milestone of one project. `percent` is the share the enterprise has confirmed."""

    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="milestones"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("milestone"), max_length=120)
    due_on = models.DateField(_("due on"))
    percent = models.PositiveSmallIntegerField(_("confirmed progress (%)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["application_id", "number"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="milestone_percent_at_most_100")]

    def __str__(self):
        return self.name


class PostStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the enterprise")
    CONFIRMED = "confirmed", _("Confirmed by the enterprise")
    DISPUTED = "disputed", _("Disputed by the enterprise")
    SUPERSEDED = "superseded", _("Replaced by a later update")


class ProgressPost(BaseModel):
    """The provider's report on a milestone: how far, what was done, with evidence. The enterprise answers."""

    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="progress_posts"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT, related_name="posts"
    )
    subcontract = models.ForeignKey(
        "filings.Subcontract",
        verbose_name=_("subcontracted part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        help_text=_("Empty for the lead contractor's report on the whole project."),
    )
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("what was done"))
    claims_completion = models.BooleanField(_("declares the project complete"), default=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.PENDING)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    response = models.TextField(_("enterprise's answer"), blank=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["application_id", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="post_percent_at_most_100")]


class ProgressEvidence(StoredFile):
    post = models.ForeignKey(ProgressPost, verbose_name=_("update"), on_delete=models.PROTECT, related_name="evidence")

    class Meta:
        verbose_name = _("progress evidence")
        verbose_name_plural = _("progress evidence")
        ordering = ["post_id", "id"]

    def storage_path(self, filename):
        application = self.post.application
        return f"private/progress/{application.program_id}/{application.pk}/{filename}"


class ProviderRating(BaseModel):
    """The enterprise's satisfaction with its provider at completion, 1 to 5. One per project."""

    application = models.OneToOneField(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("provider rating")
        verbose_name_plural = _("provider ratings")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_one_to_five")]


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Complaint(BaseModel):
    """An enterprise's complaint about its provider; the bureau confirms or dismisses it, with its reasons."""

    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="complaints"
    )
    text = models.TextField(_("complaint"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
