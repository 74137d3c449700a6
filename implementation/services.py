"""Writes during implementation: milestones, the provider's progress posts with evidence, the enterprise's
answer, completion, rating and complaints, and the bureau's adjustments and complaint decisions."""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filings.models import Application, Status, Subcontract
from implementation.models import (
    Complaint,
    ComplaintStatus,
    Milestone,
    MilestoneTemplate,
    PostStatus,
    ProgressEvidence,
    ProgressPost,
    ProviderRating,
)
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.files import stored_file_save
from portal.core.roles import Capability
from portal.core.services import record_save
from portal.core.tasks import queue_after_commit
from portal.core.uploads import check_upload
from programs.access import ProgramAccess

MAX_EVIDENCE_FILES = 10


def milestones_create(*, application: Application, approved_on: datetime.date, acting_user) -> list[Milestone]:
    """Copy the track's milestone templates onto a just-approved project, due counted from `approved_on`.
    A track without templates gets one milestone due at the implementation deadline."""
    templates = MilestoneTemplate.objects.filter(
        program_id=application.program_id, track=application.track, is_active=True
    ).order_by("number")
    specs = [(t.name, approved_on + datetime.timedelta(days=t.due_days)) for t in templates]
    if not specs:
        specs = [(_("Implementation complete"), application.implementation_deadline or approved_on)]
    return [
        record_save(
            Milestone(application=application, number=number, name=name, due_on=due_on),
            acting_user=acting_user,
            reason=_("Milestones set at approval"),
        )
        for number, (name, due_on) in enumerate(specs, start=1)
    ]


def _lock_project(access, application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("provider__organisation", "enterprise__organisation")
        .get(pk=application.pk, program=access.program)
    )


def _require_implementing(access, project):
    access.require(Capability.POST_PROGRESS)
    if project.provider is None or project.provider.organisation_id != access.user.organisation_id:
        raise NotAllowed(_("Only the provider implementing this project may post its progress."))


def _require_part_holder(access, project, subcontract) -> Subcontract:
    """The subcontract, locked, when the caller's organisation holds it on this project. The lead contractor
    reports on the whole project, not on a subcontractor's part."""
    access.require(Capability.POST_PROGRESS)
    part = (
        Subcontract.objects.select_for_update(of=("self",))
        .select_related("membership")
        .filter(pk=subcontract.pk, application=project, is_active=True)
        .first()
    )
    if part is None or part.membership.organisation_id != access.user.organisation_id:
        raise NotAllowed(_("Only the subcontractor of this part may post its progress."))
    return part


def _require_owner(access, project):
    access.require(Capability.CONFIRM_PROGRESS)
    if project.enterprise.organisation_id != access.user.organisation_id:
        raise NotAllowed(_("Only the enterprise of this project may do this."))


def _require_in_implementation(project):
    if project.status != Status.APPROVED:
        raise Conflict(_("The project is not in implementation."))
    if project.completed_at is not None:
        raise Conflict(_("The project's implementation is complete."))


@transaction.atomic
def milestone_save(
    *, access: ProgramAccess, application: Application, name: str, due_on, reason: str, milestone=None
) -> Milestone:
    """The bureau renames, reschedules or adds a project milestone; the reason goes into its history."""
    access.require(Capability.MANAGE_IMPLEMENTATION)
    project = _lock_project(access, application)
    _require_in_implementation(project)
    if not (reason or "").strip():
        raise PortalError(_("Record why the milestone changes."), fields={"reason": [_("Required.")]})
    if milestone is None:
        number = (project.milestones.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        milestone = Milestone(application=project, number=number)
    elif milestone.application_id != project.pk:
        raise PortalError(_("The milestone is not one of this project's."))
    milestone.name, milestone.due_on = name, due_on
    return record_save(milestone, acting_user=access.user, reason=reason)


def _postable(access, application, milestone, percent, claims_completion, subcontract):
    """The project locked, the milestone and the subcontract (locked) a post may be filed under, once the caller
    may post there, the percentage is not below what the enterprise confirmed and completion may be declared."""
    project = _lock_project(access, application)
    if subcontract is None:
        _require_implementing(access, project)
    else:
        subcontract = _require_part_holder(access, project, subcontract)
        if claims_completion:
            raise NotAllowed(_("Only the lead contractor declares the project complete."))
    _require_in_implementation(project)
    milestone = project.milestones.filter(pk=milestone.pk, is_active=True).first()
    if milestone is None:
        raise PortalError(_("Choose one of the project's milestones."), fields={"milestone": [_("Invalid.")]})
    confirmed = subcontract.percent if subcontract is not None else milestone.percent
    if int(percent) < confirmed:
        message = (
            _("The enterprise has already confirmed %(percent)d%% of this part.")
            if subcontract is not None
            else _("The enterprise has already confirmed %(percent)d%% of this milestone.")
        )
        raise PortalError(message % {"percent": confirmed}, fields={"percent": [_("Too low.")]})
    if project.progress_posts.filter(claims_completion=True, status=PostStatus.PENDING).exists():
        raise Conflict(_("The provider has declared completion: wait for the enterprise's answer."))
    if claims_completion:
        if project.progress_posts.filter(status=PostStatus.PENDING).exists():
            raise PortalError(_("Declare completion once the enterprise has answered every earlier update."))
        unfinished = project.milestones.filter(is_active=True, percent__lt=100).exclude(pk=milestone.pk)
        if int(percent) != 100 or unfinished.exists():
            raise PortalError(
                # xgettext:no-python-format
                _("Completion can be declared with 100% on the last milestone once all others are confirmed.")
            )
    return project, milestone, subcontract


def _supersede_earlier(access, project, milestone, subcontract):
    """A later update replaces the unanswered one it repeats: the lead's on the same milestone, or the
    subcontractor's on the same part."""
    earlier = project.progress_posts.filter(status=PostStatus.PENDING)
    earlier = (
        earlier.filter(subcontract=subcontract)
        if subcontract
        else earlier.filter(milestone=milestone, subcontract__isnull=True)
    )
    for older in earlier:
        older.status = PostStatus.SUPERSEDED
        record_save(older, acting_user=access.user, reason=_("Replaced by a later update"))


def progress_post(
    *,
    access: ProgramAccess,
    application: Application,
    milestone: Milestone,
    percent: int,
    text: str,
    uploads=(),
    claims_completion: bool = False,
    subcontract: Subcontract | None = None,
) -> ProgressPost:
    """The implementing provider reports a milestone's progress, with evidence files and photos. Every file is
    checked before anything is written; a refused post leaves nothing behind.

    Without `subcontract` the post is the lead contractor's (the filing's provider) report on the whole project;
    only the lead may make it, and only the lead declares completion. With `subcontract` it is that
    subcontractor's report on its part (`percent` is the part's progress, filed under `milestone`); only the
    subcontractor's own users may make it. The lead contractor does not post on a subcontractor's part."""
    uploads = list(uploads)
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise PortalError(_("Attach at most %(count)d files to one update.") % {"count": MAX_EVIDENCE_FILES})
    checked = [check_upload(upload) for upload in uploads]
    if not (text or "").strip():
        raise PortalError(_("Say what was done."), fields={"text": [_("Required.")]})
    if percent is None or not 0 <= int(percent) <= 100:
        raise PortalError(_("Progress is a percentage from 0 to 100."), fields={"percent": [_("Invalid.")]})
    with transaction.atomic():
        project, milestone, subcontract = _postable(
            access, application, milestone, percent, claims_completion, subcontract
        )
        _supersede_earlier(access, project, milestone, subcontract)
        post = record_save(
            ProgressPost(
                application=project,
                milestone=milestone,
                subcontract=subcontract,
                percent=int(percent),
                text=text.strip(),
                claims_completion=claims_completion,
                posted_by=access.user,
            ),
            acting_user=access.user,
            reason=_("Progress posted"),
        )
        for upload, check in zip(uploads, checked, strict=True):
            stored_file_save(
                ProgressEvidence(post=post), upload=upload, acting_user=access.user, reason=_("Evidence"), checked=check
            )
        queue_after_commit("notifications.tasks.implementation_event_task", "post", post.pk, "posted")
    return post


@transaction.atomic
def progress_respond(*, access: ProgramAccess, post: ProgressPost, confirm: bool, response: str = "") -> ProgressPost:
    """The enterprise confirms or disputes an update. A confirmation moves the milestone to the posted share
    (a subcontractor's update moves its part, `Subcontract.percent`, and leaves the milestone, which is the lead
    contractor's figure for the whole); a confirmed completion ends implementation."""
    project = _lock_project(access, post.application)
    _require_owner(access, project)
    locked = ProgressPost.objects.select_for_update().get(pk=post.pk, application=project)
    if locked.status != PostStatus.PENDING:
        raise Conflict(
            _("This update has already been answered: %(status)s.") % {"status": locked.get_status_display()}
        )
    response = (response or "").strip()
    if not confirm and not response:
        raise PortalError(_("Say what you dispute: the provider reads it."), fields={"response": [_("Required.")]})
    _require_in_implementation(project)
    now = timezone.now()
    locked.status = PostStatus.CONFIRMED if confirm else PostStatus.DISPUTED
    locked.responded_by, locked.responded_at, locked.response = access.user, now, response
    record_save(locked, acting_user=access.user, reason=locked.get_status_display())
    if confirm and locked.subcontract_id is not None:
        part = Subcontract.objects.select_for_update().get(pk=locked.subcontract_id)
        if locked.percent > part.percent:
            part.percent = locked.percent
            record_save(part, acting_user=access.user, reason=_("Progress of the part confirmed"))
    elif confirm:
        milestone = Milestone.objects.select_for_update().get(pk=locked.milestone_id)
        if locked.percent > milestone.percent:
            milestone.percent = locked.percent
            record_save(milestone, acting_user=access.user, reason=_("Progress confirmed"))
        if locked.claims_completion:
            project.completed_at = now
            record_save(project, acting_user=access.user, reason=_("Implementation complete"))
    queue_after_commit("notifications.tasks.implementation_event_task", "post", locked.pk, "answered")
    return locked


@transaction.atomic
def rating_give(*, access: ProgramAccess, application: Application, score: int, comment: str = "") -> ProviderRating:
    """The enterprise rates its provider 1–5 once implementation is complete; once per project."""
    project = _lock_project(access, application)
    _require_owner(access, project)
    if project.completed_at is None:
        raise Conflict(_("Rate the provider once implementation is complete."))
    if ProviderRating.objects.filter(application=project).exists():
        raise Conflict(_("This project's provider has already been rated."))
    if score is None or not 1 <= int(score) <= 5:
        raise PortalError(_("Give 1 to 5 stars."), fields={"score": [_("Invalid.")]})
    return record_save(
        ProviderRating(application=project, score=int(score), comment=(comment or "").strip(), rated_by=access.user),
        acting_user=access.user,
        reason=_("Provider rated"),
    )


@transaction.atomic
def complaint_file(*, access: ProgramAccess, application: Application, text: str) -> Complaint:
    """The enterprise complains about its provider on an approved project; the bureau decides."""
    project = _lock_project(access, application)
    _require_owner(access, project)
    if project.status != Status.APPROVED or project.provider_id is None:
        raise Conflict(_("Complaints concern the provider of an approved project."))
    if not (text or "").strip():
        raise PortalError(_("Describe the complaint."), fields={"text": [_("Required.")]})
    complaint = record_save(
        Complaint(application=project, text=text.strip(), filed_by=access.user),
        acting_user=access.user,
        reason=_("Complaint filed"),
    )
    queue_after_commit("notifications.tasks.implementation_event_task", "complaint", complaint.pk, "filed")
    return complaint


@transaction.atomic
def complaint_decide(*, access: ProgramAccess, complaint: Complaint, confirm: bool, note: str) -> Complaint:
    """The bureau confirms (counts against the provider) or dismisses a complaint, with its reasons."""
    access.require(Capability.MANAGE_IMPLEMENTATION)
    locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk, application__program=access.program)
    if locked.status != ComplaintStatus.OPEN:
        raise Conflict(
            _("This complaint has already been decided: %(status)s.") % {"status": locked.get_status_display()}
        )
    if not (note or "").strip():
        raise PortalError(_("Record the reasons for the decision."), fields={"note": [_("Required.")]})
    locked.status = ComplaintStatus.CONFIRMED if confirm else ComplaintStatus.DISMISSED
    locked.decided_by, locked.decided_at, locked.decision_note = access.user, timezone.now(), note.strip()
    record_save(locked, acting_user=access.user, reason=locked.get_status_display())
    queue_after_commit("notifications.tasks.implementation_event_task", "complaint", locked.pk, "decided")
    return locked


SEED_MILESTONES = Path(__file__).resolve().parent / "seed_data" / "milestones.json"


def milestone_templates_load(*, program, tracks) -> int:
    """Give each of `tracks` its seeded default milestones, unless the track already has some (idempotent)."""
    seeded = json.loads(SEED_MILESTONES.read_text(encoding="utf-8"))
    created = 0
    for track in tracks:
        if track not in seeded or MilestoneTemplate.objects.filter(program=program, track=track).exists():
            continue
        for number, (name, due_days) in enumerate(seeded[track], start=1):
            record_save(
                MilestoneTemplate(program=program, track=track, number=number, name=name, due_days=due_days),
                acting_user=None,
                reason="seed",
            )
            created += 1
    return created
