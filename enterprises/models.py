from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policies.models import Scale
from portal.core.models import BaseModel


class OutputBand(models.TextChoices):
    UNDER_100M = "lt100m", _("Under 100 million yuan")
    FROM_100M_TO_200M = "100m-200m", _("100–200 million yuan")
    OVER_200M = "gte200m", _("200 million yuan or more")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified by the bureau")
    REJECTED = "rejected", _("Not verified")


class EnterpriseProfile(BaseModel):
    """An enterprise's participation in one program, with the facts the program's rules read.

    One organisation has one profile per program: the township and industry are the program's own,
    and the scale and output band are as of the program year.
    """

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="enterprises"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="enterprise_profiles",
    )
    industry = models.ForeignKey(
        "programs.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, related_name="enterprises"
    )
    township = models.ForeignKey(
        "programs.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    output_band = models.CharField(_("annual output"), max_length=10, choices=OutputBand.choices)
    is_specialised = models.BooleanField(_("specialised and innovative (专精特新)"), default=False)
    is_little_giant = models.BooleanField(_("“little giant” (专精特新“小巨人”)"), default=False)
    digital_level_before = models.PositiveSmallIntegerField(
        _("digital level before transformation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(4)],
    )
    verification = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")
        ordering = ["program", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organisation"], name="one_profile_per_program"),
        ]

    def __str__(self):
        return self.organisation.name


class TargetEnterprise(BaseModel):
    """An enterprise on the program's target list (摸底企业清单): planned for transformation, not yet enrolled."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="target_enterprises"
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("name"), max_length=120)
    township = models.ForeignKey(
        "programs.Region", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        "programs.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, related_name="+"
    )
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")
        ordering = ["program", "township__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["program", "uscc"], name="target_uscc_unique_in_program")]

    def __str__(self):
        return self.name


class SignupStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the bureau")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SignupRequest(BaseModel):
    """A person's request to act for an enterprise in a program. The bureau checks it before any role is given,
    because anyone can type a company's credit code."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="signup_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="signup_requests"
    )
    profile = models.ForeignKey(
        EnterpriseProfile,
        verbose_name=_("enterprise profile"),
        on_delete=models.PROTECT,
        related_name="signup_requests",
    )
    claimed_existing = models.BooleanField(_("claims an organisation already registered"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sign-up request")
        verbose_name_plural = _("sign-up requests")
        ordering = ["program", "-created_at"]


class Designation(BaseModel):
    """A bureau's designation of an enterprise within its industry's quota (a pilot, a sample): the decision's
    reason, reference and date, who designated it and, once revoked, who revoked it, when and why. Revoked, never
    deleted: a revocation keeps the row with `is_active=False` (`enterprises.designations.designation_revoke`)."""

    reason = models.TextField(_("reason"), max_length=2000)
    reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("designated by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    revoked_reason = models.TextField(_("reason for revocation"), max_length=2000, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        abstract = True


class PilotDesignation(Designation):
    """The bureau's designation of a target enterprise as a pilot enterprise (试点企业) of its industry.

    Revoked, never deleted: a revocation keeps the row with `is_active=False` and the reason. The industry is
    copied from the target when designated, so the per-industry quota counts one column.
    """

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="pilot_designations"
    )
    target = models.ForeignKey(
        TargetEnterprise,
        verbose_name=_("target enterprise"),
        on_delete=models.PROTECT,
        related_name="pilot_designations",
    )
    industry = models.ForeignKey(
        "programs.Industry",
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        related_name="pilot_designations",
    )
    batch = models.ForeignKey(
        "programs.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilot_designations",
    )
    output_band = models.CharField(_("annual output"), max_length=10, choices=OutputBand.choices, blank=True)

    class Meta:
        verbose_name = _("pilot designation")
        verbose_name_plural = _("pilot designations")
        ordering = ["program", "industry", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"], condition=models.Q(is_active=True), name="one_active_pilot_per_target"
            ),
        ]

    def __str__(self):
        return self.target.name


class PilotListPublication(BaseModel):
    """The public announcement (公示) of a batch's pilot list, over the program's announcement working days.

    It records the designations it announced. Publishing the batch again supersedes it (`is_active=False`).
    """

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="pilot_publications"
    )
    batch = models.ForeignKey(
        "programs.Batch", verbose_name=_("batch"), on_delete=models.PROTECT, related_name="pilot_publications"
    )
    starts_on = models.DateField(_("announcement starts"))
    ends_on = models.DateField(_("announcement ends"))
    designations = models.ManyToManyField(
        PilotDesignation, verbose_name=_("pilot designations"), related_name="publications"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("pilot list publication")
        verbose_name_plural = _("pilot list publications")
        ordering = ["program", "batch__number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch"], condition=models.Q(is_active=True), name="one_current_pilot_publication_per_batch"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="pilot_publication_ends_after_start"
            ),
        ]

    def __str__(self):
        return str(self.batch)
