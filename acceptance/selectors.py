"""Reads of acceptance: which rubric a project is scored on, who may not judge it, the panel's result with its
working, the reviews each role may see, what a review's page and the API show of one review, and a project's
digital-level assessments."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from acceptance.digital_level import LEVEL_NAMES
from acceptance.models import (
    AMOUNT_FIELDS,
    PASSED_STATUSES,
    AcceptanceReportFile,
    AcceptanceReview,
    AssessmentReport,
    AuditReport,
    DigitalAssessment,
    DigitalLevelStandard,
    ExpertSeat,
    ExpertSheet,
    FinancialAudit,
    Objection,
    ObjectionStatus,
    ReportJob,
    ReviewStatus,
    TrackRubric,
)
from filings.models import Application, Category, Status
from filings.selectors import acts_as_implementer, acts_as_owner, application_get, application_list
from organisations.models import affiliated
from policies.facts import AMOUNT_KEYS, investment_facts
from portal.core.errors import NotAllowed, PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import ProgramAccess, role_holders
from programs.selectors import current_batch
from scoring import aggregation
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure

ZERO = Decimal("0")


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


# What the pages and the API read of one review --------------------------------------------------------------


def holder_choices(program, role):
    """Users who hold `role` in `program` now, as a form lists them."""
    return role_holders(program=program, role=role).select_related("organisation").order_by("username")


def role_holders_by_id(program, role, ids) -> dict:
    """The users among `ids` who hold `role` in `program` now, by id."""
    return {user.pk: user for user in holder_choices(program, role).filter(pk__in=ids)}


def requestable_projects(*, access: ProgramAccess):
    """The caller's enterprise's completed projects with no review under way: ready to request acceptance."""
    return (
        application_list(access=access)
        .filter(
            status=Status.APPROVED,
            completed_at__isnull=False,
            enterprise__organisation_id=access.user.organisation_id,
        )
        .exclude(pk__in=AcceptanceReview.objects.exclude(status=ReviewStatus.FAILED).values("application_id"))
    )


def review_under_way(application) -> AcceptanceReview | None:
    """The project's review that has not failed, if any."""
    return application.acceptance_reviews.exclude(status=ReviewStatus.FAILED).first()


def review_failed(application) -> AcceptanceReview | None:
    return application.acceptance_reviews.filter(status=ReviewStatus.FAILED).first()


def declared_from_lines(application) -> dict:
    """The filing's active items per acceptance category: part × software/hardware, and automation apart."""
    amounts = dict.fromkeys(AMOUNT_FIELDS, ZERO)
    for line in application.lines.filter(is_active=True):
        key = "automation" if line.category == Category.AUTOMATION else f"{line.part.lower()}_{line.category}"
        if key in amounts:
            amounts[key] += line.amount
    return amounts


def is_on_panel(review, user) -> bool:
    return review.seats.filter(expert=user, is_active=True).exists()


def own_sheet(review, user) -> ExpertSheet | None:
    """The expert's own sheet of the review, with its scores."""
    return review.sheets.filter(expert=user).prefetch_related("scores").first()


def own_sheet_visible(*, access: ProgramAccess, review) -> ExpertSheet | None:
    return sheets_visible(access=access, review=review).filter(expert=access.user).first()


def sheet_visible_get(*, access: ProgramAccess, review, pk) -> ExpertSheet:
    return sheets_visible(access=access, review=review).get(pk=pk)


def review_transitions(review) -> list:
    return list(review.transitions.select_related("actor"))


def review_objections(review):
    return review.objections.select_related("recorded_by", "resolved_by")


def objection_get(*, review, pk) -> Objection:
    return get_or_404(review_objections(review), pk)


def review_audit(review) -> FinancialAudit | None:
    return FinancialAudit.objects.filter(review=review).select_related("auditor").first()


def audit_report_get(*, review, pk) -> AuditReport:
    """An active report of the review's audit."""
    return get_or_404(AuditReport.objects.filter(audit__review=review, is_active=True), pk)


def panel_states(review) -> list[dict]:
    """Each seat of the panel in order, with its expert's sheet state (`conflict` once the expert left)."""
    sheets = dict(review.sheets.values_list("expert_id", "status"))
    return [
        {"expert": str(seat.expert), "state": sheets.get(seat.expert_id, "missing") if seat.is_active else "conflict"}
        for seat in review.seats.select_related("expert").order_by("id")
    ]


def report_job_get(*, review, pk) -> ReportJob:
    return get_or_404(review.report_jobs.select_related("report"), pk)


def report_file_get(*, review, pk) -> AcceptanceReportFile:
    return get_or_404(review.report_files.all(), pk)


# What the review's page shows ------------------------------------------------------------------------------


@dataclass
class ReviewPage:
    """What the review's page shows the caller: who the caller is on the review, and each section's records.
    A section the caller may not read is None."""

    review: AcceptanceReview
    may_run: bool
    sees_all: bool
    is_owner: bool
    is_implementer: bool
    is_auditor: bool
    own_seat: ExpertSeat | None
    transitions: list
    seats: list
    audit: FinancialAudit | None
    structure: list
    after_level: int | None
    sheets: list | None = None
    conflicts: list | None = None
    preview: ReviewResult | None = None
    objections: list | None = None
    open_objections: int | None = None
    report_files: list = field(default_factory=list)
    report_job: ReportJob | None = None
    reports: list | None = None
    estimate: tuple | None = None  # (policy version, result)
    estimate_error: str = ""

    @property
    def is_expert(self) -> bool:
        return self.own_seat is not None


def review_page(*, access: ProgramAccess, review, report_job: str = "") -> ReviewPage:
    """Everything the review's page shows `access`'s user; `report_job`: the id of a report job it follows."""
    page = _review_page_head(access, review)
    page.sheets = _review_sheets(access, review)
    if page.sees_all:
        page.conflicts = list(review.conflicts.select_related("expert"))
    if review.status == ReviewStatus.AUDITED and page.sees_all:
        page.preview = review_result(review)
    if page.sees_all or page.may_run:
        page.objections = list(review_objections(review))
    else:
        page.open_objections = review.objections.filter(status=ObjectionStatus.OPEN).count()
    page.report_files = list(review.report_files.all())
    page.report_job = review.report_jobs.filter(pk=int(report_job)).first() if report_job.isdigit() else None
    if page.audit is not None:
        _review_money(page)
    return page


def _review_page_head(access: ProgramAccess, review) -> ReviewPage:
    """Who the caller is on the review, its steps, its panel, its audit and its rubric."""
    application = review.application
    user = access.user
    transitions = review_transitions(review)
    seats = list(review.seats.select_related("expert__organisation", "assigned_by"))
    own_seat = (
        next((seat for seat in seats if seat.expert_id == user.pk and seat.is_active), None)
        if access.can(Capability.SCORE_ACCEPTANCE)
        else None
    )
    is_implementer = acts_as_implementer(access, application, Capability.COSIGN_ACCEPTANCE)
    audit = review_audit(review)
    structure = sheet_structure(review.template)
    return ReviewPage(
        review=review,
        may_run=access.can(Capability.RUN_ACCEPTANCE),
        sees_all=access.can(Capability.VIEW_ALL_ENTERPRISES),
        is_owner=acts_as_owner(access, application, Capability.REQUEST_ACCEPTANCE),
        is_implementer=is_implementer,
        is_auditor=access.can(Capability.AUDIT_ACCEPTANCE) and review.financial_auditor_id == user.pk,
        own_seat=own_seat,
        transitions=transitions,
        seats=seats,
        audit=audit,
        structure=structure,
        after_level=after_level(review),
    )


def _review_sheets(access: ProgramAccess, review) -> list | None:
    """The sheets the caller reads, by expert; None for those who read none."""
    try:
        return list(sheets_visible(access=access, review=review).order_by("expert__username"))
    except NotAllowed:
        return None


def _review_money(page: ReviewPage) -> None:
    """The audit's reports and the policy engine's proposed subsidy on the audited amounts."""
    page.reports = list(page.audit.reports.filter(is_active=True))
    try:
        page.estimate = review_estimate(page.review)
    except PortalError as error:
        page.estimate_error = error.message


# Digital-level assessments ---------------------------------------------------------------------------------


def assessment_list(application) -> list:
    """The project's assessments with their active reports, each with its level's name."""
    assessments = list(
        application.digital_assessments.select_related("assessor").prefetch_related(
            Prefetch("reports", queryset=AssessmentReport.objects.filter(is_active=True), to_attr="active_reports")
        )
    )
    for item in assessments:
        item.level_name = LEVEL_NAMES.get(item.level, item.level)
    return assessments


def assessment_history(application):
    """Every assessment of the project, by phase, newest first."""
    return application.digital_assessments.select_related("assessor").order_by("phase", "-assessed_on", "-id")


def level_standards(program) -> list:
    """The program's digital-level standards, each with its level's name."""
    standards = list(DigitalLevelStandard.objects.filter(program=program).order_by("level"))
    for standard in standards:
        standard.level_name = LEVEL_NAMES.get(standard.level, standard.level)
    return standards


def project_review(*, access: ProgramAccess, application) -> AcceptanceReview | None:
    """The newest review of the project the caller may see."""
    return review_list(access=access).filter(application=application).first()


def assessment_report_get(*, application, assessment, pk) -> AssessmentReport:
    """An active report of one of the project's assessments."""
    item = get_or_404(application.digital_assessments.all(), assessment)
    return get_or_404(item.reports.filter(is_active=True), pk)
