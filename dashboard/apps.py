"""The program's landing page, configuration pages, every record's history and the page shell (program switcher,
unread notices): pages that read every app, so the app sits on top of them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")
