from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.models import EnterpriseProfile, SignupRequest, TargetEnterprise
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


def enterprise_profile_for_form(*, access: ProgramAccess, pk) -> EnterpriseProfile:
    """A fresh copy of the program's profile `pk`, without joined rows, for the edit form to change; the caller
    has read it through `enterprise_get` first."""
    return EnterpriseProfile.objects.get(program=access.program, pk=pk)


def target_enterprise_list(*, access: ProgramAccess):
    """The program's active target enterprises (the caller has checked the right to read them)."""
    return TargetEnterprise.objects.filter(program=access.program, is_active=True)


def signup_request_list(*, program):
    """The program's enterprise sign-up requests with the person, profile and decider joined."""
    return SignupRequest.objects.filter(program=program).select_related(
        "user", "profile__organisation", "profile__industry", "profile__township", "decided_by"
    )


def signup_request_get(*, access: ProgramAccess, pk) -> SignupRequest:
    """The program's sign-up request `pk`; 404 alike for absent and another program's."""
    return get_or_404(SignupRequest.objects.filter(program=access.program), pk)
