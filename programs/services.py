"""Writes to a program's configuration and roles. Each checks the actor's role and records history."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal.core.errors import Conflict, PortalError
from portal.core.roles import Capability, Role, permission_codename
from portal.core.services import record_save
from programs import selectors
from programs.access import ProgramAccess
from programs.models import Program, ProgramOrganisation, RoleAssignment
from programs.signals import role_revoked

CONFIGURABLE = ("industry", "scenariomodule", "batch", "calendarday", "milestonetemplate")


def config_save(*, access: ProgramAccess, instance, reason="", m2m=None):
    """Create or update one configuration object (industry, module, batch, calendar day) of the program.

    `m2m` maps a many-to-many field name to the values to set after saving.
    """
    access.require(Capability.CONFIGURE)
    if instance._meta.model_name not in CONFIGURABLE:
        raise PortalError(_("This object is not part of a program's configuration."))
    if instance.program_id is None:
        instance.program = access.program
    if instance.program_id != access.program.pk:
        raise PortalError(_("The object belongs to another program."))
    with transaction.atomic():
        record_save(instance, acting_user=access.user, reason=reason)
        for name, values in (m2m or {}).items():
            _check_same_program(access, values)
            getattr(instance, name).set(values)
    return instance


def config_set_active(*, access: ProgramAccess, instance, active: bool, reason=""):
    """Close (or reopen) a configuration object; nothing is deleted."""
    access.require(Capability.CONFIGURE)
    if instance.program_id != access.program.pk or not hasattr(instance, "is_active"):
        raise PortalError(_("The object belongs to another program."))
    instance.is_active = active
    return record_save(instance, acting_user=access.user, reason=reason, update_fields=["is_active", "updated_at"])


def program_update(*, access: ProgramAccess, program: Program, reason=""):
    access.require(Capability.CONFIGURE)
    if program.pk != access.program.pk:
        raise PortalError(_("The object belongs to another program."))
    return record_save(program, acting_user=access.user, reason=reason)


def role_grant(*, program: Program, user, role: str, acting_user=None, access: ProgramAccess | None = None):
    """Give `user` the `role` on `program`: a guardian permission plus the recorded assignment.

    Called with `access` from the pages and the API (the actor must manage roles, and `user` must be of an
    organisation taking part in the program or hold a role there already: anyone else gets the same refusal as
    an unknown username); without it only by the system (commands such as seed_demo, the platform operator's
    Django admin, an approved sign-up), with `acting_user` recorded as the granter. Granting a role already
    held returns the existing assignment.
    """
    if access is not None:
        access.require(Capability.MANAGE_ROLES)
        if access.program.pk != program.pk:
            raise PortalError(_("The object belongs to another program."))
        if not selectors.grantable_users(program=program).filter(pk=user.pk).exists():
            raise selectors.grantee_refusal()
        acting_user = access.user
    if role not in Role.values:
        raise PortalError(_("Unknown role “%(role)s”.") % {"role": role})
    if not user.is_active:
        raise PortalError(_("The user account is disabled."))
    with transaction.atomic():
        existing = (
            RoleAssignment.objects.select_for_update()
            .filter(program=program, user=user, role=role, revoked_at__isnull=True)
            .first()
        )
        if existing:
            return existing
        assignment = RoleAssignment(program=program, user=user, role=role, granted_by=acting_user)
        record_save(assignment, acting_user=acting_user, reason=_("Role granted"))
        assign_perm(f"programs.{permission_codename(role)}", user, program)
    return assignment


def program_organisation_register(*, program: Program, organisation, acting_user, note="") -> ProgramOrganisation:
    """Record that `organisation` takes part in `program`, so the bureau admin may give its people roles there.
    The platform operator's act (Django admin, the set-up of a program), never a bureau's: a bureau that could
    register any organisation could reach any person. Registering it again returns the existing row."""
    existing = ProgramOrganisation.objects.filter(program=program, organisation=organisation).first()
    if existing:
        return existing
    registration = ProgramOrganisation(program=program, organisation=organisation, registered_by=acting_user, note=note)
    return record_save(registration, acting_user=acting_user, reason=_("Organisation registered with the program"))


def member_onboard(
    *, access: ProgramAccess, organisation, role: str, username: str, display_name: str, email="", phone=""
) -> RoleAssignment:
    """Create the login of a person of an organisation taking part in the program and give it `role`.

    The account has no usable password: the caller shows the person's set-password link once
    (`accounts.services.password_set_path`), and the link stops working when the password is set or after
    settings.PASSWORD_RESET_TIMEOUT. A username already in use is refused as on the public sign-up pages.
    """
    access.require(Capability.MANAGE_ROLES)
    if role not in Role.values:
        raise PortalError(_("Unknown role “%(role)s”.") % {"role": role})
    if not selectors.participating_organisations(program=access.program).filter(pk=organisation.pk).exists():
        raise selectors.organisation_refusal()
    User = get_user_model()
    user = User(
        username=username.strip(),
        display_name=display_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        organisation=organisation,
    )
    user.set_unusable_password()
    with transaction.atomic():
        if User.objects.filter(username=user.username).exists():
            raise PortalError(_("This username is taken."), fields={"username": [_("Taken.")]})
        record_save(user, acting_user=access.user, reason=_("Login created by the bureau"))
        return role_grant(access=access, program=access.program, user=user, role=role)


def role_revoke(*, access: ProgramAccess, assignment: RoleAssignment, reason: str):
    """End a role assignment. The row stays, with who revoked it, when and why."""
    access.require(Capability.MANAGE_ROLES)
    if assignment.program_id != access.program.pk:
        raise PortalError(_("The object belongs to another program."))
    if not reason.strip():
        raise PortalError(_("Give the reason for revoking the role."), fields={"reason": [_("Required.")]})
    if assignment.user_id == access.user.pk and assignment.role == Role.BUREAU_ADMIN:
        raise PortalError(_("You cannot revoke your own bureau admin role; ask another admin."))
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.revoked_at is not None:
            raise Conflict(_("This role was already revoked by someone else."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = access.user
        locked.revoke_reason = reason.strip()
        record_save(locked, acting_user=access.user, reason=reason.strip())
        remove_perm(f"programs.{permission_codename(locked.role)}", locked.user, locked.program)
        # accounts ends the person's API tokens: a script running on one must not keep the access the role gave
        role_revoked.send(sender=RoleAssignment, assignment=locked, acting_user=access.user, reason=reason.strip())
    return locked


def _check_same_program(access, values):
    for value in values:
        if getattr(value, "program_id", access.program.pk) != access.program.pk:
            raise PortalError(_("The object belongs to another program."))
