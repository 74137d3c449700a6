from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from organisations import uscc as uscc_rules
from organisations.models import Organisation
from portal.core.errors import NotAllowed, PortalError
from portal.core.roles import Role
from portal.core.services import record_save


def organisation_create(*, uscc: str, name: str, kind: str, acting_user=None, override_reason="", **fields):
    """Register an organisation under its unified social credit code.

    A code that fails only its check character is accepted when a bureau admin gives a reason; every
    other rule (length, characters) is absolute. A code already registered is refused with its holder's name.
    """
    try:
        code = uscc_rules.validate(uscc)
    except uscc_rules.USCCCheckCharacterError:
        if not override_reason.strip():
            raise
        if not _may_override(acting_user):
            raise NotAllowed(_("Only a bureau admin may accept a code that fails its check character.")) from None
        code = uscc_rules.normalise(uscc)
    existing = Organisation.objects.filter(uscc=code).first()
    if existing:
        raise PortalError(
            _("The code %(code)s is already registered to “%(name)s”.") % {"code": code, "name": existing.name},
            fields={"uscc": [_("Already registered.")]},
        )
    organisation = Organisation(
        uscc=code,
        name=name.strip(),
        kind=kind,
        uscc_override_reason=override_reason.strip() if override_reason else "",
        uscc_override_by=acting_user if override_reason and override_reason.strip() else None,
        **fields,
    )
    try:
        with transaction.atomic():
            return record_save(organisation, acting_user=acting_user, reason=_("Organisation registered"))
    except IntegrityError:
        raise PortalError(_("The code %(code)s is already registered.") % {"code": code}) from None


def _may_override(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role_assignments.filter(role=Role.BUREAU_ADMIN, revoked_at__isnull=True).exists()
