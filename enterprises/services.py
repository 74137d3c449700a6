from django.utils.translation import gettext as _

from enterprises.models import EnterpriseProfile
from portal.core.errors import PortalError
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
