"""Acceptance reviews: expert panels, rubric scoring, financial audit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcceptanceConfig(AppConfig):
    name = "acceptance"
    verbose_name = _("Acceptance")

    def ready(self):
        from acceptance.models import AcceptanceReview
        from acceptance.selectors import industry_pilot_accepted
        from enterprises.pilot_gates import industry_pilot_accepted_register
        from scoring.services import sheet_template_use_register

        # the track gate "after an industry's pilot project passed acceptance" asks acceptance
        industry_pilot_accepted_register(industry_pilot_accepted)

        # a rubric an acceptance review scored on is fixed
        sheet_template_use_register(lambda template: AcceptanceReview.objects.filter(template=template).exists())
