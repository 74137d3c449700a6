"""Policy versions as data and the pure rule engine that prices a project by them: the calculator, the quote a
filing shows, `quote_subsidy`. Its own app, below enterprises and filings, because every later step prices by it
and it reads nothing of theirs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Subsidy policies")
