"""Enterprise sign-up: a person registers (or claims) an enterprise for a program; the bureau decides."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import account_check, account_create
from enterprises.models import EnterpriseProfile, SignupRequest, SignupStatus, VerificationStatus
from enterprises.services import enterprise_profile_create
from organisations import uscc as uscc_rules
from organisations.models import Organisation, OrganisationKind
from organisations.services import organisation_create
from portal.core.errors import Conflict, PortalError
from portal.core.roles import Capability, Role
from portal.core.services import record_save
from programs.access import ProgramAccess
from programs.services import role_grant


def enterprise_sign_up(*, program, account: dict, enterprise: dict) -> SignupRequest:
    """Create the login and, unless the credit code is already registered, the organisation and its profile.
    The person gets no role until the bureau approves the request."""
    code = uscc_rules.validate(enterprise.pop("uscc"))
    user = account_check(account)
    with transaction.atomic():
        organisation = Organisation.objects.filter(uscc=code).first()
        claimed = organisation is not None
        if claimed and organisation.kind != OrganisationKind.ENTERPRISE:
            raise PortalError(
                _("This credit code belongs to an organisation that is not an enterprise."),
                fields={"uscc": [_("Not an enterprise.")]},
            )
        if not claimed:
            organisation = organisation_create(uscc=code, name=enterprise.pop("name"), kind=OrganisationKind.ENTERPRISE)
        else:
            enterprise.pop("name", None)
        account_create(user, password=account["password"], organisation=organisation)
        profile = EnterpriseProfile.objects.filter(program=program, organisation=organisation).first()
        if profile is None:
            profile = enterprise_profile_create(
                program=program, organisation=organisation, acting_user=user, **enterprise
            )
        return record_save(
            SignupRequest(program=program, user=user, profile=profile, claimed_existing=claimed),
            acting_user=user,
            reason=_("Signed up"),
        )


def signup_decide(*, access: ProgramAccess, request: SignupRequest, approve: bool, reason: str = "") -> SignupRequest:
    """Approve (verify the profile, give the enterprise role) or reject with a reason."""
    access.require(Capability.REVIEW)
    if not approve and not reason.strip():
        raise PortalError(_("Give the reason; the applicant reads it."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        locked = (
            SignupRequest.objects.select_for_update()
            .select_related("profile", "user")
            .get(pk=request.pk, program=access.program)
        )
        if locked.status != SignupStatus.PENDING:
            raise Conflict(_("This request was already decided."))
        locked.status = SignupStatus.APPROVED if approve else SignupStatus.REJECTED
        locked.decided_by, locked.decided_at, locked.reason = access.user, timezone.now(), reason.strip()
        record_save(locked, acting_user=access.user, reason=reason or str(locked.get_status_display()))
        if approve:
            profile = locked.profile
            if profile.verification != VerificationStatus.VERIFIED:
                profile.verification, profile.verified_by = VerificationStatus.VERIFIED, access.user
                record_save(profile, acting_user=access.user, reason=_("Verified with the sign-up request"))
            role_grant(program=access.program, user=locked.user, role=Role.ENTERPRISE, acting_user=access.user)
    return locked
