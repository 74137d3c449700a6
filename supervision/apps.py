"""Third-party supervision (全过程监理): a firm the bureau engages watches assigned projects during
implementation, inspects them on site and requests rectifications that the provider answers. An app of its own
because a supervision firm is a party of its own: its assignments, inspections and rectifications belong to
neither the filing's enterprise nor its provider, and they gate the acceptance request."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")
