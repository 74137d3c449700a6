from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal.core import jobs, outbox, versions

        # A migration may change data that cached reads were computed from.
        post_migrate.connect(lambda **kwargs: versions.bump(), weak=False, dispatch_uid="versions:migrate")
        # The outbox publisher's place in the beat's schedule, made (or put back) after every migrate.
        post_migrate.connect(outbox.schedule_ensure, sender=self, dispatch_uid="outbox:schedule")
        # The job sweeper's place in the beat's schedule, made (or put back) after every migrate.
        post_migrate.connect(jobs.schedule_ensure, sender=self, dispatch_uid="jobs:schedule")
