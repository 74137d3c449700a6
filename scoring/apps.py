"""Score sheets as data (templates with sections, items and maxima) and the arithmetic of aggregating them.

An app of its own because two panels use it: provider selection committees and acceptance experts.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Score sheets")
