"""Reads on the solution library: the published library with its filters, one solution as the caller may
see it, a provider's own solutions, and the program's industries and modules the library offers. A page costs
the same queries for 1 solution as for 20."""

from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from enterprises.models import EnterpriseProfile
from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.models import Industry, ScenarioModule
from providers.models import Solution, SolutionAward, SolutionStatus

FILTERS = ("industry", "deployment", "max_price", "module", "search")


def _with_relations(qs):
    return qs.select_related("membership__organisation").prefetch_related(
        "industries",
        "modules",
        Prefetch("awards", queryset=SolutionAward.objects.filter(is_active=True), to_attr="active_awards"),
    )


def parse_max_price(value) -> Decimal | None:
    """The `max_price` filter as Decimal yuan; blank is no filter, anything else unreadable is a field error."""
    text = str(value or "").replace(",", "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        message = _("Enter an amount in yuan.")
        raise PortalError(message, fields={"max_price": [message]})
    return amount


def solution_library(*, access: ProgramAccess, industry="", deployment="", max_price=None, module="", search=""):
    """Published solutions of the program. `industry` and `module` are codes; `max_price` keeps the solutions
    whose price starts at or below it (those priced on request are left out); `search` matches the name."""
    access.require(Capability.VIEW_SOLUTIONS)
    qs = Solution.objects.filter(program=access.program, status=SolutionStatus.PUBLISHED)
    if industry:
        qs = qs.filter(pk__in=Solution.industries.through.objects.filter(industry__code=industry).values("solution"))
    if module:
        qs = qs.filter(pk__in=Solution.modules.through.objects.filter(scenariomodule__code=module).values("solution"))
    if deployment:
        qs = qs.filter(deployment=deployment)
    if max_price is not None:
        qs = qs.filter(Q(price_min__lte=max_price) | Q(price_min__isnull=True, price_max__lte=max_price))
    if search:
        qs = qs.filter(name__icontains=search)
    return _with_relations(qs).order_by("name", "pk")


def solutions_visible(*, access: ProgramAccess):
    """Every solution the caller may open: published ones; also withdrawn ones for bureau and audit roles; and
    all of its own organisation's for a provider."""
    access.require(Capability.VIEW_SOLUTIONS)
    visible = Q(status=SolutionStatus.PUBLISHED)
    if access.can(Capability.VIEW_ALL_ENTERPRISES):
        visible |= Q(status=SolutionStatus.WITHDRAWN)
    if access.can(Capability.PUBLISH_SOLUTION):
        visible |= Q(membership__organisation_id=access.user.organisation_id)
    return _with_relations(Solution.objects.filter(visible, program=access.program))


def solution_get(*, access: ProgramAccess, pk) -> Solution:
    """One solution the caller may see; 404 alike for absent, another program's and not visible."""
    return get_or_404(solutions_visible(access=access), pk)


def own_solutions(*, access: ProgramAccess):
    """The caller's organisation's solutions in the program, every status, newest change first."""
    access.require(Capability.PUBLISH_SOLUTION)
    qs = Solution.objects.filter(program=access.program, membership__organisation_id=access.user.organisation_id)
    return _with_relations(qs).order_by("-updated_at", "-pk")


def own_solution_get(*, access: ProgramAccess, pk) -> Solution:
    return get_or_404(own_solutions(access=access), pk)


def award_get(*, access: ProgramAccess, solution: Solution, pk) -> SolutionAward:
    return get_or_404(SolutionAward.objects.filter(solution=solution, solution__program=access.program), pk)


def awards_of(solution: Solution):
    """Every award decision on the solution, active or withdrawn, newest first."""
    return solution.awards.select_related("granted_by").order_by("-decided_on", "-pk")


def own_industry(*, access: ProgramAccess):
    """The industry of the caller's own enterprise in the program (enterprise users), or None."""
    if not access.can(Capability.VIEW_OWN_ENTERPRISE) or access.user.organisation_id is None:
        return None
    profile = (
        EnterpriseProfile.objects.filter(program=access.program, organisation_id=access.user.organisation_id)
        .select_related("industry")
        .order_by("pk")
        .first()
    )
    return profile.industry if profile is not None else None


def library_industries(program):
    """The program's industries in force, as the library's filter lists them."""
    return Industry.objects.filter(program=program, is_active=True).order_by("sort_order", "code")


def library_modules(program):
    """The program's scenario modules in force, as the library's filter lists them."""
    return ScenarioModule.objects.filter(program=program, is_active=True).order_by("number")


def rows_by_code(*, program, model, codes) -> dict:
    """{code: row} of the program's rows of `model` (industries, scenario modules) among `codes`."""
    return {row.code: row for row in model.objects.filter(program=program, code__in=codes)}


def active_award(solution: Solution) -> SolutionAward | None:
    return solution.awards.filter(is_active=True).first()
