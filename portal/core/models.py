"""The base every domain model stands on: timestamps, full history, and no hard delete."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.errors import HardDeleteRefused


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteRefused(self.model)


class BaseModel(models.Model):
    """Timestamps and a history row (who, when, every field before and after) on each change.

    Records are closed, never deleted: `delete()` raises, on the instance and on querysets.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(inherit=True)
    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))
