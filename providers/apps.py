"""Service providers: resource pool, selection and implementation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("Providers")

    def ready(self):
        from programs import participants
        from providers.models import PoolMembership, PoolStatus

        # a provider of the pool takes part in the program, a removed one no longer
        participants.register(
            lambda program: (
                PoolMembership.objects.filter(program=program)
                .exclude(status=PoolStatus.REMOVED)
                .values("organisation_id")
            )
        )
