"""Implementation of approved projects (lifecycle step 4): milestones, the provider's progress posts with
evidence, the enterprise's confirmation, completion, the enterprise's rating and complaints.

An app of its own because it has its own actors and records: the provider writes, the enterprise confirms,
the bureau adjusts milestones and decides complaints; filings only hand over an approved project.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "implementation"
    verbose_name = _("Implementation")

    def ready(self):
        from filings.signals import application_approved

        application_approved.connect(_milestones_at_approval, dispatch_uid="implementation.milestones_at_approval")


def _milestones_at_approval(sender, *, application, approved_on, acting_user, **kwargs):
    from implementation.services import milestones_create

    milestones_create(application=application, approved_on=approved_on, acting_user=acting_user)
