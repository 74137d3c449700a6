"""Who may do what in a program: the one fetcher every program-scoped view, API view and admin goes through."""

from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.core import versions
from portal.core.errors import NotAllowed
from portal.core.roles import PUBLIC_CAPABILITIES, Capability, capabilities_of
from programs.models import Program, RoleAssignment


@dataclass(frozen=True)
class ProgramAccess:
    program: Program
    user: object
    roles: frozenset

    @property
    def capabilities(self) -> set[str]:
        return capabilities_of(self.roles)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise NotAllowed(_("Your roles in this program do not allow this."))

    @property
    def read_only(self) -> bool:
        return not self.can(Capability.CONFIGURE)


def active_assignments():
    """The one answer to "who holds which role where": role assignments not revoked. Every read of roles (access
    checks, member lists, who takes part) starts here; the guardian object permissions the role services write
    beside each assignment only let Django's `user.has_perm(..., program)` give the same answer."""
    return RoleAssignment.objects.filter(revoked_at__isnull=True)


def role_holders(*, program: Program, role: str):
    """Active users who hold `role` in `program` now (a queryset each caller narrows and orders)."""
    holding = active_assignments().filter(program=program, role=role).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=holding)


def program_roles(*, user, program: Program) -> frozenset:
    """The roles `user` holds on `program`: its active role assignments (superusers get none implicitly)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(active_assignments().filter(user=user, program=program).values_list("role", flat=True))


def programs_for_user(*, user):
    """Programs in which `user` holds any role (one query)."""
    if not user.is_authenticated or not user.is_active:
        return Program.objects.none()
    held = active_assignments().filter(user=user).values("program_id")
    return Program.objects.filter(pk__in=held).select_related("region")


class MenuProgram(NamedTuple):
    """A program as the page shell's switcher lists it, in the current language."""

    pk: int
    slug: str
    display_short_name: str
    display_name: str


def program_menu(*, user) -> list[MenuProgram]:
    """The programs of `programs_for_user`, as the switcher on every page shows them. Cached per user and
    language under the data version shared by all programs, which every role grant or revocation and every
    change to a program renews (see `ProgramsConfig.ready`)."""
    if not user.is_authenticated or not user.is_active:
        return []

    def build():
        return [
            MenuProgram(program.pk, program.slug, program.display_short_name, program.display_name)
            for program in programs_for_user(user=user)
        ]

    return versions.cached(versions.SHARED, "program-menu", (user.pk, get_language()), build)


def program_access(*, user, slug: str) -> ProgramAccess:
    """The user's access to the program `slug`; 404 alike for "no such program" and "no role in it"."""
    program = Program.objects.select_related("region").filter(slug=slug).first()
    if program is None:
        raise Http404(_("No such program."))
    roles = program_roles(user=user, program=program)
    if not roles:
        raise Http404(_("No such program."))
    return ProgramAccess(program=program, user=user, roles=roles)


def program_access_by_id(*, user, program_id) -> ProgramAccess | None:
    program = Program.objects.select_related("region").filter(pk=program_id).first()
    if program is None:
        return None
    roles = program_roles(user=user, program=program)
    return ProgramAccess(program=program, user=user, roles=roles) if roles else None


class PublicAccess(ProgramAccess):
    """A visitor of a program that publishes itself: may quote and read the public announcement, nothing else."""

    @property
    def capabilities(self):
        return set(PUBLIC_CAPABILITIES)


def member_or_public_access(*, request, slug: str, capability: str) -> ProgramAccess | None:
    """The caller's access to `capability` in program `slug`: through its roles, else as a visitor when the
    program is public and the capability is a public one. None: an anonymous visitor must log in first."""
    from django.core.exceptions import PermissionDenied

    if request.user.is_authenticated:
        program = Program.objects.select_related("region").filter(slug=slug).first()
        if program is not None and program_roles(user=request.user, program=program):
            access = program_access(user=request.user, slug=slug)
            try:
                access.require(capability)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error
            return access
    program = Program.objects.select_related("region").filter(slug=slug, is_public=True).first()
    if program is None or capability not in PUBLIC_CAPABILITIES:
        if not request.user.is_authenticated:
            return None
        raise Http404
    return PublicAccess(program=program, user=request.user, roles=frozenset())
