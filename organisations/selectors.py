from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.selectors import enterprise_list
from organisations.models import Organisation
from portal.core.errors import NotAllowed
from portal.core.roles import Capability
from programs.access import ProgramAccess
from providers.selectors import provider_list


def organisation_list(*, access: ProgramAccess, kind="", search=""):
    """Organisations taking part in the program that the caller may see: its enterprises and providers."""
    condition = Q()
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.VIEW_OWN_ENTERPRISE):
        condition |= Q(pk__in=enterprise_list(access=access).values("organisation_id"))
    if access.can(Capability.VIEW_PROVIDERS):
        condition |= Q(pk__in=provider_list(access=access).values("organisation_id"))
    if not condition:
        raise NotAllowed(_("Your roles in this program do not allow this."))
    qs = Organisation.objects.filter(condition, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(uscc__icontains=search.upper()))
    return qs.order_by("name")
