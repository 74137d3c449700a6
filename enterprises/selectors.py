from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.models import EnterpriseProfile
from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess


def enterprise_list(*, access: ProgramAccess, industry="", township="", search=""):
    """Enterprises of the program the caller may read: all for bureau and audit roles, its own for an enterprise."""
    qs = EnterpriseProfile.objects.filter(program=access.program, is_active=True).select_related(
        "organisation", "industry", "township"
    )
    if not access.can(Capability.VIEW_ALL_ENTERPRISES):
        if not access.can(Capability.VIEW_OWN_ENTERPRISE):
            raise NotAllowed(_("Your roles in this program do not allow this."))
        organisation_id = getattr(access.user, "organisation_id", None)
        qs = qs.filter(organisation_id=organisation_id) if organisation_id else qs.none()
    if industry:
        qs = qs.filter(industry__code=industry)
    if township:
        qs = qs.filter(township__code=township)
    if search:
        qs = qs.filter(Q(organisation__name__icontains=search) | Q(organisation__uscc__icontains=search.upper()))
    return qs


def enterprise_get(*, access: ProgramAccess, pk) -> EnterpriseProfile:
    return get_or_404(enterprise_list(access=access), pk)
