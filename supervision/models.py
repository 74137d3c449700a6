"""Supervision of projects (全过程监理): who supervises which project, what they found on site, and what the
provider must put right by when."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.files import StoredFile
from portal.core.models import BaseModel


class SupervisionAssignment(BaseModel):
    """The bureau's assignment of a supervision firm to a project. Ended, never deleted: an ended assignment keeps
    its row with who ended it and why. One active assignment per project."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="supervision_assignments"
    )
    application = models.ForeignKey(
        "filings.Application",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="supervision_assignments",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("supervision firm"),
        on_delete=models.PROTECT,
        related_name="supervision_assignments",
    )
    note = models.TextField(_("note"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_reason = models.TextField(_("reason for ending"), blank=True)

    class Meta:
        verbose_name = _("supervision assignment")
        verbose_name_plural = _("supervision assignments")
        ordering = ["program", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(is_active=True), name="one_active_supervision_per_project"
            )
        ]
        indexes = [models.Index(fields=["organisation", "is_active"])]

    def __str__(self):
        return f"{self.organisation} · {self.application}"


class Inspection(BaseModel):
    """One on-site inspection of a project by its supervision firm: when, what was found, with photos."""

    assignment = models.ForeignKey(
        SupervisionAssignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="inspections"
    )
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspected on"))
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["application", "-inspected_on", "-id"]

    def __str__(self):
        return f"{self.application} · {self.inspected_on}"


class InspectionPhoto(StoredFile):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="photos"
    )

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["inspection_id", "id"]

    def storage_path(self, filename):
        application = self.inspection.application
        return f"private/supervision/{application.program_id}/{application.pk}/{filename}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open: awaiting the provider")
    ANSWERED = "answered", _("Answered: awaiting the supervision firm")
    CLOSED = "closed", _("Closed: put right")


class Rectification(BaseModel):
    """A request, made at an inspection, that the provider put something right by a deadline.

    Open until the supervision firm closes it: the provider answers (OPEN → ANSWERED), the firm closes it or sends
    it back (ANSWERED → CLOSED or OPEN). While open it blocks the project's acceptance request, unless the bureau
    records why the request may go ahead (`waived_*`)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="rectifications"
    )
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="rectifications"
    )
    request = models.TextField(_("what must be put right"))
    due_on = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("provider's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closing_note = models.TextField(_("supervision firm's conclusion"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    waiver_reason = models.TextField(_("why acceptance may be requested while it is open"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification request")
        verbose_name_plural = _("rectification requests")
        ordering = ["application", "due_on", "id"]
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self):
        return self.request[:60]

    @property
    def is_open(self) -> bool:
        return self.status != RectificationStatus.CLOSED


class RectificationEventKind(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ANSWERED = "answered", _("Answered by the provider")
    SENT_BACK = "sent_back", _("Sent back to the provider")
    CLOSED = "closed", _("Closed by the supervision firm")
    WAIVED = "waived", _("Waived for the acceptance request")


class RectificationEvent(BaseModel):
    """One step in a rectification's life, with who took it and the full text they gave (the answer, the reason
    for sending it back, the conclusion, the waiver): the page's timeline, kept when a later answer replaces
    the current one on the rectification."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification request"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("step"), max_length=10, choices=RectificationEventKind.choices)
    text = models.TextField(_("text"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")
        ordering = ["rectification_id", "created_at", "id"]

    def __str__(self):
        return f"{self.rectification_id} · {self.kind}"


def open_rectifications_q(prefix: str = "") -> Q:
    """Rectifications not yet closed (open or answered), as a filter on `Rectification` or through `prefix`."""
    return ~Q(**{f"{prefix}status": RectificationStatus.CLOSED})


def blocking_rectifications_q(prefix: str = "") -> Q:
    """Rectifications that stop an acceptance request: not closed, and not waived by the bureau."""
    return open_rectifications_q(prefix) & Q(**{f"{prefix}waived_at__isnull": True})
