"""Service providers: resource pool, selection and implementation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("Providers")

    def ready(self):
        from programs import participants
        from providers.models import PoolMembership, PoolStatus, RoundStatus, SelectionRound
        from scoring.services import sheet_template_use_register

        # a provider of the pool takes part in the program, a removed one no longer
        participants.register(
            lambda program: (
                PoolMembership.objects.filter(program=program)
                .exclude(status=PoolStatus.REMOVED)
                .values("organisation_id")
            )
        )
        # a sheet a selection round past preparation scores on is fixed
        sheet_template_use_register(
            lambda template: SelectionRound.objects.filter(template=template).exclude(status=RoundStatus.DRAFT).exists()
        )
