"""Writes of supervision (全过程监理): the bureau assigns a firm to a project and ends the assignment; the firm
records inspections with photos and rectification requests, closes answered ones or sends them back; the
project's lead contractor answers them; the bureau may let an acceptance request go ahead despite one.

Rectification states: open → answered (provider) → closed (firm), or answered → open again (firm, with a
reason). Every step saves a history row (who, when, why) and a `RectificationEvent` with the full text."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filings.models import Application
from organisations.models import Organisation
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.files import stored_file_save
from portal.core.roles import Capability
from portal.core.services import record_save
from portal.core.uploads import check_upload
from programs.access import ProgramAccess
from supervision.models import (
    Inspection,
    InspectionPhoto,
    Rectification,
    RectificationEvent,
    RectificationEventKind,
    RectificationStatus,
    SupervisionAssignment,
)
from supervision.selectors import firm_choices
from supervision.workflow import PROJECT, RECTIFICATION

MAX_PHOTOS = 10
MAX_RECTIFICATIONS = 20


def _required(text, field: str, message) -> str:
    value = (text or "").strip()
    if not value:
        raise PortalError(message, fields={field: [_("This field is required.")]})
    return value


def _lock_project(access: ProgramAccess, application) -> Application:
    """The project row, locked; every write of a project's supervision takes it first, so they run one at a time."""
    project = (
        Application.objects.select_for_update(of=("self",))
        .select_related("provider__organisation")
        .filter(pk=application.pk, program=access.program)
        .first()
    )
    if project is None:
        raise PortalError(_("The project is not one of this program's."))
    return project


def _require_assigned_firm(access: ProgramAccess, project) -> SupervisionAssignment:
    """The project's active assignment, when it is the caller's organisation's; NotAllowed otherwise."""
    access.require(Capability.SUPERVISE)
    assignment = SupervisionAssignment.objects.filter(application=project, is_active=True).first()
    if assignment is None or assignment.organisation_id != access.user.organisation_id:
        raise NotAllowed(_("Only the supervision firm assigned to this project may do this."))
    return assignment


def _event(rectification, kind, text, actor) -> RectificationEvent:
    return record_save(
        RectificationEvent(rectification=rectification, kind=kind, text=text, actor=actor),
        acting_user=actor,
        reason=RectificationEventKind(kind).label,
    )


def _lock_rectification(access, rectification) -> tuple[Application, Rectification]:
    project = _lock_project(access, rectification.application)
    locked = Rectification.objects.select_for_update().filter(pk=rectification.pk, application=project).first()
    if locked is None:
        raise PortalError(_("The rectification request is not one of this project's."))
    return project, locked


# Assignments -----------------------------------------------------------------------------------------------


def assignment_create(
    *, access: ProgramAccess, application: Application, organisation: Organisation, note: str = ""
) -> SupervisionAssignment:
    """Assign `organisation` to supervise an approved project of the program.

    Refused (nothing written) when the caller may not assign (NotAllowed), the project is another program's or
    not approved, the firm is not a supervision firm holding the role in the program (PortalError), or the
    project has an active assignment already (Conflict)."""
    access.require(Capability.ASSIGN_SUPERVISION)
    if application.program_id != access.program.pk:
        raise PortalError(_("Choose a project of this program."), fields={"application": [_("Invalid.")]})
    if organisation is None or not firm_choices(program=access.program).filter(pk=organisation.pk).exists():
        raise PortalError(
            _("Choose a supervision firm that holds the supervision role in this program."),
            fields={"organisation": [_("Invalid.")]},
        )
    with transaction.atomic():
        project = _lock_project(access, application)
        PROJECT.require("assign", project.status, field="application")
        current = SupervisionAssignment.objects.filter(application=project, is_active=True).first()
        if current is not None:
            raise Conflict(
                _("%(firm)s already supervises this project; end that assignment first.")
                % {"firm": current.organisation.name},
                fields={"application": [_("Already supervised.")]},
            )
        try:
            with transaction.atomic():
                return record_save(
                    SupervisionAssignment(
                        program=access.program,
                        application=project,
                        organisation=organisation,
                        note=(note or "").strip(),
                        assigned_by=access.user,
                    ),
                    acting_user=access.user,
                    reason=_("Supervision firm assigned"),
                )
        except IntegrityError:  # the one-active-assignment constraint: another request won the race
            raise Conflict(_("This project already has a supervision firm.")) from None


def assignment_end(*, access: ProgramAccess, assignment: SupervisionAssignment, reason: str) -> SupervisionAssignment:
    """End an active assignment with a reason; the row stays, and the firm no longer sees the project."""
    access.require(Capability.ASSIGN_SUPERVISION)
    if assignment.program_id != access.program.pk:
        raise PortalError(_("The assignment is not one of this program's."))
    reason = _required(reason, "reason", _("Give the reason for ending the assignment."))
    with transaction.atomic():
        _lock_project(access, assignment.application)
        current = SupervisionAssignment.objects.select_for_update().get(pk=assignment.pk)
        if not current.is_active:
            raise Conflict(_("This assignment has ended already."))
        current.is_active = False
        current.ended_by, current.ended_at, current.ended_reason = access.user, timezone.now(), reason
        return record_save(
            current,
            acting_user=access.user,
            reason=_("Supervision assignment ended: %(reason)s") % {"reason": reason},
            update_fields=["is_active", "ended_by", "ended_at", "ended_reason", "updated_at"],
        )


# Inspections -----------------------------------------------------------------------------------------------


def _checked_requests(rectifications, inspected_on) -> list[tuple[str, datetime.date]]:
    """The rectification requests `(request, due_on)` to record, blank ones left out; each needs its text and a
    deadline on or after the inspection, and one inspection records at most `MAX_RECTIFICATIONS`."""
    requests = []
    for number, (text, due_on) in enumerate(rectifications, start=1):
        text = (text or "").strip()
        if not text and due_on is None:
            continue
        if not text:
            raise PortalError(
                _("Say what must be put right in request %(number)d.") % {"number": number},
                fields={"rectifications": [_("Required.")]},
            )
        if due_on is None or due_on < inspected_on:
            raise PortalError(
                _("The deadline of request %(number)d falls before the inspection; give a date on or after it.")
                % {"number": number},
                fields={"rectifications": [_("Deadline before the inspection.")]},
            )
        requests.append((text, due_on))
    if len(requests) > MAX_RECTIFICATIONS:
        raise PortalError(
            _("Record at most %(count)d requests with one inspection.") % {"count": MAX_RECTIFICATIONS},
            fields={"rectifications": [_("Too many.")]},
        )
    return requests


def inspection_record(
    *,
    access: ProgramAccess,
    application: Application,
    inspected_on: datetime.date,
    findings: str,
    uploads=(),
    rectifications=(),
) -> Inspection:
    """The assigned firm records an on-site inspection of an approved project, with up to `MAX_PHOTOS` photos
    and any number of rectification requests `(request, due_on)`, each due on or after the inspection.

    Every file and request is checked before anything is written; a refused inspection leaves nothing behind."""
    access.require(Capability.SUPERVISE)
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise PortalError(
            _("Attach at most %(count)d photos to one inspection.") % {"count": MAX_PHOTOS},
            fields={"photos": [_("Too many files.")]},
        )
    checked = [check_upload(upload) for upload in uploads]
    findings = _required(findings, "findings", _("Describe what the inspection found."))
    if inspected_on is None:
        raise PortalError(_("Give the date of the inspection."), fields={"inspected_on": [_("Required.")]})
    if inspected_on > timezone.localdate():
        raise PortalError(
            _("The inspection date cannot be in the future."), fields={"inspected_on": [_("In the future.")]}
        )
    requests = _checked_requests(rectifications, inspected_on)
    with transaction.atomic():
        project = _lock_project(access, application)
        assignment = _require_assigned_firm(access, project)
        PROJECT.require("inspect", project.status)
        inspection = record_save(
            Inspection(
                assignment=assignment,
                application=project,
                inspected_on=inspected_on,
                findings=findings,
                recorded_by=access.user,
            ),
            acting_user=access.user,
            reason=_("Inspection recorded"),
        )
        for upload, check in zip(uploads, checked, strict=True):
            stored_file_save(
                InspectionPhoto(inspection=inspection),
                upload=upload,
                acting_user=access.user,
                reason=_("Inspection photo"),
                checked=check,
            )
        for text, due_on in requests:
            item = record_save(
                Rectification(
                    inspection=inspection, application=project, request=text, due_on=due_on, requested_by=access.user
                ),
                acting_user=access.user,
                reason=_("Rectification requested"),
            )
            _event(item, RectificationEventKind.REQUESTED, text, access.user)
    return inspection


# Rectifications --------------------------------------------------------------------------------------------


@transaction.atomic
def rectification_answer(*, access: ProgramAccess, rectification: Rectification, answer: str) -> Rectification:
    """The project's lead contractor says how it put the request right: open → answered."""
    access.require(Capability.ANSWER_RECTIFICATION)
    project, locked = _lock_rectification(access, rectification)
    if project.provider is None or project.provider.organisation_id != access.user.organisation_id:
        raise NotAllowed(_("Only the provider implementing this project may answer its rectification requests."))
    RECTIFICATION.require("answer", locked.status)
    answer = _required(answer, "answer", _("Say how the request was put right."))
    locked.status = RectificationStatus.ANSWERED
    locked.answer, locked.answered_by, locked.answered_at = answer, access.user, timezone.now()
    record_save(locked, acting_user=access.user, reason=_("Answered by the provider"))
    _event(locked, RectificationEventKind.ANSWERED, answer, access.user)
    return locked


@transaction.atomic
def rectification_close(*, access: ProgramAccess, rectification: Rectification, conclusion: str) -> Rectification:
    """The assigned firm accepts the provider's answer: answered → closed, with its conclusion."""
    project, locked = _lock_rectification(access, rectification)
    _require_assigned_firm(access, project)
    RECTIFICATION.require("close", locked.status)
    conclusion = _required(conclusion, "conclusion", _("Record the conclusion of the check."))
    locked.status = RectificationStatus.CLOSED
    locked.closing_note, locked.closed_by, locked.closed_at = conclusion, access.user, timezone.now()
    record_save(locked, acting_user=access.user, reason=_("Closed by the supervision firm"))
    _event(locked, RectificationEventKind.CLOSED, conclusion, access.user)
    return locked


@transaction.atomic
def rectification_reopen(*, access: ProgramAccess, rectification: Rectification, reason: str) -> Rectification:
    """The assigned firm finds the answer wanting: answered → open again, with the reason; the provider answers
    again."""
    project, locked = _lock_rectification(access, rectification)
    _require_assigned_firm(access, project)
    RECTIFICATION.require("reopen", locked.status)
    reason = _required(reason, "reason", _("Say why the answer does not put the request right."))
    locked.status = RectificationStatus.OPEN
    record_save(locked, acting_user=access.user, reason=_("Sent back: %(reason)s") % {"reason": reason})
    _event(locked, RectificationEventKind.SENT_BACK, reason, access.user)
    return locked


@transaction.atomic
def rectification_waive(*, access: ProgramAccess, rectification: Rectification, reason: str) -> Rectification:
    """The bureau records why the project's acceptance may be requested while this request is not closed. The
    request stays open for the firm and the provider; it only stops blocking the acceptance request."""
    access.require(Capability.WAIVE_RECTIFICATION)
    _project, locked = _lock_rectification(access, rectification)
    RECTIFICATION.require("waive", locked.status)
    if locked.waived_at is not None:
        raise Conflict(_("The bureau has waived this request already."))
    reason = _required(reason, "reason", _("Record why acceptance may be requested despite this request."))
    locked.waiver_reason, locked.waived_by, locked.waived_at = reason, access.user, timezone.now()
    record_save(
        locked, acting_user=access.user, reason=_("Waived for the acceptance request: %(reason)s") % {"reason": reason}
    )
    _event(locked, RectificationEventKind.WAIVED, reason, access.user)
    return locked
