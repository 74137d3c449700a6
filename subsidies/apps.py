"""Policy versions, subsidy calculation runs, funding pools and ledgers."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_triggers(sender, using, **kwargs):
    from django.db import connections

    from subsidies.db_triggers import install

    install(connections[using])


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self):
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="subsidies.frozen_run_triggers")
