"""N+X filings (备案申报): an enterprise's project, its line items and contract, and its review.

An app of its own because a filing is the workflow object every later step hangs off (implementation,
acceptance, subsidy), with a state machine, a reviewer queue and attachments of its own.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = _("Filings")
