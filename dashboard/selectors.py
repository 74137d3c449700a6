"""Reads across the apps: the program's landing-page counts, a city supervisor's roll-up of its sub-regions, the
organisations taking part in a program, and the configuration and history records its pages open."""

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.utils.translation import gettext as _

from acceptance.models import PASSED_STATUSES, AcceptanceReview
from enterprises.models import EnterpriseProfile
from enterprises.selectors import enterprise_list
from filings.models import Application, Status
from organisations.models import Organisation
from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404, per_row
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.models import Industry, Program, ScenarioModule
from programs.selectors import industry_list, subregion_programs
from providers.models import PoolMembership, PoolStatus
from providers.selectors import provider_list
from subsidies.models import CalculationRun, CarriedFunding, Payment, PoolAllocation, RunCorrection, RunStatus


def industry_figures(*, access: ProgramAccess, include_inactive=False):
    """The program's industries with their scenario modules (`module_count`) and active enterprises
    (`enterprise_count`), in one query."""
    enterprises = per_row(EnterpriseProfile.objects.filter(is_active=True), Count("pk"), outer_field="industry")
    return industry_list(access=access, include_inactive=include_inactive).annotate(enterprise_count=enterprises)


def program_counts(*, program: Program) -> dict[str, int]:
    """Head counts shown on dashboards and roll-ups."""
    return {
        "enterprises": EnterpriseProfile.objects.filter(program=program, is_active=True).count(),
        "providers": PoolMembership.objects.filter(program=program).exclude(status=PoolStatus.REMOVED).count(),
        "selected_providers": PoolMembership.objects.filter(
            program=program, status__in=[PoolStatus.SELECTED, PoolStatus.WARNED]
        ).count(),
        "industries": Industry.objects.filter(program=program, is_active=True).count(),
        "scenario_modules": ScenarioModule.objects.filter(program=program, is_active=True).count(),
    }


def rollup_programs(*, access: ProgramAccess):
    """The programs of the sub-regions under the supervised program's region, with figures only (one query): head
    counts, filings submitted, approved, completed, accepted (acceptance passed), and the approved subsidy total
    of their approved or paid calculation runs. Never a record of those programs."""
    programs = subregion_programs(access=access)
    count = Count("pk")
    return programs.annotate(
        enterprise_count=per_row(EnterpriseProfile.objects.filter(is_active=True), count),
        provider_count=per_row(PoolMembership.objects.exclude(status=PoolStatus.REMOVED), count),
        filed_count=per_row(Application.objects.filter(submitted_at__isnull=False), count),
        approved_count=per_row(Application.objects.filter(status=Status.APPROVED), count),
        completed_count=per_row(Application.objects.filter(status=Status.APPROVED, completed_at__isnull=False), count),
        accepted_count=per_row(
            AcceptanceReview.objects.filter(status__in=PASSED_STATUSES),
            Count("application", distinct=True),
            outer_field="application__program",
        ),
        subsidy_total=per_row(
            CalculationRun.objects.filter(status__in=[RunStatus.APPROVED, RunStatus.PAID]),
            Sum("total"),
            empty=Value(Decimal("0")),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    )


def organisation_list(*, access: ProgramAccess, kind="", search=""):
    """Organisations taking part in the program that the caller may see: its enterprises and providers."""
    condition = Q()
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.VIEW_OWN_ENTERPRISE):
        condition |= Q(pk__in=enterprise_list(access=access).values("organisation_id"))
    if access.can(Capability.VIEW_PROVIDERS):
        condition |= Q(pk__in=provider_list(access=access).values("organisation_id"))
    if not condition:
        raise NotAllowed(_("Your roles in this program do not allow this."))
    qs = Organisation.objects.filter(condition, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(uscc__icontains=search.upper()))
    return qs.order_by("name")


def config_object_get(*, access: ProgramAccess, model, pk):
    """The configuration object `pk` of kind `model` (an industry, module, batch, calendar day or milestone
    template) in the program; 404 alike for absent and another program's."""
    return get_or_404(model.objects.filter(program=access.program), pk)


# How a history kind reaches its program, where it is not its own `program` field.
HISTORY_PROGRAM_LOOKUP = {
    Program: "pk",
    PoolAllocation: "pool__program",
    CarriedFunding: "pool__program",
    Payment: "line__run__program",
    RunCorrection: "run__program",
}


def history_scope(model_class, program) -> dict:
    """The filter that keeps a history kind to one program's rows."""
    return {HISTORY_PROGRAM_LOOKUP.get(model_class, "program"): program.pk}


def history_record_get(*, access: ProgramAccess, model_class, pk):
    """The record `pk` of kind `model_class` whose history the program's history page shows; 404 alike for absent
    and another program's."""
    return get_or_404(model_class.objects.filter(**history_scope(model_class, access.program)), pk)
