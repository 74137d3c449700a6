from django.db.models import Q

from portal.core.roles import Capability
from programs.access import ProgramAccess
from providers.models import PoolMembership, PoolStatus


def provider_list(*, access: ProgramAccess, industry="", status="", search=""):
    """Providers of the program's resource pool; removed ones only for bureau and audit roles."""
    access.require(Capability.VIEW_PROVIDERS)
    qs = (
        PoolMembership.objects.filter(program=access.program)
        .select_related("organisation")
        .prefetch_related("industries")
    )
    if not access.can(Capability.VIEW_ALL_ENTERPRISES):
        qs = qs.exclude(status=PoolStatus.REMOVED)
    if industry:
        qs = qs.filter(industries__code=industry)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(organisation__name__icontains=search) | Q(organisation__uscc__icontains=search.upper()))
    return qs.distinct() if industry else qs
