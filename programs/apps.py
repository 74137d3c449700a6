"""Programs (tenants), regions, industries, scenario catalogue, calendars and roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from portal.core import versions
        from programs.models import Program, RoleAssignment

        # Every page's program switcher is cached per user under the shared data version (programs.access):
        # a role granted or revoked, or a program renamed, renews it.
        for model in (Program, RoleAssignment):
            versions.watch(model, lambda row: None)
