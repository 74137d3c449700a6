"""Reads of sample enterprises (样本企业) and the "learn from samples" gallery (看样学样): the quota, the
applications a caller may see, the active samples with everything their cards show, and the project card.

A gallery page costs the same queries for 1 sample as for 20: every relation is joined or prefetched."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from acceptance.models import PASSED_STATUSES, AcceptanceReview
from enterprises.models import EnterpriseProfile
from filings.models import Application, ApplicationLine, Category
from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.models import Industry
from samples.models import (
    LIVE_SAMPLE_STATUSES,
    OPEN_SAMPLE_STATUSES,
    SampleApplication,
    SampleCopy,
    SampleDesignation,
    SamplePhoto,
)

ZERO = Decimal("0.00")


# --- quota ------------------------------------------------------------------------------------------------


def sample_quota(*, program) -> dict[str, int]:
    """{industry code: most sample enterprises} from the active policy's `sample_quota` table; {} where the
    program has no active policy or the policy sets no quota (then any number may be designated)."""
    from policies.selectors import policy_snapshot, policy_version_for_quote

    try:
        version = policy_version_for_quote(program=program)
    except PortalError:
        return {}
    table = policy_snapshot(version=version).params.get("sample_quota") or {}
    return {code: int(value) for code, value in table.items() if value is not None}


def active_sample_count(*, program, industry_id) -> int:
    return SampleDesignation.objects.filter(program=program, industry_id=industry_id, is_active=True).count()


def require_designated_sample(*, program, application) -> None:
    """The sample award's condition (registered with `subsidies.runs.award_condition_register`): the project holds
    an active sample designation of `program`."""
    if not SampleDesignation.objects.filter(program=program, application=application, is_active=True).exists():
        message = _(
            "Only a designated sample enterprise gets the sample award: designate the project's enterprise a sample "
            "first (sample applications)."
        )
        raise PortalError(message, fields={"application": [message]})


def project_accepted(application) -> bool:
    """True when the project's acceptance review has passed (passed, announcing, on hold or announced)."""
    return AcceptanceReview.objects.filter(application=application, status__in=PASSED_STATUSES).exists()


# --- applications -----------------------------------------------------------------------------------------


def _visible_applications(access: ProgramAccess):
    """The sample applications the caller may open: all of the program for staff readers; an enterprise's own
    projects'; the projects a provider implements (lead contractor)."""
    access.require(Capability.VIEW_SAMPLES)
    qs = SampleApplication.objects.filter(program=access.program)
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.MANAGE_SAMPLES):
        return qs
    organisation = access.user.organisation_id
    if organisation is None:
        return qs.none()
    mine = Q(pk__in=[])
    if access.can(Capability.APPLY_SAMPLE):
        mine |= Q(application__enterprise__organisation_id=organisation)
    if access.can(Capability.COSIGN_SAMPLE):
        mine |= Q(application__provider__organisation_id=organisation)
    return qs.filter(mine)


def _application_relations(qs):
    return qs.select_related(
        "application__enterprise__organisation",
        "application__enterprise__township",
        "application__provider__organisation",
        "industry",
        "applied_by",
        "cosigned_by",
        "decided_by",
    )


def sample_application_list(*, access: ProgramAccess, status: str = ""):
    """The applications the caller may see, newest first; `status` filters (blank: all; "open": still open)."""
    qs = _visible_applications(access)
    if status == "open":
        qs = qs.filter(status__in=OPEN_SAMPLE_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return _application_relations(qs).order_by("-created_at", "-pk")


def sample_application_get(*, access: ProgramAccess, pk) -> SampleApplication:
    """One application the caller may see, with its check and photos; 404 alike for absent, another program's
    and not the caller's."""
    qs = _application_relations(_visible_applications(access)).select_related("site_check__recorded_by")
    qs = qs.prefetch_related(
        Prefetch("photos", queryset=SamplePhoto.objects.filter(is_active=True), to_attr="active_photos"),
        Prefetch(
            "designations",
            queryset=SampleDesignation.objects.select_related("designated_by", "revoked_by").order_by("-created_at"),
            to_attr="all_designations",
        ),
    )
    return get_or_404(qs, pk)


def sample_photo_get(*, sample_application: SampleApplication, pk) -> SamplePhoto:
    return get_or_404(SamplePhoto.objects.filter(sample_application=sample_application, is_active=True), pk)


def apply_candidates(*, access: ProgramAccess):
    """The caller's own accepted projects that hold no live sample application: what it may apply with."""
    access.require(Capability.APPLY_SAMPLE)
    live = SampleApplication.objects.filter(application=OuterRef("pk"), status__in=LIVE_SAMPLE_STATUSES)
    accepted = AcceptanceReview.objects.filter(application=OuterRef("pk"), status__in=PASSED_STATUSES)
    return (
        Application.objects.filter(program=access.program, enterprise__organisation_id=access.user.organisation_id or 0)
        .filter(Exists(accepted))
        .exclude(Exists(live))
        .select_related("enterprise__organisation")
        .order_by("-pk")
    )


# --- the gallery ------------------------------------------------------------------------------------------


def _gallery_relations(qs):
    lines = ApplicationLine.objects.filter(is_active=True).select_related("module").order_by("part", "id")
    reviews = AcceptanceReview.objects.filter(status__in=PASSED_STATUSES).order_by("-created_at", "-id")
    photos = SamplePhoto.objects.filter(is_active=True).order_by("id")
    return (
        qs.select_related(
            "industry",
            "sample_application",
            "application__enterprise__organisation",
            "application__enterprise__township",
            "application__provider__organisation",
        )
        .prefetch_related(
            Prefetch("application__lines", queryset=lines, to_attr="active_lines"),
            Prefetch("application__acceptance_reviews", queryset=reviews, to_attr="accepted_reviews"),
            Prefetch("sample_application__photos", queryset=photos, to_attr="active_photos"),
        )
        .annotate(copy_count=Count("copies", distinct=True))
    )


@dataclass(frozen=True)
class SampleFigures:
    """What a sample's card adds up from its project's active lines."""

    total: Decimal
    hardware: Decimal
    n_total: Decimal
    x_total: Decimal


def sample_figures(sample: SampleDesignation) -> SampleFigures:
    lines = sample.application.active_lines
    return SampleFigures(
        total=sum((line.amount for line in lines), ZERO),
        hardware=sum((line.amount for line in lines if line.category == Category.HARDWARE), ZERO),
        n_total=sum((line.amount for line in lines if line.part == "N"), ZERO),
        x_total=sum((line.amount for line in lines if line.part == "X"), ZERO),
    )


def sample_gallery(*, access: ProgramAccess, industry: str = ""):
    """The program's active sample enterprises; `industry` (a code) narrows to one industry."""
    access.require(Capability.VIEW_SAMPLES)
    qs = SampleDesignation.objects.filter(program=access.program, is_active=True)
    if industry:
        qs = qs.filter(industry__code=industry)
    return _gallery_relations(qs).order_by("industry__sort_order", "industry__code", "-created_at", "-pk")


def sample_get(*, access: ProgramAccess, pk) -> SampleDesignation:
    """One active sample of the program; the bureau also opens revoked ones. 404 alike for absent and another
    program's."""
    access.require(Capability.VIEW_SAMPLES)
    qs = SampleDesignation.objects.filter(program=access.program)
    if not access.can(Capability.MANAGE_SAMPLES):
        qs = qs.filter(is_active=True)
    return get_or_404(_gallery_relations(qs).select_related("designated_by"), pk)


def sample_gallery_industries(*, program):
    """The program's active industries, each with `sample_count` (its active samples): one query."""
    return (
        Industry.objects.filter(program=program, is_active=True)
        .annotate(sample_count=Count("sample_designations", filter=Q(sample_designations__is_active=True)))
        .order_by("sort_order", "code")
    )


def own_profile(*, access: ProgramAccess) -> EnterpriseProfile | None:
    """The caller's own active enterprise profile in the program (enterprise users), or None."""
    if not access.can(Capability.VIEW_OWN_ENTERPRISE) or access.user.organisation_id is None:
        return None
    return (
        EnterpriseProfile.objects.filter(
            program=access.program, organisation_id=access.user.organisation_id, is_active=True
        )
        .select_related("industry")
        .order_by("pk")
        .first()
    )


def sample_copies(sample: SampleDesignation):
    """The filings started from `sample`, newest first (for the bureau)."""
    return SampleCopy.objects.filter(sample=sample).select_related("application__enterprise__organisation", "copied_by")


# --- the project page's card ------------------------------------------------------------------------------


def project_sample_card(*, access: ProgramAccess, application) -> dict | None:
    """What the filing page shows about samples: the project's latest sample application (with its active
    designation), whether its owner may apply, and the sample it was started from. Two queries at most."""
    if not access.can(Capability.VIEW_SAMPLES):
        return None
    copies = SampleCopy.objects.filter(application=OuterRef("pk"))
    row = (
        Application.objects.filter(pk=application.pk)
        .annotate(
            is_accepted=Exists(AcceptanceReview.objects.filter(application=OuterRef("pk"), status__in=PASSED_STATUSES)),
            copied_sample=Subquery(copies.values("sample_id")[:1]),
            copied_sample_active=Subquery(copies.values("sample__is_active")[:1]),
            copied_title=Subquery(copies.values("sample__application__title")[:1]),
            copied_enterprise=Subquery(copies.values("sample__application__enterprise__organisation__name")[:1]),
        )
        .values("is_accepted", "copied_sample", "copied_sample_active", "copied_title", "copied_enterprise")
        .first()
    )
    if row is None:
        return None
    current = (
        _visible_applications(access)
        .filter(application=application)
        .annotate(
            active_sample=Subquery(
                SampleDesignation.objects.filter(sample_application=OuterRef("pk"), is_active=True).values("pk")[:1]
            )
        )
        .order_by("-created_at", "-pk")
        .first()
        if row["is_accepted"]
        else None
    )
    owner = application.enterprise.organisation_id == access.user.organisation_id
    may_apply = (
        row["is_accepted"]
        and owner
        and access.can(Capability.APPLY_SAMPLE)
        and (current is None or current.status not in LIVE_SAMPLE_STATUSES)
    )
    if current is None and not may_apply and row["copied_sample"] is None:
        return None
    return {"current": current, "may_apply": may_apply, **row}
