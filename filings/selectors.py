"""Reads of filings: the one scoped list (reviewer queue, an enterprise's own, a provider's), and estimates."""

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from filings.models import (
    Application,
    ApplicationLine,
    Attachment,
    AttachmentKind,
    Category,
    Part,
    Subcontract,
    overdue_q,
)
from policies.facts import amounts_from_lines, investment_facts
from policies.quotes import QuoteInput, quote
from policies.selectors import active_track_list, policy_version_for_quote
from portal.core import versions
from portal.core.errors import NotAllowed
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.models import Batch, Industry, Region, RegionLevel, ScenarioModule
from programs.selectors import current_batch
from providers.models import PoolMembership

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


# Filings an organisation sees through a role that another app owns (a supervision firm: the projects it is
# assigned to): role → function(organisation id) → a queryset of filing ids. The owning app registers in ready().
ROLE_VISIBILITY = {}


def visible_through(role: str, filings_of) -> None:
    ROLE_VISIBILITY[role] = filings_of


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
    qs = _visible(access, filters).select_related(
        "enterprise__organisation", "enterprise__industry", "enterprise__township", "provider__organisation", "batch"
    )
    qs = qs.annotate(total=_sum(Q()), n_total=_sum(Q(part=Part.N)), x_total=_sum(Q(part=Part.X)))
    return qs.order_by(SORTS.get(sort, "-submitted_at"), "-id")


def queue_keys(*, access: ProgramAccess, filters=None, sort="-submitted"):
    """The filings of `application_list`, in its order, without its joins and sums (unless the order needs
    them): what the queue pages by key before `queue_rows` reads the 50 rows shown."""
    qs = _visible(access, filters)
    order = SORTS.get(sort, "-submitted_at")
    if order.lstrip("-") == "total":
        qs = qs.annotate(total=_sum(Q()))
    return qs.order_by(order, "-id")


def _visible(access: ProgramAccess, filters):
    """The filings the caller may read, filtered: staff read every submitted one, the others their own."""
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
        for role, filings_of in ROLE_VISIBILITY.items():
            if role in access.roles:
                own |= Q(pk__in=filings_of(organisation))
        qs = qs.filter(own) if organisation else qs.none()
    return _filtered(qs, filters or {})


def _filter_values(filters) -> dict:
    return {
        key: (filters.get(key) or "").strip() if isinstance(filters.get(key), str) else filters.get(key)
        for key in FILTERS
    }


def _filtered(qs, filters):
    value = _filter_values(filters)
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


def application_count(*, access: ProgramAccess, filters=None) -> int:
    """How many filings `application_list` gives for these filters. Counting scans every filing the filters keep
    (25,000 in a large program), so the count is cached under the program's data version (`portal.core.versions`:
    any change to what the list reads makes it stale at once, see `FilingsConfig.ready`)."""
    organisation = None if access.can(Capability.VIEW_ALL_ENTERPRISES) else getattr(access.user, "organisation_id", 0)
    scope = (sorted(access.roles), organisation, sorted(_filter_values(filters or {}).items()), timezone.localdate())
    return versions.cached(access.program.pk, "filings-count", scope, lambda: _visible(access, filters).count())


class QueueRow(NamedTuple):
    """One row of the reviewer's queue: what the page shows of a filing, as plain values."""

    pk: int
    filing_number: str
    title: str
    status: str
    track: str
    submitted_at: datetime | None
    implementation_deadline: date | None
    completed_at: datetime | None
    enterprise: str
    uscc: str
    provider: str | None
    total: Decimal
    n_total: Decimal
    x_total: Decimal
    industry: str
    township: str | None
    batch: str | None


QUEUE_COLUMNS = (
    "pk",
    "filing_number",
    "title",
    "status",
    "track",
    "submitted_at",
    "implementation_deadline",
    "completed_at",
    "enterprise__organisation__name",
    "enterprise__organisation__uscc",
    "provider__organisation__name",
    "total",
    "n_total",
    "x_total",
    "enterprise__industry_id",
    "enterprise__township_id",
    "batch_id",
)


def queue_rows(keys, *, reference: dict) -> list[QueueRow]:
    """The queue's rows of these filings (keys already scoped by `queue_keys`), in the order of `keys`.

    One query of plain values joining only the organisations: industry, township and batch names come from
    `reference` (`queue_reference`). Each further join costs the planner more than the database spends reading
    50 rows, and seven model instances per row cost more than both."""
    found = list(_queue_values().filter(pk__in=keys))
    industries = _names(reference["industry_names"], Industry, {row[-3] for row in found})
    # An enterprise may be registered in a township outside the program's region.
    townships = _names(reference["township_names"], Region, {row[-2] for row in found})
    batches = _names(reference["batch_names"], Batch, {row[-1] for row in found})
    by_key = {}
    for *shown, industry, township, batch in found:
        by_key[shown[0]] = QueueRow(*shown, industries[industry], townships.get(township), batches.get(batch))
    return [by_key[key] for key in keys if key in by_key]


@functools.cache
def _queue_values():
    """The query of `queue_rows` short of its keys, built once: building its three sums costs as much as
    running it. Its last three columns are the ids whose names `queue_rows` looks up."""
    return (
        Application.objects.annotate(total=_sum(Q()), n_total=_sum(Q(part=Part.N)), x_total=_sum(Q(part=Part.X)))
        .order_by()
        .values_list(*QUEUE_COLUMNS)
    )


def _names(known: dict, model, ids: set) -> dict:
    """`known` names by id, completed from the database with any of `ids` it lacks."""
    missing = {pk for pk in ids if pk is not None and pk not in known}
    if not missing:
        return known
    found = model.objects.filter(pk__in=missing)
    return {**known, **{row.pk: getattr(row, "display_name", None) or row.name for row in found}}


def queue_reference(*, program) -> dict:
    """What the queue shows of the program's reference data, in the current language: the filter choices as
    (value, label) pairs (active industries, townships, tracks of the active policy, providers of the pool) and
    the names of industries, townships and batches by id. Cached under the program's data version."""

    def build():
        industries = list(Industry.objects.filter(program=program))
        townships = list(Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.TOWNSHIP))
        tracks = active_track_list(program=program)
        providers = PoolMembership.objects.filter(program=program).select_related("organisation")
        return {
            "industries": [(industry.code, industry.display_name) for industry in industries if industry.is_active],
            "townships": [(township.code, township.display_name) for township in townships],
            "tracks": [(track.code, track.name) for track in tracks],
            "providers": [(str(membership.pk), membership.organisation.name) for membership in providers],
            "industry_names": {industry.pk: industry.display_name for industry in industries},
            "township_names": {township.pk: township.display_name for township in townships},
            "batch_names": dict(Batch.objects.filter(program=program).values_list("pk", "name")),
        }

    return versions.cached(program.pk, "filings-queue-reference", get_language(), build)


def application_get(*, access: ProgramAccess, pk) -> Application:
    return get_or_404(application_list(access=access), pk)


def application_sums(application: Application) -> dict[str, Decimal]:
    """Investment by part and category, from the active lines."""
    sums = {"N": Decimal("0"), "X": Decimal("0"), **{category: Decimal("0") for category in Category.values}}
    for line in application.lines.filter(is_active=True):
        sums[line.part] += line.amount
        sums[line.category] += line.amount
    return sums


def priced_version(application: Application):
    """The policy version the filing is priced under: fixed at approval, else the program's active one."""
    return application.policy_version or policy_version_for_quote(program=application.program)


def application_estimate(application: Application, *, on_date):
    """The policy engine's quote for the filing as it stands: (version, result), or a PortalError. Priced under
    its own version once approved; the stated target level stands in for the assessed one, and `on_date` for
    the acceptance date still to come (`engine.Facts.quoted_on`: a warning, not a refusal, where it falls
    outside a pilot's years)."""
    batch = application.batch or current_batch(application.program, on_date)
    profile = application.enterprise
    lines = application.lines.filter(is_active=True).only("part", "category", "amount")
    return quote(
        program=application.program,
        data=QuoteInput(
            track=application.track,
            industry=profile.industry.code,
            scale=profile.scale,
            batch=batch.number if batch else None,
            level=application.target_level,
            quoted_on=on_date,
            version=priced_version(application).code,
            **investment_facts(amounts_from_lines(lines)),
        ),
    )


def duplicate_contracts(application: Application, *, access: ProgramAccess) -> dict[int, list[str]]:
    """{attachment id: where else the same contract file (by content) was filed}, for the filing's reviewers:
    filings of this program by number or title, a filing of another program only as such (nothing of another
    tenant is named). One query."""
    if not access.can(Capability.REVIEW):
        return {}
    own = {
        item.pk: item.sha256
        for item in application.attachments.filter(kind=AttachmentKind.CONTRACT, is_active=True).only("sha256")
    }
    if not own:
        return {}
    others = (
        Attachment.objects.filter(kind=AttachmentKind.CONTRACT, is_active=True, sha256__in=set(own.values()))
        .exclude(application=application)
        .values_list("sha256", "application__program_id", "application__filing_number", "application__title")
    )
    found: dict[str, list[str]] = {}
    for sha256, program_id, number, title in others:
        where = number or title if program_id == access.program.pk else _("a filing of another program")
        if where not in found.setdefault(sha256, []):
            found[sha256].append(str(where))
    return {pk: found[sha256] for pk, sha256 in own.items() if sha256 in found}


def subcontract_list(application: Application):
    """The filing's subcontracts in force, with their subcontractors; one query however many there are."""
    return application.subcontracts.filter(is_active=True).select_related("membership__organisation").order_by("id")


def acts_as_owner(access: ProgramAccess, application: Application, capability=None) -> bool:
    """The caller speaks for the project's enterprise (its organisation is the enterprise's), holding
    `capability` when one is named."""
    organisation = getattr(access.user, "organisation_id", None)
    return (
        (capability is None or access.can(capability))
        and organisation is not None
        and application.enterprise.organisation_id == organisation
    )


def acts_as_implementer(access: ProgramAccess, application: Application, capability=None) -> bool:
    """The caller speaks for the project's provider (lead contractor), holding `capability` when one is named."""
    organisation = getattr(access.user, "organisation_id", None)
    return (
        (capability is None or access.can(capability))
        and organisation is not None
        and application.provider_id is not None
        and application.provider.organisation_id == organisation
    )


def application_fresh(*, access: ProgramAccess, pk) -> Application:
    """The program's application `pk` as the database holds it now (after a service changed it), nothing joined."""
    return Application.objects.get(program=access.program, pk=pk)


def pool_memberships_by_id(*, access: ProgramAccess, ids) -> dict[int, PoolMembership]:
    """The program's pool memberships among `ids`, by id; ids outside the program's pool are left out."""
    return {
        membership.pk: membership for membership in PoolMembership.objects.filter(program=access.program, pk__in=ids)
    }


def pool_membership_find(*, access: ProgramAccess, pk) -> PoolMembership | None:
    """The program's pool membership `pk` named in a filing, None when it is not in the program's pool."""
    return PoolMembership.objects.filter(program=access.program, pk=pk).first()


def scenario_module_find(*, access: ProgramAccess, pk) -> ScenarioModule | None:
    """The program's scenario module `pk` named on a filing's line (closed ones too), None when it is not the
    program's."""
    return ScenarioModule.objects.filter(program=access.program, pk=pk).first()
