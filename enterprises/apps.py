"""Enterprise profiles per program."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self):
        from enterprises.models import EnterpriseProfile
        from programs import participants

        # an enterprise with an active profile takes part in the program
        participants.register(
            lambda program: EnterpriseProfile.objects.filter(program=program, is_active=True).values("organisation_id")
        )
