from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.errors import PortalError
from portal.core.services import record_save
from providers.models import PoolMembership


def pool_membership_add(*, program, organisation, industries, joined_on, acting_user=None, **facts):
    """Put a provider into the program's resource pool, qualified for `industries` of the program."""
    if any(industry.program_id != program.pk for industry in industries):
        raise PortalError(_("The industry is not one of this program's."))
    membership = PoolMembership(program=program, organisation=organisation, joined_on=joined_on, **facts)
    with transaction.atomic():
        record_save(membership, acting_user=acting_user, reason=_("Added to the resource pool"))
        membership.industries.set(industries)
    return membership
