"""N+X filings (备案申报): an enterprise's project, its line items and contract, and its review.

An app of its own because a filing is the workflow object every later step hangs off (implementation,
acceptance, subsidy), with a state machine, a reviewer queue and attachments of its own.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = _("Filings")

    def ready(self):
        from enterprises.models import EnterpriseProfile
        from filings.models import Application, Subcontract
        from organisations.models import Organisation
        from policies.models import PolicyTrack, PolicyVersion
        from portal.core import versions
        from programs.models import Batch, Industry, Region
        from providers.models import PoolMembership

        # What the queue's cached count and reference data are read from (filings.selectors): a change to any of
        # these gives the program a new data version. A change to an organisation, a region, a track or a
        # subcontract renews every program's (and a change to a program too: programs.apps).
        for model, program_of in (
            (Application, lambda row: row.program_id),
            (EnterpriseProfile, lambda row: row.program_id),
            (Industry, lambda row: row.program_id),
            (Batch, lambda row: row.program_id),
            (PoolMembership, lambda row: row.program_id),
            (PolicyVersion, lambda row: row.program_id),
            (Subcontract, lambda row: None),
            (PolicyTrack, lambda row: None),
            (Organisation, lambda row: None),
            (Region, lambda row: None),
        ):
            versions.watch(model, program_of)
