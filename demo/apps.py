"""The demo: the three programs' demo year built through the same services people use, and the scale generator.

The top layer: it may import every app, and no app imports it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = _("Demo data")
