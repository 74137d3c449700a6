"""Provider registration: a person registers (or claims) its service provider for a program; the bureau checks
the credit code and admits it to the resource pool."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import account_check, account_create
from enterprises.models import SignupStatus
from organisations import uscc as uscc_rules
from organisations.models import Organisation, OrganisationKind
from organisations.services import organisation_create
from portal.core.errors import Conflict, PortalError
from portal.core.roles import Capability, Role
from portal.core.services import record_save
from programs.access import ProgramAccess
from programs.services import role_grant
from providers.models import PoolMembership, ProviderSignup
from providers.services import pool_membership_add


def provider_sign_up(*, program, account: dict, provider: dict) -> ProviderSignup:
    """Create the login and, unless the credit code is registered, the organisation; record the registration.
    `provider`: uscc, name, industries, local_support_staff, qualifications. No role until the bureau approves."""
    code = uscc_rules.validate(provider["uscc"])
    industries = list(provider["industries"])
    if not industries or any(industry.program_id != program.pk for industry in industries):
        raise PortalError(_("Choose the program's industries you serve."), fields={"industries": [_("Invalid.")]})
    user = account_check(account)
    with transaction.atomic():
        organisation = Organisation.objects.filter(uscc=code).first()
        claimed = organisation is not None
        if claimed and organisation.kind != OrganisationKind.PROVIDER:
            raise PortalError(
                _("This credit code belongs to an organisation that is not a service provider."),
                fields={"uscc": [_("Not a service provider.")]},
            )
        organisation = organisation or organisation_create(
            uscc=code, name=provider["name"], kind=OrganisationKind.PROVIDER
        )
        account_create(user, password=account["password"], organisation=organisation)
        signup = record_save(
            ProviderSignup(
                program=program,
                user=user,
                organisation=organisation,
                local_support_staff=provider["local_support_staff"],
                qualifications=provider.get("qualifications", ""),
                claimed_existing=claimed,
            ),
            acting_user=user,
            reason=_("Signed up"),
        )
        signup.industries.set(industries)
    return signup


def provider_signup_decide(*, access: ProgramAccess, signup: ProviderSignup, approve: bool, reason: str = ""):
    """Approve (the provider enters the pool for its industries, the person gets the provider role) or reject."""
    access.require(Capability.MANAGE_POOL)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise PortalError(_("Give the reason; the applicant reads it."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        locked = (
            ProviderSignup.objects.select_for_update(of=("self",))
            .select_related("user", "organisation")
            .get(pk=signup.pk, program=access.program)
        )
        if locked.status != SignupStatus.PENDING:
            raise Conflict(_("This request was already decided."))
        locked.status = SignupStatus.APPROVED if approve else SignupStatus.REJECTED
        locked.decided_by, locked.decided_at, locked.reason = access.user, timezone.now(), reason
        record_save(locked, acting_user=access.user, reason=reason or str(locked.get_status_display()))
        if approve:
            if not PoolMembership.objects.filter(program=access.program, organisation=locked.organisation).exists():
                pool_membership_add(
                    program=access.program,
                    organisation=locked.organisation,
                    industries=list(locked.industries.all()),
                    joined_on=timezone.localdate(),
                    acting_user=access.user,
                    local_support_staff=locked.local_support_staff,
                    qualifications=locked.qualifications,
                )
            role_grant(program=access.program, user=locked.user, role=Role.PROVIDER, acting_user=access.user)
    return locked
