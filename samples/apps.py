"""Sample enterprises (样本企业) and the "learn from samples" gallery (看样学样): an accepted project's enterprise
and provider apply, the bureau checks on site and designates within the industry's quota, other enterprises start
a filing from a sample. It reads filings, acceptance and providers, and gives the sample award its condition."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplesConfig(AppConfig):
    name = "samples"
    verbose_name = _("Sample enterprises")

    def ready(self):
        from samples.selectors import require_designated_sample
        from subsidies.runs import award_condition_register

        award_condition_register("sample", require_designated_sample)
