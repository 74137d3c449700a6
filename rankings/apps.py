"""Rankings: the providers' horse race (赛马) per period, region rankings and the bulletins (通报) that publish
them. An app of its own because its records — periods, immutable snapshots of computed indicators, published
bulletins and the schedule that makes them — belong to no single filing, provider or region."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedule(sender, **kwargs):
    from rankings.schedule import schedule_ensure

    schedule_ensure()


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = _("Rankings")

    def ready(self):
        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="rankings.schedule")
