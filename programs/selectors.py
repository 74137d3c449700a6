"""Reads of program data. Every list is scoped to one program the caller already has access to."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Value
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisations.models import Organisation
from portal.core.errors import PortalError
from portal.core.queries import get_or_404, per_row
from portal.core.roles import Capability
from programs import participants
from programs.access import ProgramAccess, active_assignments
from programs.models import (
    Batch,
    CalendarDay,
    Industry,
    Program,
    ProgramOrganisation,
    ProgramStatus,
    Region,
    RegionLevel,
    RoleAssignment,
    ScenarioModule,
)

# Acceptance passed: passed, in or after the public announcement, or held on an objection (as the rankings count it)


def industry_list(*, access: ProgramAccess, include_inactive=False, with_counts=True):
    """The program's industries; `with_counts` adds module_count (the scenario modules serving each; one more
    query). Their enterprises are counted on top of this (`dashboard.selectors.industry_figures`)."""
    access.require(Capability.VIEW_REFERENCE)
    qs = Industry.objects.filter(program=access.program).order_by("sort_order", "code")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if not with_counts:
        return qs
    # A module tied to no industry serves every industry of the program.
    shared = ScenarioModule.objects.filter(program=access.program, is_active=True, industries__isnull=True).count()
    # Counted apart (a correlated subquery): a join would multiply the rows of other figures added on top.
    return qs.annotate(
        module_count=per_row(
            ScenarioModule.industries.through.objects.filter(scenariomodule__is_active=True),
            Count("pk"),
            outer_field="industry",
        )
        + Value(shared),
    )


def scenario_module_list(*, access: ProgramAccess, kind="", category="", search="", include_inactive=False):
    access.require(Capability.VIEW_REFERENCE)
    qs = ScenarioModule.objects.filter(program=access.program).prefetch_related("industries")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search) | Q(name_en__icontains=search))
    return qs


def scenario_module_categories(*, access: ProgramAccess) -> list[tuple[str, str]]:
    """(category, label in the current language) in catalogue order; the filter matches the category."""
    access.require(Capability.VIEW_REFERENCE)
    english = (get_language() or "").startswith("en")
    rows = ScenarioModule.objects.filter(program=access.program, is_active=True).order_by("number")
    seen: dict[str, str] = {}
    for category, category_en in rows.values_list("category", "category_en"):
        seen.setdefault(category, (category_en or category) if english else category)
    return list(seen.items())


def scenario_module_get(*, access: ProgramAccess, pk) -> ScenarioModule:
    return get_or_404(scenario_module_list(access=access, include_inactive=True), pk)


def batch_list(*, access: ProgramAccess):
    access.require(Capability.VIEW_REFERENCE)
    return Batch.objects.filter(program=access.program)


def _batch_holding(batches, day) -> Batch | None:
    """Of `batches`, the first by number whose filing window holds `day`."""
    holding = [batch for batch in batches if batch.opens_on <= day <= batch.closes_on]
    return min(holding, key=lambda batch: batch.number) if holding else None


def open_batch(program, day) -> Batch | None:
    """The batch whose filing window holds `day`, in a program that is running on `day`; else None."""
    if program.status != ProgramStatus.ACTIVE or day < program.starts_on:
        return None
    if program.ends_on is not None and day > program.ends_on:
        return None
    return _batch_holding(Batch.objects.filter(program=program), day)


def current_batch(program, day, *, batches=None) -> Batch | None:
    """The batch a filing of `day` belongs to: the one whose window holds the day (the first by number), else the
    latest that opened. `batches`: the program's batches already read, shared by a list's rows."""
    batches = list(Batch.objects.filter(program=program)) if batches is None else batches
    holding = _batch_holding(batches, day)
    if holding is not None:
        return holding
    opened = [batch for batch in batches if batch.opens_on <= day]
    return max(opened, key=lambda batch: batch.number) if opened else None


def calendar_day_list(*, access: ProgramAccess, include_inactive=False):
    access.require(Capability.VIEW_REFERENCE)
    qs = CalendarDay.objects.filter(program=access.program)
    return qs if include_inactive else qs.filter(is_active=True)


def township_list(*, access: ProgramAccess):
    """Townships (乡镇、街道、开发区) inside the program's region."""
    access.require(Capability.VIEW_REFERENCE)
    return Region.objects.filter(path__startswith=access.program.region.path, level=RegionLevel.TOWNSHIP)


def program_fresh(*, access: ProgramAccess) -> Program:
    """A fresh copy of the program, as the database holds it now, for its settings to change or show."""
    return Program.objects.get(pk=access.program.pk)


def published_program(*, slug: str) -> Program | None:
    """The program `slug` when it takes public registrations (published and running), its region joined; None
    otherwise."""
    return (
        Program.objects.select_related("region").filter(slug=slug, is_public=True, status=ProgramStatus.ACTIVE).first()
    )


def signup_townships(*, program: Program):
    """The townships inside the program's region that a person may register an enterprise in (no access needed:
    the sign-up is public)."""
    return Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.TOWNSHIP)


def public_industry_list(*, program: Program):
    """The program's open industries, for the pages anyone may open (the sign-up, the subsidy quote): no access
    check."""
    return Industry.objects.filter(program=program, is_active=True)


def industry_names(*, program: Program) -> dict[str, str]:
    """The names of the program's industries (closed ones too) by code, to label policy tables."""
    return dict(Industry.objects.filter(program=program).values_list("code", "name"))


def role_assignment_list(*, access: ProgramAccess, include_revoked=False):
    access.require(Capability.VIEW_MEMBERS)
    qs = RoleAssignment.objects if include_revoked else active_assignments()
    return qs.filter(program=access.program).select_related("user", "user__organisation", "granted_by", "revoked_by")


def participating_organisations(*, program: Program):
    """The organisations taking part in `program`, the one definition role grants go by: those the platform
    registered with it (expert institutes, audit firms, associations, other bureaus), those whose people hold a
    role there now (the bureau itself, the experts' institutes), the enterprises with an active profile, the
    providers of its pool (removed ones excepted) and the supervision firms assigned to its projects."""
    sources = [
        ProgramOrganisation.objects.filter(program=program).values("organisation_id"),
        active_assignments().filter(program=program).values("user__organisation_id"),
        *participants.sources(program),  # enterprises, the pool's providers, supervision firms (their apps')
    ]
    taking_part = Q()
    for source in sources:
        taking_part |= Q(pk__in=source)
    return Organisation.objects.filter(taking_part, is_active=True).order_by("name")


def organisation_refusal() -> PortalError:
    """The answer for an organisation that does not take part in the program, or that does not exist."""
    message = _("This organisation does not take part in the program.")
    return PortalError(message, fields={"organisation": [message]})


def grantable_users(*, program: Program):
    """The active people a bureau admin may give a role in `program`: of an organisation taking part in it, or
    holding a role there already."""
    members = active_assignments().filter(program=program).values("user_id")
    return get_user_model().objects.filter(
        Q(organisation__in=participating_organisations(program=program)) | Q(pk__in=members), is_active=True
    )


def grantee_refusal() -> PortalError:
    """The one answer for a username nobody has, a disabled login and a person outside the program alike: the
    grant form must not tell a bureau which accounts exist elsewhere on the platform."""
    message = _("No one in this program's organisations has this username.")
    return PortalError(message, fields={"username": [message]})


def grantee_get(*, access: ProgramAccess, username: str):
    """The person named `username` the actor may give a role in its program; `grantee_refusal()` otherwise."""
    access.require(Capability.MANAGE_ROLES)
    user = grantable_users(program=access.program).filter(username=username.strip()).first()
    if user is None:
        raise grantee_refusal()
    return user


def subregion_programs(*, access: ProgramAccess):
    """The programs of the sub-regions under the supervised program's region (a city supervisor's roll-up), the
    program itself left out: their names and regions only, never a record of them."""
    access.require(Capability.VIEW_ROLLUP)
    return (
        Program.objects.filter(region__path__startswith=access.program.region.path)
        .exclude(pk=access.program.pk)
        .select_related("region")
        .order_by("region__path", "slug")
    )
