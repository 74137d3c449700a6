from django.utils.translation import gettext as _

from enterprises.models import EnterpriseProfile
from portal.core.errors import NotAllowed, PortalError
from portal.core.roles import Capability
from portal.core.services import record_save


def enterprise_profile_create(*, program, organisation, industry, acting_user=None, township=None, **facts):
    """Enrol an organisation as an enterprise of `program`, with its profile facts.

    The industry must be one of the program's, and the township must lie inside the program's region.
    """
    if industry.program_id != program.pk:
        raise PortalError(_("The industry is not one of this program's."), fields={"industry": [_("Invalid.")]})
    if township is not None and not township.path.startswith(program.region.path):
        raise PortalError(_("The township is outside the program's region."), fields={"township": [_("Invalid.")]})
    profile = EnterpriseProfile(
        program=program, organisation=organisation, industry=industry, township=township, **facts
    )
    return record_save(profile, acting_user=acting_user, reason=_("Enterprise enrolled"))


PROFILE_FIELDS = (
    "township",
    "industry",
    "scale",
    "output_band",
    "is_specialised",
    "is_little_giant",
    "digital_level_before",
)


def profile_may_edit(*, access, profile: EnterpriseProfile) -> bool:
    own = access.can(Capability.VIEW_OWN_ENTERPRISE) and profile.organisation_id == access.user.organisation_id
    return profile.program_id == access.program.pk and (own or access.can(Capability.CONFIGURE))


def enterprise_profile_update(*, access, profile: EnterpriseProfile, data: dict, reason: str = ""):
    """The enterprise completes or corrects its own profile (a bureau admin may too); history keeps each value."""
    if not profile_may_edit(access=access, profile=profile):
        raise NotAllowed(_("Only the enterprise itself or the bureau admin may change this profile."))
    industry, township = data.get("industry", profile.industry), data.get("township", profile.township)
    if industry.program_id != profile.program_id:
        raise PortalError(_("The industry is not one of this program's."), fields={"industry": [_("Invalid.")]})
    if township is not None and not township.path.startswith(profile.program.region.path):
        raise PortalError(_("The township is outside the program's region."), fields={"township": [_("Invalid.")]})
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    return record_save(profile, acting_user=access.user, reason=reason or _("Profile updated"))
