"""Reads of acceptance: which rubric a project is scored on, who may not judge it, the panel's result with its
working, and the reviews each role may see."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from acceptance.models import (
    PASSED_STATUSES,
    AcceptanceReview,
    DigitalAssessment,
    ExpertSheet,
    ReviewStatus,
    TrackRubric,
)
from filings.models import Application
from filings.selectors import application_get
from organisations.models import affiliated
from policies.facts import AMOUNT_KEYS, investment_facts
from portal.core.errors import NotAllowed, PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess
from programs.selectors import current_batch
from scoring import aggregation
from scoring.models import SheetStatus


def rubric_for(application):
    """The rubric of the project's track, else the program's default rubric."""
    rubrics = TrackRubric.objects.filter(program_id=application.program_id, track__in=[application.track, ""])
    chosen = sorted(rubrics.select_related("template"), key=lambda rubric: rubric.track == "")
    return chosen[0].template if chosen else None


def parties(review) -> list:
    """The organisations whose people may not judge the project: its enterprise and its implementing provider."""
    application = review.application
    found = [application.enterprise.organisation]
    if application.provider_id:
        found.append(application.provider.organisation)
    return found


def related(organisation, party) -> bool:
    return organisation is not None and affiliated(organisation.pk, organisation.group_id, party.pk, party.group_id)


def all_sheets_in(review) -> bool:
    seated = set(review.seats.filter(is_active=True).values_list("expert_id", flat=True))
    submitted = set(review.sheets.filter(status=SheetStatus.SUBMITTED).values_list("expert_id", flat=True))
    return bool(seated) and seated <= submitted


@dataclass(frozen=True)
class ReviewResult:
    score: Decimal | None
    passed: bool
    pass_mark: Decimal
    working: str


def review_result(review) -> ReviewResult:
    """The mean of the submitted sheets' totals (bonus included; no extremes dropped) against the pass mark."""
    sheets = review.sheets.filter(status=SheetStatus.SUBMITTED).select_related("expert")
    result = aggregation.aggregate(
        [
            aggregation.Sheet(member=str(sheet.expert), total=sheet.total, first_section=Decimal("0"))
            for sheet in sheets
        ],
        drop_extremes=False,
        min_sheets=0,
    )
    pass_mark = review.application.program.acceptance_pass_mark
    passed = result.score is not None and result.score >= pass_mark
    verdict = _("passed (pass mark %(mark)s)") if passed else _("failed (pass mark %(mark)s)")
    return ReviewResult(
        score=result.score,
        passed=passed,
        pass_mark=pass_mark,
        working=f"{result.working}；{verdict % {'mark': pass_mark}}",
    )


def project_get(*, access: ProgramAccess, pk):
    """The project `pk` as the caller may read it: through the filings it reads, else (an expert, a financial
    auditor) through the acceptance reviews it may see. Absent and not readable are the same 404."""
    if access.can(Capability.VIEW_FILINGS):
        return application_get(access=access, pk=pk)
    reviews = review_list(access=access)
    return get_or_404(
        Application.objects.filter(program=access.program, pk__in=reviews.values("application_id")).select_related(
            "enterprise__organisation", "enterprise__industry", "provider__organisation", "batch"
        ),
        pk,
    )


def review_list(*, access: ProgramAccess, status=""):
    """Reviews the caller may see: all for bureau and audit roles; its own projects' for an enterprise or a
    provider; those it sits on for an expert; those it audits for a financial auditor."""
    access.require(Capability.VIEW_ACCEPTANCE)
    qs = AcceptanceReview.objects.filter(application__program=access.program)
    if not access.can(Capability.VIEW_ALL_ENTERPRISES):
        organisation = access.user.organisation_id
        visible = Q(pk__in=[])
        if access.can(Capability.REQUEST_ACCEPTANCE) and organisation:
            visible |= Q(application__enterprise__organisation_id=organisation)
        if access.can(Capability.COSIGN_ACCEPTANCE) and organisation:
            visible |= Q(application__provider__organisation_id=organisation)
        if access.can(Capability.SCORE_ACCEPTANCE):
            visible |= Q(pk__in=access.user.expert_seats.filter(is_active=True).values("review_id"))
        if access.can(Capability.AUDIT_ACCEPTANCE):
            visible |= Q(financial_auditor=access.user)
        qs = qs.filter(visible)
    qs = qs.select_related(
        "application__enterprise__organisation", "application__provider__organisation", "template"
    ).order_by("-created_at", "-pk")
    return qs.filter(status=status) if status else qs


def review_get(*, access: ProgramAccess, pk) -> AcceptanceReview:
    return get_or_404(review_list(access=access), pk)


def sheets_visible(*, access: ProgramAccess, review):
    """Staff readers (bureau, supervisor, auditor) read every sheet; an expert its own, and the others' once its
    own is submitted; nobody else (the financial auditor included) reads sheets."""
    qs = ExpertSheet.objects.filter(review=review).select_related("expert").prefetch_related("scores__item__section")
    if access.can(Capability.VIEW_ALL_ENTERPRISES):
        return qs
    if access.can(Capability.SCORE_ACCEPTANCE):
        own_submitted = qs.filter(expert=access.user, status=SheetStatus.SUBMITTED).exists()
        return (
            qs.filter(Q(expert=access.user) | Q(status=SheetStatus.SUBMITTED))
            if own_submitted
            else qs.filter(expert=access.user)
        )
    raise NotAllowed(_("Your roles in this program do not allow this."))


def ready_for_subsidy(*, program):
    """Projects whose announcement ended without objection: what a calculation run picks up."""
    return AcceptanceReview.objects.filter(application__program=program, status=ReviewStatus.ANNOUNCED)


def audited_facts(review) -> dict:
    """The audited amounts as the policy engine's investment facts."""
    return investment_facts({key: getattr(review.audit, key) for key in AMOUNT_KEYS})


def after_level(review) -> int | None:
    """The digital level assessed after transformation (Jinhua), if any (prefetched by `announcement_list`)."""
    application = review.application
    if hasattr(application, "after_assessments"):
        found = application.after_assessments
        return found[0].level if found else None
    assessment = application.digital_assessments.filter(phase="after", is_active=True).order_by("-assessed_on").first()
    return assessment.level if assessment else None


def review_estimate(review, *, cache=None, batches=None):
    """The policy engine's proposed subsidy on the audited amounts: (version, result), or a PortalError.
    The acceptance date is the day the review was decided. `cache`/`batches`: shared by a list's rows."""
    from policies.quotes import QuoteInput, quote

    application = review.application
    profile = application.enterprise
    accepted_on = timezone.localdate(review.decided_at or review.created_at)
    batch = application.batch or current_batch(application.program, accepted_on, batches=batches)
    facts = audited_facts(review)
    return quote(
        program=application.program,
        data=QuoteInput(
            track=application.track,
            industry=profile.industry.code,
            scale=profile.scale,
            batch=batch.number if batch else None,
            level=after_level(review),
            accepted_on=accepted_on,
            **facts,
        ),
        cache=cache,
    )


def announcement_estimates(reviews, *, program) -> dict:
    """{review pk: (result, "") or (None, why)} for a list of reviews, reading the policy once."""
    from policies.quotes import QuoteCache

    cache, batches, found = QuoteCache(), list(program.batches.all()), {}
    for review in reviews:
        if getattr(review, "audit", None) is None:
            found[review.pk] = (None, _("No audit recorded."))
            continue
        try:
            _version, result = review_estimate(review, cache=cache, batches=batches)
        except PortalError as error:
            found[review.pk] = (None, error.message)
        else:
            found[review.pk] = (result, "")
    return found


def announcement_list(*, program):
    """Projects in announcement (or on hold) of the program, for the public announcement page."""
    return (
        AcceptanceReview.objects.filter(
            application__program=program, status__in=[ReviewStatus.ANNOUNCING, ReviewStatus.ON_HOLD]
        )
        .select_related(
            "application__enterprise__organisation",
            "application__enterprise__industry",
            "application__provider__organisation",
            "application__batch",
            "application__program",
            "audit",
        )
        .prefetch_related(
            Prefetch(
                "application__digital_assessments",
                queryset=DigitalAssessment.objects.filter(phase="after", is_active=True).order_by("-assessed_on"),
                to_attr="after_assessments",
            )
        )
        .order_by("announcement_starts_on", "pk")
    )


def industry_pilot_accepted(*, program, industry, pilot_tracks):
    """An Exists over the projects of `program` in `industry` (an id or an OuterRef) on one of `pilot_tracks`
    (codes, or a subquery of them) whose acceptance passed: the gate of the tracks that open after it."""
    return Exists(
        AcceptanceReview.objects.filter(
            application__program=program,
            application__enterprise__industry=industry,
            application__track__in=pilot_tracks,
            status__in=PASSED_STATUSES,
        )
    )
