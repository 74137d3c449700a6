from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.models import BaseModel


class Notification(BaseModel):
    """A message to one person about one event of a program; read once, never deleted."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="notifications"
    )
    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=60)
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=60, help_text=_("What caused it, e.g. filings.Transition:42"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "source"], name="one_notification_per_recipient_and_source")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.text
