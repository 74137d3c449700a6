"""Reads of implementation: a project's milestones and updates, complaints, and a provider's standing."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone

from filings.models import Application, Status, overdue_q
from implementation.models import (
    Complaint,
    ComplaintStatus,
    Milestone,
    MilestoneTemplate,
    ProgressEvidence,
    ProgressPost,
    ProviderRating,
)
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from scoring.aggregation import round_score


def project_milestones(application):
    return list(application.milestones.filter(is_active=True).order_by("number"))


def project_percent(milestones) -> Decimal:
    """Mean confirmed progress over the project's milestones, to 0.01."""
    if not milestones:
        return Decimal("0.00")
    return round_score(Decimal(sum(m.percent for m in milestones)) / Decimal(len(milestones)))


def project_parts(application):
    """The subcontracted parts in force (分包), with their subcontractors and confirmed progress."""
    return application.subcontracts.filter(is_active=True).select_related("membership__organisation").order_by("id")


def project_posts(application):
    return (
        application.progress_posts.select_related(
            "milestone", "posted_by", "responded_by", "subcontract__membership__organisation"
        )
        .prefetch_related(Prefetch("evidence", queryset=ProgressEvidence.objects.filter(is_active=True)))
        .order_by("-created_at", "-id")
    )


def post_get(application, pk) -> ProgressPost:
    return get_or_404(application.progress_posts.all(), pk)


def evidence_get(application, post_pk: int, pk) -> ProgressEvidence:
    return get_or_404(
        ProgressEvidence.objects.filter(post__application=application, post_id=post_pk, is_active=True), pk
    )


def complaint_list(*, access: ProgramAccess, status=""):
    """The program's complaints for the bureau and auditors; an enterprise's or provider's own otherwise."""
    qs = Complaint.objects.filter(application__program=access.program).select_related(
        "application__enterprise__organisation", "application__provider__organisation", "filed_by", "decided_by"
    )
    if not access.can(Capability.VIEW_ALL_ENTERPRISES):
        organisation = access.user.organisation_id
        if organisation is None:
            return qs.none()
        qs = qs.filter(
            Q(application__enterprise__organisation_id=organisation)
            | Q(application__provider__organisation_id=organisation)
        )
    return qs.filter(status=status) if status else qs


def complaint_get(*, access: ProgramAccess, pk) -> Complaint:
    return get_or_404(complaint_list(access=access), pk)


def overdue_count(*, program) -> int:
    return Application.objects.filter(overdue_q(timezone.localdate()), program=program).count()


@dataclass(frozen=True)
class Standing:
    projects: int
    in_implementation: int
    completed: int
    overdue: int
    mean_rating: Decimal | None
    ratings: int
    confirmed_complaints: int
    open_complaints: int


def provider_standing(membership) -> Standing:
    """The provider's record in the program: its projects, how many run late, its ratings and complaints."""
    today = timezone.localdate()
    projects = Application.objects.filter(provider=membership, status=Status.APPROVED).aggregate(
        projects=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    ratings = ProviderRating.objects.filter(application__provider=membership).aggregate(
        mean=Avg("score"), count=Count("pk")
    )
    complaints = Complaint.objects.filter(application__provider=membership).aggregate(
        confirmed=Count("pk", filter=Q(status=ComplaintStatus.CONFIRMED)),
        open=Count("pk", filter=Q(status=ComplaintStatus.OPEN)),
    )
    mean = ratings["mean"]
    return Standing(
        projects=projects["projects"],
        in_implementation=projects["projects"] - projects["completed"],
        completed=projects["completed"],
        overdue=projects["overdue"],
        mean_rating=round_score(Decimal(str(mean))) if mean is not None else None,
        ratings=ratings["count"],
        confirmed_complaints=complaints["confirmed"],
        open_complaints=complaints["open"],
    )


def milestone_get(application, pk) -> Milestone:
    return get_or_404(application.milestones.filter(is_active=True), pk)


def project_rating(*, application) -> ProviderRating | None:
    """The enterprise's rating of the project's provider, with who rated; None before it is rated."""
    return ProviderRating.objects.filter(application=application).select_related("rated_by").first()


def milestone_template_list(*, access: ProgramAccess, include_inactive=False):
    """The program's default milestones, by track, active before closed, in their order (the caller has checked
    the right to read them)."""
    rows = MilestoneTemplate.objects.filter(program=access.program)
    if not include_inactive:
        rows = rows.filter(is_active=True)
    return rows.order_by("track", "-is_active", "number")
