"""Writes of acceptance (scoring.md §2): request and co-signature, the panel (conflicts refused), expert sheets,
the financial audit, the result, the public announcement and its objections. Every state change is a
`ReviewTransition` row and a history row."""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acceptance import selectors
from acceptance.digital_level import Standard, digital_level
from acceptance.models import (
    AMOUNT_FIELDS,
    SCENE_COUNT,
    AcceptanceReportFile,
    AcceptanceReview,
    AssessmentPhase,
    AssessmentReport,
    AuditReport,
    DigitalAssessment,
    DigitalLevelStandard,
    ExpertConflict,
    ExpertScore,
    ExpertSeat,
    ExpertSheet,
    FinancialAudit,
    Objection,
    ObjectionStatus,
    ReportJob,
    ReportStatus,
    ReviewStatus,
    ReviewTransition,
    TrackRubric,
)
from acceptance.workflow import REVIEW
from filings.models import Application, Status
from portal.core import jobs, outbox
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.files import stored_file_save
from portal.core.roles import Capability, Role
from portal.core.services import record_save
from portal.core.uploads import check_upload
from programs.access import ProgramAccess, program_roles
from programs.calendar import working_days_end
from scoring.models import SheetPurpose, SheetStatus
from scoring.sheets import sheet_fill, sheet_scores_save
from supervision.selectors import blocking_rectifications

logger = logging.getLogger(__name__)


def _move(review, to_status, actor, comment=""):
    before = review.status
    review.status = to_status
    record_save(review, acting_user=actor, reason=comment or review.get_status_display())
    record_save(
        ReviewTransition(review=review, from_status=before, to_status=to_status, actor=actor, comment=comment),
        acting_user=actor,
    )
    return review


def _lock(access, review) -> AcceptanceReview:
    locked = (
        AcceptanceReview.objects.select_for_update(of=("self",))
        .select_related("application__enterprise__organisation", "application__provider__organisation")
        .filter(pk=review.pk, application__program=access.program)
        .first()
    )
    if locked is None:
        raise NotAllowed(_("The acceptance review is not one of this program's."))
    return locked


def _amounts(values: dict, prefix="") -> dict:
    amounts = {}
    for name in AMOUNT_FIELDS:
        value = values.get(name)
        if value is None or value < 0:
            raise PortalError(_("Give every amount, in yuan, not negative."), fields={name: [_("Invalid.")]})
        amounts[f"{prefix}{name}"] = value
    return amounts


def _refuse_open_rectifications(project) -> None:
    """The supervision gate: no acceptance request while a rectification the supervision firm requested is
    neither closed nor waived by the bureau."""
    blocking = list(blocking_rectifications(project))
    if blocking:
        names = "; ".join(
            _("“%(request)s” (due %(due)s)") % {"request": _clip(item.request), "due": item.due_on.isoformat()}
            for item in blocking
        )
        raise Conflict(
            ngettext(
                "%(count)d rectification request of the supervision firm is still open: %(names)s. Acceptance "
                "can be requested once the supervision firm has closed it, or the bureau has recorded why the "
                "request may go ahead.",
                "%(count)d rectification requests of the supervision firm are still open: %(names)s. Acceptance "
                "can be requested once the supervision firm has closed them, or the bureau has recorded why the "
                "request may go ahead.",
                len(blocking),
            )
            % {"count": len(blocking), "names": names},
            fields={"rectifications": [str(item.pk) for item in blocking]},
        )


def _clip(text: str, length: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


@transaction.atomic
def acceptance_request(*, access: ProgramAccess, application: Application, deliverables: str, amounts: dict):
    """The enterprise requests acceptance of its completed project, with the deliverables and the final
    investment per category. The provider co-signs before a panel can be assigned."""
    access.require(Capability.REQUEST_ACCEPTANCE)
    project = (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=application.pk, program=access.program)
    )
    if project.enterprise.organisation_id != access.user.organisation_id:
        raise NotAllowed(_("Only the enterprise of this project may request its acceptance."))
    if project.status != Status.APPROVED or project.completed_at is None:
        raise Conflict(_("Acceptance is requested once implementation is complete."))
    under_way = project.acceptance_reviews.exclude(status__in=REVIEW.sources("request")).first()
    if under_way is not None:
        REVIEW.require("request", under_way.status)
    _refuse_open_rectifications(project)
    if not (deliverables or "").strip():
        raise PortalError(_("List the deliverables."), fields={"deliverables": [_("Required.")]})
    template = selectors.rubric_for(project)
    if template is None:
        raise PortalError(_("The program has no acceptance rubric for this track; ask the bureau."))
    review = record_save(
        AcceptanceReview(
            application=project,
            template=template,
            deliverables=deliverables.strip(),
            requested_by=access.user,
            **_amounts(amounts, prefix="declared_"),
        ),
        acting_user=access.user,
        reason=_("Acceptance requested"),
    )
    record_save(
        ReviewTransition(review=review, from_status="", to_status=ReviewStatus.REQUESTED, actor=access.user),
        acting_user=access.user,
    )
    return review


@transaction.atomic
def acceptance_cosign(*, access: ProgramAccess, review: AcceptanceReview) -> AcceptanceReview:
    """The implementing provider co-signs the request."""
    access.require(Capability.COSIGN_ACCEPTANCE)
    locked = _lock(access, review)
    provider = locked.application.provider
    if provider is None or provider.organisation_id != access.user.organisation_id:
        raise NotAllowed(_("Only the provider that implemented the project may co-sign."))
    REVIEW.require("cosign", locked.status)
    if locked.cosigned_at is not None:
        raise Conflict(_("The request is already co-signed."))
    locked.cosigned_by, locked.cosigned_at = access.user, timezone.now()
    return record_save(locked, acting_user=access.user, reason=_("Co-signed by the provider"))


def _refusal(review, user, role) -> str:
    """Why `user` may not judge `review` ("" when it may): not holding `role`, a declared conflict, or belonging
    to (or being affiliated with) the enterprise or the implementing provider."""
    program = review.application.program
    if role not in program_roles(user=user, program=program):
        return _("%(user)s does not hold the role in this program.") % {"user": user}
    if review.conflicts.filter(expert=user).exists():
        return _("%(user)s declared a link to this project.") % {"user": user}
    for party in selectors.parties(review):
        if selectors.related(user.organisation, party):
            return _("%(user)s belongs to %(party)s or an affiliate of it.") % {"user": user, "party": party.name}
    return ""


@transaction.atomic
def panel_assign(*, access: ProgramAccess, review: AcceptanceReview, experts, financial_auditor) -> AcceptanceReview:
    """Seat the panel (at least the program's minimum) and the financial auditor. An expert or auditor from the
    enterprise, the implementing provider or an affiliate, or one who declared a link, is refused."""
    access.require(Capability.RUN_ACCEPTANCE)
    locked = _lock(access, review)
    REVIEW.require("panel_assign", locked.status)
    if locked.cosigned_at is None:
        raise Conflict(_("The provider has not co-signed the request yet."))
    experts = list({expert.pk: expert for expert in experts}.values())
    minimum = access.program.acceptance_min_experts
    if len(experts) < minimum:
        raise PortalError(
            _("A panel needs at least %(count)d experts.") % {"count": minimum}, fields={"experts": [_("Too few.")]}
        )
    fields = {}
    refused = [reason for expert in experts if (reason := _refusal(locked, expert, Role.EXPERT))]
    if refused:
        fields["experts"] = refused
    if financial_auditor is None:
        fields["financial_auditor"] = [_("Choose the financial auditor.")]
    elif reason := _refusal(locked, financial_auditor, Role.FINANCIAL_AUDITOR):
        fields["financial_auditor"] = [reason]
    if fields:
        raise PortalError("；".join(message for messages in fields.values() for message in messages), fields=fields)
    for expert in experts:
        record_save(ExpertSeat(review=locked, expert=expert, assigned_by=access.user), acting_user=access.user)
    locked.financial_auditor = financial_auditor
    return _move(locked, ReviewStatus.PANEL, access.user, _("Panel assigned"))


@transaction.atomic
def expert_conflict_declare(*, access: ProgramAccess, review: AcceptanceReview, kind: str, note: str = ""):
    """An assigned expert declares a link to the project: it leaves the panel, and the bureau seats another."""
    access.require(Capability.SCORE_ACCEPTANCE)
    locked = _lock(access, review)
    seat = locked.seats.filter(expert=access.user, is_active=True).first()
    if seat is None:
        raise NotAllowed(_("You are not on this project's panel."))
    REVIEW.require("conflict_declare", locked.status)
    if locked.sheets.filter(expert=access.user, status=SheetStatus.SUBMITTED).exists():
        raise Conflict(_("You have already submitted your sheet; tell the bureau."))
    declaration = record_save(
        ExpertConflict(review=locked, expert=access.user, kind=kind, note=note),
        acting_user=access.user,
        reason=_("Conflict of interest declared"),
    )
    seat.is_active = False
    record_save(seat, acting_user=access.user, reason=_("Conflict of interest declared"))
    return declaration


@transaction.atomic
def panel_replace(*, access: ProgramAccess, review: AcceptanceReview, expert) -> ExpertSeat:
    """Seat another expert while scoring is open (after a declared conflict), with the same refusals."""
    access.require(Capability.RUN_ACCEPTANCE)
    locked = _lock(access, review)
    REVIEW.require("panel_replace", locked.status)
    reason = _refusal(locked, expert, Role.EXPERT)
    if reason:
        raise PortalError(reason, fields={"expert": [reason]})
    if locked.seats.filter(expert=expert).exists():
        raise Conflict(_("%(user)s has already been on this panel.") % {"user": expert})
    return record_save(ExpertSeat(review=locked, expert=expert, assigned_by=access.user), acting_user=access.user)


@transaction.atomic
def expert_sheet_save(
    *, access: ProgramAccess, review: AcceptanceReview, scores: dict, comment: str = "", submit: bool = False
) -> ExpertSheet:
    """The expert's rubric sheet, item by item within each item's maximum (bonus items included); `submit`
    makes it final and needs every item."""
    access.require(Capability.SCORE_ACCEPTANCE)
    locked = _lock(access, review)
    if not locked.seats.filter(expert=access.user, is_active=True).exists():
        raise NotAllowed(_("You are not on this project's panel."))
    REVIEW.require("sheet_save", locked.status)
    sheet = ExpertSheet.objects.select_for_update().filter(review=locked, expert=access.user).first() or ExpertSheet(
        review=locked, expert=access.user
    )
    if sheet.status == SheetStatus.SUBMITTED:
        raise Conflict(_("Your sheet is submitted and final."))
    filled = sheet_fill(locked.template, scores, complete=submit)
    sheet.total, sheet.bonus, sheet.comment = filled.total, filled.bonus, comment
    if submit:
        sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, timezone.now()
    record_save(sheet, acting_user=access.user, reason=_("Sheet submitted") if submit else _("Sheet saved"))
    sheet_scores_save(sheet, filled, score_model=ExpertScore, acting_user=access.user)
    if locked.status == ReviewStatus.PANEL:
        _move(locked, ReviewStatus.SCORING, access.user, _("Scoring started"))
    _mark_audited_when_complete(locked, access.user)
    return sheet


def _mark_audited_when_complete(review, actor):
    if review.status == ReviewStatus.SCORING and selectors.all_sheets_in(review) and hasattr(review, "audit"):
        _move(review, ReviewStatus.AUDITED, actor, _("All sheets and the audit are in"))


def audit_record(
    *, access: ProgramAccess, review: AcceptanceReview, amounts: dict, conclusion: str, report=None
) -> FinancialAudit:
    """The assigned financial auditor records the audited amounts (the subsidy base) and the conclusion, with its
    report file. Recorded once."""
    access.require(Capability.AUDIT_ACCEPTANCE)
    checked = check_upload(report) if report is not None else None
    with transaction.atomic():
        locked = _lock(access, review)
        if locked.financial_auditor_id != access.user.pk:
            raise NotAllowed(_("Only the financial auditor assigned to this project may record its audit."))
        REVIEW.require("audit_record", locked.status)
        if FinancialAudit.objects.filter(review=locked).exists():
            raise Conflict(_("The audit is already recorded."))
        if not (conclusion or "").strip():
            raise PortalError(_("Give the audit conclusion."), fields={"conclusion": [_("Required.")]})
        audit = record_save(
            FinancialAudit(review=locked, auditor=access.user, conclusion=conclusion.strip(), **_amounts(amounts)),
            acting_user=access.user,
            reason=_("Audit recorded"),
        )
        if report is not None:
            stored_file_save(
                AuditReport(audit=audit),
                upload=report,
                acting_user=access.user,
                reason=_("Audit report"),
                checked=checked,
            )
        if locked.status == ReviewStatus.PANEL and selectors.all_sheets_in(locked):
            _move(locked, ReviewStatus.SCORING, access.user)
        locked.audit = audit
        _mark_audited_when_complete(locked, access.user)
    return audit


@transaction.atomic
def review_close(*, access: ProgramAccess, review: AcceptanceReview) -> AcceptanceReview:
    """Close the review once every sheet and the audit are in: the mean of the experts' totals (bonus included)
    against the program's pass mark decides passed or failed."""
    access.require(Capability.RUN_ACCEPTANCE)
    locked = _lock(access, review)
    REVIEW.require("close", locked.status)
    result = selectors.review_result(locked)
    locked.score, locked.working, locked.decided_at = result.score, result.working, timezone.now()
    return _move(locked, ReviewStatus.PASSED if result.passed else ReviewStatus.FAILED, access.user, result.working)


@transaction.atomic
def announcement_open(*, access: ProgramAccess, review: AcceptanceReview, starts_on: date) -> AcceptanceReview:
    """Publish a passed project for the program's number of working days, counted in its calendar."""
    access.require(Capability.RUN_ACCEPTANCE)
    locked = _lock(access, review)
    REVIEW.require("announce", locked.status)
    if starts_on is None:
        raise PortalError(_("Give the first day of the announcement."), fields={"starts_on": [_("Required.")]})
    latest = timezone.localdate() + timedelta(days=366)
    if not access.program.starts_on <= starts_on <= latest:
        raise PortalError(
            _("The announcement starts between %(first)s and %(last)s.")
            % {"first": access.program.starts_on, "last": latest},
            fields={"starts_on": [_("Invalid.")]},
        )
    locked.announcement_starts_on = starts_on
    locked.announcement_ends_on = working_days_end(access.program, starts_on, access.program.announcement_working_days)
    return _move(
        locked,
        ReviewStatus.ANNOUNCING,
        access.user,
        _("Announced until %(date)s") % {"date": locked.announcement_ends_on},
    )


@transaction.atomic
def objection_record(*, access: ProgramAccess, review: AcceptanceReview, raised_by: str, text: str) -> Objection:
    """Record an objection received during the announcement: the project goes on hold."""
    access.require(Capability.RUN_ACCEPTANCE)
    locked = _lock(access, review)
    REVIEW.require("objection_record", locked.status)
    if not (text or "").strip() or not (raised_by or "").strip():
        raise PortalError(_("Record who objects and why."), fields={"text": [_("Required.")]})
    objection = record_save(
        Objection(review=locked, raised_by=raised_by.strip(), text=text.strip(), recorded_by=access.user),
        acting_user=access.user,
        reason=_("Objection recorded"),
    )
    if locked.status == ReviewStatus.ANNOUNCING:
        _move(locked, ReviewStatus.ON_HOLD, access.user, text.strip())
    return objection


@transaction.atomic
def objection_resolve(*, access: ProgramAccess, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """Resolve an objection. Upheld: the project fails acceptance. Dismissed, with none left open: the
    announcement resumes (or is over, if its end has passed)."""
    access.require(Capability.RUN_ACCEPTANCE)
    locked = _lock(access, objection.review)
    item = Objection.objects.select_for_update().get(pk=objection.pk, review=locked)
    if item.status != ObjectionStatus.OPEN:
        raise Conflict(_("This objection has already been resolved."))
    REVIEW.require("objection_resolve", locked.status)
    if not (resolution or "").strip():
        raise PortalError(_("Record how the objection was resolved."), fields={"resolution": [_("Required.")]})
    item.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    item.resolution, item.resolved_by, item.resolved_at = resolution.strip(), access.user, timezone.now()
    record_save(item, acting_user=access.user, reason=item.get_status_display())
    if upheld:
        _move(locked, ReviewStatus.FAILED, access.user, resolution.strip())
    elif not locked.objections.filter(status=ObjectionStatus.OPEN).exists():
        _move(locked, ReviewStatus.ANNOUNCING, access.user, resolution.strip())
        _conclude(locked, access.user, timezone.localdate())
    return item


def _conclude(review, actor, today):
    if REVIEW.allows("conclude", review.status) and review.announcement_ends_on < today:
        _move(review, ReviewStatus.ANNOUNCED, actor, _("Announcement ended without objection"))
        return True
    return False


@transaction.atomic
def announcements_conclude(*, access: ProgramAccess, today: date | None = None) -> int:
    """Every announcement of the program that ended without an open objection: ready for subsidy."""
    access.require(Capability.RUN_ACCEPTANCE)
    today = today or timezone.localdate()
    done = 0
    for review in AcceptanceReview.objects.select_for_update().filter(
        application__program=access.program,
        status__in=REVIEW.sources("conclude"),
        announcement_ends_on__lt=today,
    ):
        done += _conclude(review, access.user, today)
    return done


def track_rubric_set(*, program, track: str, template, acting_user=None) -> TrackRubric:
    """Score the projects of `track` (empty: every track without its own) on `template`."""
    if template.program_id != program.pk or template.purpose != SheetPurpose.ACCEPTANCE:
        raise PortalError(_("Choose one of the program's acceptance rubrics."), fields={"template": [_("Invalid.")]})
    rubric = TrackRubric.objects.filter(program=program, track=track).first() or TrackRubric(
        program=program, track=track
    )
    rubric.template = template
    return record_save(rubric, acting_user=acting_user, reason=_("Rubric chosen"))


# Digital-level assessments (Jinhua pilot) -----------------------------------------------------------------

# The seeded standard: score floors from domain.md; the scene counts are the portal's defaults, for the bureau
# to confirm against the official index (工信厅企业〔2024〕56号).
DEFAULT_STANDARDS = {1: ("20", 2), 2: ("40", 4), 3: ("60", 6), 4: ("80", 8)}


def digital_level_standards_load(*, program) -> int:
    created = 0
    for level, (floor, scenes) in DEFAULT_STANDARDS.items():
        if not DigitalLevelStandard.objects.filter(program=program, level=level).exists():
            record_save(
                DigitalLevelStandard(program=program, level=level, min_score=Decimal(floor), min_scenes=scenes),
                acting_user=None,
                reason="seed",
            )
            created += 1
    return created


def assessment_record(
    *,
    access: ProgramAccess,
    application: Application,
    phase: str,
    assessed_on: date,
    basics: Decimal,
    management: Decimal,
    results: Decimal,
    scene_levels: list,
    report=None,
) -> DigitalAssessment:
    """Record an assessment before or after transformation; the level is computed from the program's standards,
    with its reason. A new assessment of the same phase replaces the earlier one (which stays on record)."""
    access.require(Capability.ASSESS_LEVEL)
    if phase not in AssessmentPhase.values:
        raise PortalError(_("Choose before or after transformation."), fields={"phase": [_("Invalid.")]})
    levels = list(scene_levels or [])
    if len(levels) != SCENE_COUNT or any(
        isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 4 for v in levels
    ):
        raise PortalError(
            _("Rate each of the %(count)d business scenes from 1 to 4.") % {"count": SCENE_COUNT},
            fields={"scene_levels": [_("Invalid.")]},
        )
    standards = [
        Standard(level=s.level, min_score=s.min_score, min_scenes=s.min_scenes)
        for s in DigitalLevelStandard.objects.filter(program=access.program)
    ]
    if not standards:
        raise PortalError(_("The program has no digital-level standard; ask the bureau admin."))
    checked = check_upload(report) if report is not None else None
    with transaction.atomic():
        project = Application.objects.select_for_update(of=("self",)).get(pk=application.pk, program=access.program)
        assessment = DigitalAssessment(
            application=project,
            phase=phase,
            assessor=access.user,
            assessed_on=assessed_on,
            basics=basics,
            management=management,
            results=results,
            scene_levels=levels,
            level=0,
            reason="",
        )
        result = digital_level(score=assessment.score, scene_levels=levels, standards=standards)
        assessment.level, assessment.reason = result.level, result.reason
        for earlier in project.digital_assessments.filter(phase=phase, is_active=True):
            earlier.is_active = False
            record_save(earlier, acting_user=access.user, reason=_("Replaced by a new assessment"))
        record_save(assessment, acting_user=access.user, reason=result.reason)
        if report is not None:
            stored_file_save(
                AssessmentReport(assessment=assessment),
                upload=report,
                acting_user=access.user,
                reason=_("Assessment report"),
                checked=checked,
            )
    return assessment


# The acceptance report (PDF) ------------------------------------------------------------------------------


def report_request(*, access: ProgramAccess, review: AcceptanceReview) -> ReportJob:
    """Queue the report of a review; the browser follows the job's progress. Generating writes a job and a file,
    so the read-only roles (supervisor, auditor) may not: they download the reports already made."""
    access.require(Capability.GENERATE_ACCEPTANCE_REPORT)
    if review.application.program_id != access.program.pk:
        raise NotAllowed(_("The acceptance review is not one of this program's."))
    with transaction.atomic():
        job = record_save(ReportJob(review=review, requested_by=access.user), acting_user=access.user)
        outbox.enqueue("acceptance.tasks.render_report_task", job.pk, job=job, message_field="message")
    return job


def _job_step(job, status, progress, message=""):
    job.status, job.progress, job.message = status, progress, message
    record_save(job, acting_user=job.requested_by, update_fields=["status", "progress", "message", "updated_at"])


def report_render(*, job: ReportJob) -> AcceptanceReportFile:
    """Render the review's report unless a report of the same data exists (then that one is the job's result).
    Safe to run twice: one review state, one file."""
    from django.core.files.base import ContentFile

    from acceptance.documents import report_data, report_fingerprint, report_pdf

    if job.status == ReportStatus.DONE and job.report_id:
        return job.report
    _job_step(job, ReportStatus.RENDERING, 10, _("Reading the review"))
    review = AcceptanceReview.objects.select_related(
        "application__program", "application__enterprise__organisation", "application__provider__organisation"
    ).get(pk=job.review_id)
    data = report_data(review)
    fingerprint = report_fingerprint(data)
    existing = review.report_files.filter(fingerprint=fingerprint).first()
    if existing is None:
        _job_step(job, ReportStatus.RENDERING, 40, _("Laying out the pages"))
        jobs.drill_pause()
        rendered = report_pdf(data)
        _job_step(job, ReportStatus.RENDERING, 85, _("Storing the file"))
        name = f"{review.application.filing_number or review.application.pk}-验收报告.pdf"
        upload = ContentFile(rendered.content, name=name)
        with transaction.atomic():
            for older in review.report_files.filter(is_active=True):
                older.is_active = False
                record_save(older, acting_user=job.requested_by, update_fields=["is_active", "updated_at"])
            existing = stored_file_save(
                AcceptanceReportFile(review=review, fingerprint=fingerprint, pages=rendered.pages),
                upload=upload,
                acting_user=job.requested_by,
                reason=_("Report generated"),
            )
    job.report = existing
    job.status, job.progress, job.message = ReportStatus.DONE, 100, ""
    record_save(job, acting_user=job.requested_by)
    return existing


def report_retry(*, access: ProgramAccess, job: ReportJob) -> ReportJob:
    """Render a failed report job again, on the same record: one review state makes one file."""
    access.require(Capability.GENERATE_ACCEPTANCE_REPORT)
    if job.review.application.program_id != access.program.pk:
        raise NotAllowed(_("The acceptance review is not one of this program's."))
    return jobs.job_retry("report", job, acting_user=access.user)
