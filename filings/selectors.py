"""Reads of filings: the one scoped list (reviewer queue, an enterprise's own, a provider's), and estimates."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from filings.models import Application, ApplicationLine, Category, Part, Subcontract, overdue_q
from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.models import Batch
from subsidies.quotes import QuoteInput, quote
from supervision.models import SupervisionAssignment

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
SORTS = {
    "submitted": "submitted_at",
    "-submitted": "-submitted_at",
    "enterprise": "enterprise__organisation__name",
    "-enterprise": "-enterprise__organisation__name",
    "total": "total",
    "-total": "-total",
    "status": "status",
    "-status": "-status",
    "number": "filing_number",
    "-number": "-filing_number",
}
FILTERS = (
    "status",
    "industry",
    "township",
    "track",
    "batch",
    "provider",
    "submitted_from",
    "submitted_to",
    "search",
    "overdue",
)
TRUE_VALUES = {"1", "true", "yes", "on"}


def _sum(condition):
    """The sum of the filing's active lines meeting `condition`, as a correlated subquery: a page of 50 filings
    sums 50 filings' lines, where a grouped join would sum every filing of the program before sorting."""
    lines = (
        ApplicationLine.objects.filter(condition, application=OuterRef("pk"), is_active=True)
        .order_by()
        .values("application")
        .annotate(sum=Sum("amount"))
        .values("sum")
    )
    return Coalesce(Subquery(lines, output_field=MONEY), ZERO)


def application_list(*, access: ProgramAccess, filters=None, sort="-submitted"):
    """Filings of the program the caller may read, with their investment sums; one query per page."""
    if not access.can(Capability.VIEW_FILINGS):
        raise NotAllowed(_("Your roles in this program do not allow this."))
    qs = Application.objects.filter(program=access.program)
    if access.can(Capability.VIEW_ALL_ENTERPRISES):
        # Staff see a filing once it has been submitted; a draft is the enterprise's own business.
        qs = qs.filter(submitted_at__isnull=False)
    else:
        organisation = getattr(access.user, "organisation_id", None)
        own = Q(pk__in=[])
        if access.can(Capability.FILE):
            own |= Q(enterprise__organisation_id=organisation)
        if "provider" in access.roles:
            # The lead contractor's filings, and those where the organisation holds a subcontract.
            subcontracted = Subcontract.objects.filter(membership__organisation_id=organisation, is_active=True)
            own |= (Q(provider__organisation_id=organisation) | Q(pk__in=subcontracted.values("application_id"))) & Q(
                submitted_at__isnull=False
            )
        if "supervision_firm" in access.roles:
            assigned = SupervisionAssignment.objects.filter(organisation_id=organisation, is_active=True)
            own |= Q(pk__in=assigned.values("application_id"))
        qs = qs.filter(own) if organisation else qs.none()
    qs = _filtered(qs, filters or {})
    qs = qs.select_related(
        "enterprise__organisation", "enterprise__industry", "enterprise__township", "provider__organisation", "batch"
    ).annotate(
        total=_sum(Q()),
        n_total=_sum(Q(part=Part.N)),
        x_total=_sum(Q(part=Part.X)),
    )
    return qs.order_by(SORTS.get(sort, "-submitted_at"), "-id")


def _filtered(qs, filters):
    value = {
        key: (filters.get(key) or "").strip() if isinstance(filters.get(key), str) else filters.get(key)
        for key in FILTERS
    }
    if value["status"]:
        qs = qs.filter(status=value["status"])
    if value["industry"]:
        qs = qs.filter(enterprise__industry__code=value["industry"])
    if value["township"]:
        qs = qs.filter(enterprise__township__code=value["township"])
    if value["track"]:
        qs = qs.filter(track=value["track"])
    if value["batch"]:
        qs = qs.filter(batch__number=value["batch"])
    if value["provider"]:
        qs = qs.filter(provider_id=value["provider"])
    if value["submitted_from"]:
        qs = qs.filter(submitted_at__date__gte=value["submitted_from"])
    if value["submitted_to"]:
        qs = qs.filter(submitted_at__date__lte=value["submitted_to"])
    if value["overdue"] is True or str(value["overdue"] or "").lower() in TRUE_VALUES:
        qs = qs.filter(overdue_q(timezone.localdate()))
    if value["search"]:
        term = value["search"]
        qs = qs.filter(
            Q(enterprise__organisation__name__icontains=term)
            | Q(enterprise__organisation__uscc__icontains=term.upper())
            | Q(filing_number__icontains=term)
            | Q(title__icontains=term)
        )
    return qs


def application_get(*, access: ProgramAccess, pk) -> Application:
    return get_or_404(application_list(access=access), pk)


def application_sums(application: Application) -> dict[str, Decimal]:
    """Investment by part and category, from the active lines."""
    sums = {"N": Decimal("0"), "X": Decimal("0"), **{category: Decimal("0") for category in Category.values}}
    for line in application.lines.filter(is_active=True):
        sums[line.part] += line.amount
        sums[line.category] += line.amount
    return sums


def current_batch(program, on_date) -> Batch | None:
    """The batch whose filing window holds `on_date`, else the latest that has opened."""
    batches = Batch.objects.filter(program=program)
    return (
        batches.filter(opens_on__lte=on_date, closes_on__gte=on_date).order_by("number").first()
        or batches.filter(opens_on__lte=on_date).order_by("-number").first()
    )


def application_estimate(application: Application, *, on_date):
    """The policy engine's quote for the filing as it stands: (version, result), or a PortalError."""
    sums = application_sums(application)
    batch = application.batch or current_batch(application.program, on_date)
    profile = application.enterprise
    return quote(
        program=application.program,
        data=QuoteInput(
            track=application.track,
            industry=profile.industry.code,
            scale=profile.scale,
            batch=batch.number if batch else None,
            n_investment=sums["N"],
            x_investment=sums["X"],
            total_investment=sums["software"] + sums["hardware"],
            automation_investment=sums["automation"],
            level=None,
        ),
    )


def subcontract_list(application: Application):
    """The filing's subcontracts in force, with their subcontractors; one query however many there are."""
    return application.subcontracts.filter(is_active=True).select_related("membership__organisation").order_by("id")
