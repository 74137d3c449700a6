"""Writes to filings: create and revise a draft, and every workflow transition (one place, one lock)."""

import calendar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filings.models import Application, ApplicationLine, Attachment, AttachmentKind, Transition
from filings.selectors import application_estimate, current_batch
from filings.workflow import ACTIONS, EDITABLE
from implementation.services import milestones_create
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.files import stored_file_save
from portal.core.roles import Capability, Role
from portal.core.services import record_save
from portal.core.tasks import queue_after_commit
from portal.core.uploads import check_upload
from programs.access import ProgramAccess
from providers.selectors import pickable_providers
from subsidies.selectors import policy_version_for_quote


def _own_profile(access: ProgramAccess):
    access.require(Capability.FILE)
    profile = access.program.enterprises.filter(organisation_id=access.user.organisation_id, is_active=True).first()
    if profile is None:
        raise NotAllowed(_("Your organisation has no enterprise profile in this program yet."))
    return profile


def _check_fields(access, fields, industry):
    version = policy_version_for_quote(program=access.program)
    tracks = set(version.tracks.values_list("code", flat=True))
    if fields.get("track") not in tracks:
        raise PortalError(_("Choose one of the program's tracks."), fields={"track": [_("Invalid.")]})
    provider = fields.get("provider")
    if (
        provider is not None
        and not pickable_providers(program=access.program, industry=industry).filter(pk=provider.pk).exists()
    ):
        raise PortalError(
            _("Pick one of the providers selected for your industry."), fields={"provider": [_("Invalid.")]}
        )


def _replace_lines(application, lines, actor):
    for line in application.lines.filter(is_active=True):
        line.is_active = False
        record_save(line, acting_user=actor, reason=_("Replaced by a revision"))
    for item in lines:
        module = item.get("module")
        if module is not None and module.program_id != application.program_id:
            raise PortalError(_("The scenario module is not in this program's catalogue."))
        record_save(ApplicationLine(application=application, **item), acting_user=actor, reason=_("Filed"))


def application_create(*, access: ProgramAccess, fields: dict, lines: list[dict]) -> Application:
    """A new draft filing of the caller's own enterprise. `lines`: dicts of module, part, category,
    description, amount."""
    profile = _own_profile(access)
    _check_fields(access, fields, profile.industry)
    with transaction.atomic():
        application = record_save(
            Application(program=access.program, enterprise=profile, created_by=access.user, **fields),
            acting_user=access.user,
            reason=_("Draft created"),
        )
        _replace_lines(application, lines, access.user)
    return application


def application_update(*, access: ProgramAccess, application: Application, fields: dict, lines: list[dict]):
    """Revise a draft or a returned filing of the caller's own enterprise."""
    profile = _own_profile(access)
    _check_fields(access, fields, profile.industry)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.enterprise_id != profile.pk:
            raise NotAllowed(_("Only the enterprise that filed it may change this filing."))
        if locked.status not in EDITABLE:
            raise Conflict(
                _("This filing is “%(status)s” and can no longer be changed.") % {"status": locked.get_status_display()}
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        record_save(locked, acting_user=access.user, reason=_("Revised"))
        _replace_lines(locked, lines, access.user)
    return locked


def application_transition(
    *,
    access: ProgramAccess,
    application: Application,
    action: str,
    comment: str = "",
    expected_status: str | None = None,
) -> Application:
    """Take `action` on the filing. The row is locked: of two reviewers acting at once, the second is told
    what happened first. `expected_status`: the state the caller saw; a different current state is a Conflict."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise PortalError(_("Unknown action “%(action)s”.") % {"action": action})
    if not spec.roles & access.roles:
        raise NotAllowed(_("Your roles in this program do not allow this."))
    comment = (comment or "").strip()
    if spec.needs_comment and not comment:
        raise PortalError(_("Give a comment: the enterprise reads it."), fields={"comment": [_("Required.")]})
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("program", "enterprise__industry")
            .get(pk=application.pk, program=access.program)
        )
        if Role.ENTERPRISE in spec.roles and locked.enterprise.organisation_id != access.user.organisation_id:
            raise NotAllowed(_("Only the enterprise that filed it may do this."))
        if (expected_status and locked.status != expected_status) or locked.status not in spec.sources:
            last = locked.transitions.select_related("actor").order_by("-created_at", "-id").first()
            who = f"{last.actor}（{timezone.localtime(last.created_at):%Y-%m-%d %H:%M}）" if last else ""
            raise Conflict(
                _("The filing is already “%(status)s”%(by)s; “%(action)s” is no longer possible.")
                % {"status": locked.get_status_display(), "by": f"，{who}" if who else "", "action": spec.label}
            )
        before = locked.status
        if action in ("submit", "resubmit"):
            _check_submittable(locked, now)
            locked.submitted_at = now
        approved_on = _approve(locked, now) if action == "approve" else None
        if action in ("approve", "reject"):
            locked.decided_at = now
        locked.status = spec.target
        record_save(locked, acting_user=access.user, reason=comment or str(spec.label))
        if approved_on:
            milestones_create(application=locked, approved_on=approved_on, acting_user=access.user)
        step = record_save(
            Transition(
                application=locked,
                action=action,
                from_status=before,
                to_status=spec.target,
                actor=access.user,
                comment=comment,
            ),
            acting_user=access.user,
            reason=str(spec.label),
        )
        queue_after_commit("filings.tasks.notify_transition_task", step.pk)
    return locked


def _check_submittable(application, now):
    if not application.lines.filter(is_active=True).exists():
        raise PortalError(_("Add at least one N or X item before submitting."))
    _version, result = application_estimate(application, on_date=timezone.localdate(now))
    if not result.eligible:
        raise PortalError(
            _("The policy does not support this filing: %(reasons)s") % {"reasons": "；".join(result.reasons)}
        )


def _approve(application, now):
    """Filing number, participation batch and implementation deadline, fixed at approval."""
    today = timezone.localdate(now)
    program = type(application.program).objects.select_for_update().get(pk=application.program_id)
    sequence = Application.objects.filter(program=program).exclude(filing_number="").count() + 1
    application.filing_number = f"{program.slug.upper()}-{today:%Y}-{sequence:05d}"
    application.batch = application.batch or current_batch(program, timezone.localdate(application.submitted_at or now))
    months = (
        policy_version_for_quote(program=program)
        .tracks.filter(code=application.track)
        .values_list("implementation_months", flat=True)
        .first()
    )
    application.implementation_deadline = _add_months(today, months) if months else None
    return today


def _add_months(day, months):
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def application_bulk_approve(*, access: ProgramAccess, applications) -> dict[int, str]:
    """Approve each filing on its own; returns {id: ""} for approved ones and {id: reason} for refused ones."""
    outcome = {}
    for application in applications:
        try:
            application_transition(access=access, application=application, action="approve")
            outcome[application.pk] = ""
        except PortalError as error:
            outcome[application.pk] = str(error.message)
    return outcome


def attachment_add(*, access: ProgramAccess, application: Application, kind: str, upload) -> Attachment:
    """Store a file of a draft or returned filing of the caller's enterprise. A refused or failed upload
    leaves nothing behind: no row, no file."""
    profile = _own_profile(access)
    if kind not in AttachmentKind.values:
        raise PortalError(_("Choose what the file is."), fields={"kind": [_("Invalid.")]})
    checked = check_upload(upload)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk, program=access.program)
        if locked.enterprise_id != profile.pk:
            raise NotAllowed(_("Only the enterprise that filed it may change this filing."))
        if locked.status not in EDITABLE:
            raise Conflict(
                _("This filing is “%(status)s” and can no longer be changed.") % {"status": locked.get_status_display()}
            )
        return stored_file_save(
            Attachment(application=locked, kind=kind),
            upload=upload,
            acting_user=access.user,
            reason=_("Uploaded"),
            checked=checked,
        )


def attachment_remove(*, access: ProgramAccess, attachment: Attachment, reason: str = "") -> Attachment:
    """Take a file off a draft or returned filing; the file and its row stay for the record."""
    profile = _own_profile(access)
    application = attachment.application
    if application.enterprise_id != profile.pk or application.program_id != access.program.pk:
        raise NotAllowed(_("Only the enterprise that filed it may change this filing."))
    if application.status not in EDITABLE:
        raise Conflict(
            _("This filing is “%(status)s” and can no longer be changed.")
            % {"status": application.get_status_display()}
        )
    attachment.is_active = False
    return record_save(
        attachment, acting_user=access.user, reason=reason or _("Removed"), update_fields=["is_active", "updated_at"]
    )
