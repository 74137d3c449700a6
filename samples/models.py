"""Sample enterprises (样本企业): the joint application of an accepted project's enterprise and provider, the
on-site check, the bureau's designation within the industry's quota, the gallery's photos and the filings started
from a sample. The tables kept the names they had when these models lived in `enterprises`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Designation
from portal.core.files import StoredFile
from portal.core.models import BaseModel


class SampleStatus(models.TextChoices):
    APPLIED = "applied", _("Applied: awaiting the provider")
    COSIGNED = "cosigned", _("Joined by the provider: awaiting the on-site check")
    CHECKED = "checked", _("Checked on site: awaiting the bureau")
    DESIGNATED = "designated", _("Designated a sample enterprise")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Applications still in play: one per project at a time.
LIVE_SAMPLE_STATUSES = (SampleStatus.APPLIED, SampleStatus.COSIGNED, SampleStatus.CHECKED, SampleStatus.DESIGNATED)
# Live and not yet decided: the application may still be declined or withdrawn.
OPEN_SAMPLE_STATUSES = (SampleStatus.APPLIED, SampleStatus.COSIGNED, SampleStatus.CHECKED)


class SampleApplication(BaseModel):
    """The joint application of an enterprise and its provider for sample status (样本企业) after acceptance,
    with what they transformed and achieved in their own words. The industry is copied from the enterprise so the
    per-industry quota counts one column."""

    history_table = "enterprises_historicalsampleapplication"

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="sample_applications"
    )
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="sample_applications"
    )
    industry = models.ForeignKey(
        "programs.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, related_name="sample_applications"
    )
    statement = models.TextField(_("what was transformed and achieved"), max_length=4000)
    status = models.CharField(_("status"), max_length=12, choices=SampleStatus.choices, default=SampleStatus.APPLIED)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    provider_statement = models.TextField(_("provider's statement"), max_length=4000, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("joined by the provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cosigned_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=2000, blank=True)

    class Meta:
        db_table = "enterprises_sampleapplication"
        verbose_name = _("sample application")
        verbose_name_plural = _("sample applications")
        ordering = ["program", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=LIVE_SAMPLE_STATUSES),
                name="one_live_sample_application_per_project",
            )
        ]

    def __str__(self):
        return str(self.application)


class SampleSiteCheck(BaseModel):
    """The on-site check of a sample application by experts and association representatives."""

    history_table = "enterprises_historicalsamplesitecheck"

    sample_application = models.OneToOneField(
        SampleApplication, verbose_name=_("sample application"), on_delete=models.PROTECT, related_name="site_check"
    )
    checked_on = models.DateField(_("checked on"))
    experts = models.TextField(_("experts"), max_length=1000)
    association_representatives = models.TextField(_("association representatives"), max_length=1000)
    findings = models.TextField(_("findings"), max_length=4000)
    recommends = models.BooleanField(_("recommends the designation"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "enterprises_samplesitecheck"
        verbose_name = _("on-site check")
        verbose_name_plural = _("on-site checks")
        ordering = ["-checked_on", "-id"]


class SamplePhoto(StoredFile):
    """A photo of what a sample enterprise transformed, shown in the gallery."""

    history_table = "enterprises_historicalsamplephoto"

    sample_application = models.ForeignKey(
        SampleApplication, verbose_name=_("sample application"), on_delete=models.PROTECT, related_name="photos"
    )
    caption = models.CharField(_("caption"), max_length=120, blank=True)

    class Meta:
        db_table = "enterprises_samplephoto"
        verbose_name = _("sample photo")
        verbose_name_plural = _("sample photos")
        ordering = ["sample_application_id", "id"]

    def storage_path(self, filename):
        return f"private/samples/{self.sample_application.program_id}/{self.sample_application_id}/{filename}"


class SampleDesignation(Designation):
    """The bureau's designation of an accepted project's enterprise as a sample enterprise of its industry, within
    the industry's `sample_quota`. It enables the sample award. Revoked, never deleted."""

    history_table = "enterprises_historicalsampledesignation"

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="sample_designations"
    )
    sample_application = models.ForeignKey(
        SampleApplication, verbose_name=_("sample application"), on_delete=models.PROTECT, related_name="designations"
    )
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="sample_designations"
    )
    industry = models.ForeignKey(
        "programs.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, related_name="sample_designations"
    )

    class Meta:
        db_table = "enterprises_sampledesignation"
        verbose_name = _("sample designation")
        verbose_name_plural = _("sample designations")
        ordering = ["program", "industry", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(is_active=True), name="one_active_sample_per_project"
            ),
        ]

    def __str__(self):
        return str(self.application)


class SampleCopy(BaseModel):
    """A filing started from a sample (学样仿样): the new draft copied the sample's scenario list. Counts how many
    filings each sample inspired."""

    history_table = "enterprises_historicalsamplecopy"

    sample = models.ForeignKey(
        SampleDesignation, verbose_name=_("sample"), on_delete=models.PROTECT, related_name="copies"
    )
    application = models.OneToOneField(
        "filings.Application", verbose_name=_("new filing"), on_delete=models.PROTECT, related_name="sample_copy"
    )
    copied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "enterprises_samplecopy"
        verbose_name = _("filing started from a sample")
        verbose_name_plural = _("filings started from samples")
        ordering = ["sample", "-created_at"]
