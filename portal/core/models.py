"""The base every domain model stands on: timestamps, full history, and no hard delete."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.errors import HardDeleteRefused


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteRefused(self.model)


class History(HistoricalRecords):
    """django-simple-history's records, with one addition: a model that moved to another app keeps its history
    table by naming it in `history_table` (its own table keeps its name through `Meta.db_table`)."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        table = getattr(model, "history_table", None)
        if table:
            options["db_table"] = table
        return options


class BaseModel(models.Model):
    """Timestamps and a history row (who, when, every field before and after) on each change.

    Records are closed, never deleted: `delete()` raises, on the instance and on querysets.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = History(inherit=True)
    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))


class OutboxMessage(models.Model):
    """A task the portal owes the broker: written in the transaction of the change that asks for it, sent when
    that transaction commits, and sent again by the beat (`portal.outbox_publish`) while the broker does not
    answer. A sent row keeps `published_at`; rows are kept, never deleted."""

    task = models.CharField(_("task"), max_length=200)  # dotted path of a Celery task
    args = models.JSONField(_("arguments"), default=list)
    job_model = models.CharField(_("job type"), max_length=100, blank=True)  # "app_label.model" of the job row
    job_id = models.PositiveBigIntegerField(_("job"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["job_model", "job_id"], name="core_outbox_job"),
            models.Index(
                fields=["created_at"], name="core_outbox_waiting", condition=models.Q(published_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))
