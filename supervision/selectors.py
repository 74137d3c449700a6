"""Reads of supervision (全过程监理): the assignments a caller may see, one project's supervision, the firms the
bureau may assign, and the open rectifications that gate an acceptance request.

Who sees what: staff readers every project of the program; a supervision firm's users the projects their
organisation is assigned to now (an ended assignment hides the project again); the lead contractor and the
enterprise their own projects."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from filings.models import Application
from filings.selectors import application_list
from organisations.models import Organisation, OrganisationKind
from portal.core.queries import get_or_404
from portal.core.roles import Capability, Role
from programs.access import ProgramAccess, active_assignments
from supervision.models import (
    Inspection,
    InspectionPhoto,
    Rectification,
    RectificationEvent,
    SupervisionAssignment,
    blocking_rectifications_q,
    open_rectifications_q,
)

ASSIGNMENT_STATES = ("active", "ended", "all")


def projects_q(access: ProgramAccess, prefix: str = "") -> Q:
    """The caller's projects (as a filter on Application, or through `prefix`) whose supervision it may read."""
    if access.can(Capability.VIEW_ALL_ENTERPRISES):
        return Q()
    organisation = getattr(access.user, "organisation_id", None)
    none = Q(**{f"{prefix}pk__in": []})
    if not organisation:
        return none
    found = none
    if Role.SUPERVISION_FIRM in access.roles:
        assigned = SupervisionAssignment.objects.filter(organisation_id=organisation, is_active=True)
        found |= Q(**{f"{prefix}pk__in": assigned.values("application_id")})
    if Role.PROVIDER in access.roles:
        found |= Q(**{f"{prefix}provider__organisation_id": organisation})
    if Role.ENTERPRISE in access.roles:
        found |= Q(**{f"{prefix}enterprise__organisation_id": organisation})
    return found


def assignment_list(*, access: ProgramAccess, filters=None):
    """The program's assignments the caller may see, newest first, each with `open_count` and `overdue_count`
    (the project's rectifications not closed, and those of them past their deadline): one query per page.

    filters: `state` active (default) / ended / all, `firm` (organisation id), `open` ("1": only projects with
    open rectifications), `search` (project title, filing number, enterprise)."""
    access.require(Capability.VIEW_SUPERVISION)
    filters = filters or {}
    today = timezone.localdate()
    qs = SupervisionAssignment.objects.filter(program=access.program).filter(projects_q(access, "application__"))
    if Role.SUPERVISION_FIRM in access.roles and not access.can(Capability.VIEW_ALL_ENTERPRISES):
        # A firm lists its own assignments, not those of another firm that came before it on the project.
        qs = qs.filter(organisation_id=access.user.organisation_id, is_active=True)
    state = filters.get("state") or "active"
    if state == "active":
        qs = qs.filter(is_active=True)
    elif state == "ended":
        qs = qs.filter(is_active=False)
    firm = str(filters.get("firm") or "")
    if firm.isdigit() and int(firm) < 2**63:
        qs = qs.filter(organisation_id=int(firm))
    search = (filters.get("search") or "").strip()
    if search:
        qs = qs.filter(
            Q(application__title__icontains=search)
            | Q(application__filing_number__icontains=search)
            | Q(application__enterprise__organisation__name__icontains=search)
        )
    if str(filters.get("open") or "") in ("1", "true", "yes", "on"):
        qs = qs.filter(
            Exists(Rectification.objects.filter(open_rectifications_q(), application_id=OuterRef("application_id")))
        )
    open_filter = open_rectifications_q("application__rectifications__")
    return (
        qs.select_related(
            "organisation",
            "application__enterprise__organisation",
            "application__provider__organisation",
            "assigned_by",
            "ended_by",
        )
        .annotate(
            open_count=Count("application__rectifications", filter=open_filter),
            overdue_count=Count(
                "application__rectifications",
                filter=open_filter & Q(application__rectifications__due_on__lt=today),
            ),
        )
        .order_by("-is_active", "-created_at", "-id")
    )


def assignment_get(*, access: ProgramAccess, pk) -> SupervisionAssignment:
    """One assignment the caller may see; 404 alike for absent and another program's."""
    return get_or_404(assignment_list(access=access, filters={"state": "all"}), pk)


def firm_choices(*, program):
    """Organisations of kind supervision firm that hold the role in `program` through one of their users now."""
    holders = active_assignments().filter(program=program, role=Role.SUPERVISION_FIRM, user__is_active=True)
    return Organisation.objects.filter(
        kind=OrganisationKind.SUPERVISION_FIRM, is_active=True, pk__in=holders.values("user__organisation_id")
    ).order_by("name")


def assignable_projects(*, program):
    """Approved projects of `program` without an active assignment, in filing order."""
    return (
        Application.objects.filter(program=program, status="approved")
        .exclude(supervision_assignments__is_active=True)
        .select_related("enterprise__organisation", "provider__organisation")
        .order_by("filing_number", "pk")
    )


@dataclass
class ProjectSupervision:
    application: Application
    assignments: list  # every assignment of the project, the active one first
    inspections: list  # newest first, each with `photos_shown` and `rectifications_shown`
    rectifications: list  # every rectification, with `is_overdue` and `events_shown`

    @property
    def active(self) -> SupervisionAssignment | None:
        return next((a for a in self.assignments if a.is_active), None)

    @property
    def open(self) -> list:
        return [r for r in self.rectifications if r.is_open]

    @property
    def overdue(self) -> list:
        return [r for r in self.rectifications if r.is_overdue]


def project_get(*, access: ProgramAccess, pk) -> Application:
    """A project whose supervision the caller may read; 404 alike for absent, another program's and not one's own
    (a supervision firm: not assigned to it now)."""
    access.require(Capability.VIEW_SUPERVISION)
    return get_or_404(application_list(access=access).filter(projects_q(access)), pk)


def project_find(*, access: ProgramAccess, pk) -> Application | None:
    """Any application of the program (to assign its supervision), None for an unknown id or another program's."""
    return Application.objects.filter(program=access.program, pk=pk).first()


def project_supervision(application: Application) -> ProjectSupervision:
    """The project's assignments, inspections with their photos and rectifications with their steps: four
    queries whatever their number."""
    today = timezone.localdate()
    assignments = list(
        application.supervision_assignments.select_related("organisation", "assigned_by", "ended_by").order_by(
            "-is_active", "-created_at", "-id"
        )
    )
    rectifications = list(
        Rectification.objects.filter(application=application)
        .select_related("requested_by", "answered_by", "closed_by", "waived_by")
        .prefetch_related(Prefetch("events", queryset=RectificationEvent.objects.select_related("actor")))
        .order_by("due_on", "id")
    )
    by_inspection = {}
    for item in rectifications:
        item.is_overdue = item.is_open and item.due_on < today
        by_inspection.setdefault(item.inspection_id, []).append(item)
    inspections = list(
        Inspection.objects.filter(application=application)
        .select_related("recorded_by", "assignment__organisation")
        .prefetch_related(Prefetch("photos", queryset=InspectionPhoto.objects.filter(is_active=True)))
        .order_by("-inspected_on", "-id")
    )
    for inspection in inspections:
        inspection.rectifications_shown = by_inspection.get(inspection.pk, [])
    return ProjectSupervision(application, assignments, inspections, rectifications)


def rectification_get(*, access: ProgramAccess, application: Application, pk) -> Rectification:
    """A rectification of `application` (already fetched through `project_get`); 404 otherwise."""
    qs = Rectification.objects.filter(application=application).select_related(
        "application__provider__organisation", "inspection"
    )
    return get_or_404(qs, pk)


def photo_get(*, application: Application, inspection, photo) -> InspectionPhoto:
    qs = InspectionPhoto.objects.filter(inspection__application=application, inspection_id=_int(inspection))
    return get_or_404(qs.filter(is_active=True), photo)


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@dataclass
class AcceptanceGate:
    blocking: list  # rectifications not closed and not waived: the request is refused while any is left
    waived: list  # rectifications not closed that the bureau let the request go ahead despite


def acceptance_gate(application) -> AcceptanceGate:
    """The project's rectifications that stop (or, waived, no longer stop) its acceptance request: one query."""
    rows = list(
        Rectification.objects.filter(open_rectifications_q(), application=application)
        .select_related("waived_by")
        .order_by("due_on", "id")
    )
    today = timezone.localdate()
    for row in rows:
        row.is_overdue = row.due_on < today
    return AcceptanceGate(
        blocking=[row for row in rows if row.waived_at is None], waived=[row for row in rows if row.waived_at]
    )


def blocking_rectifications(application):
    return Rectification.objects.filter(blocking_rectifications_q(), application=application).order_by("due_on", "id")


def card_figures(*, application) -> dict | None:
    """The project page card: the active (or latest) assignment's firm and the open and overdue rectification
    counts; None when the project never had an assignment nor a rectification. Two queries."""
    today = timezone.localdate()
    latest = application.supervision_assignments.select_related("organisation").order_by("-is_active", "-created_at")
    assignment = latest.first()
    counts = Rectification.objects.filter(application=application).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_rectifications_q()),
        overdue=Count("pk", filter=open_rectifications_q() & Q(due_on__lt=today)),
        blocking=Count("pk", filter=blocking_rectifications_q()),
    )
    if assignment is None and not counts["total"]:
        return None
    return {"assignment": assignment, **counts}
