"""Third-party supervision (全过程监理): a firm the bureau engages watches assigned projects during
implementation, inspects them on site and requests rectifications that the provider answers. An app of its own
because a supervision firm is a party of its own: its assignments, inspections and rectifications belong to
neither the filing's enterprise nor its provider, and they gate the acceptance request."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from filings.selectors import visible_through
        from portal.core import versions
        from programs import participants
        from supervision.models import SupervisionAssignment

        # a supervision firm assigned to a project of the program takes part in it, and sees that filing
        participants.register(
            lambda program: SupervisionAssignment.objects.filter(program=program).values("organisation_id")
        )
        visible_through(
            "supervision_firm",
            lambda organisation: SupervisionAssignment.objects.filter(
                organisation_id=organisation, is_active=True
            ).values("application_id"),
        )
        # an assignment renews the program's cached counts
        versions.watch(SupervisionAssignment, lambda row: row.program_id)
