"""Sample enterprises (样本企业, seed 000 §三(六), §四(六)): after acceptance an enterprise and its provider apply
together; the bureau has experts and association representatives check on site, then designates the sample within
its industry's quota (or declines). Other enterprises of the program start a filing from a sample (学样仿样).

Every write checks the caller's role through `ProgramAccess`, locks what it changes and leaves a history row with
who, when and why (`record_save`). Nothing is deleted: a withdrawn or declined application, a revoked designation
and a removed photo stay on record. A withdrawal reuses the decision columns (`decided_by`, `decided_at`,
`decision_reason`): they say who ended the application, when and why.

The workflow as data is `samples.workflow.SAMPLE`, checked by every write on an application before anything
is written.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.designations import designation_revoke, lock_program, required_text
from filings.models import Application
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.files import stored_file_save
from portal.core.roles import Capability
from portal.core.services import record_save
from portal.core.uploads import check_upload
from programs.access import ProgramAccess
from samples.models import (
    LIVE_SAMPLE_STATUSES,
    SampleApplication,
    SampleCopy,
    SampleDesignation,
    SamplePhoto,
    SampleSiteCheck,
    SampleStatus,
)
from samples.selectors import active_sample_count, project_accepted, sample_quota
from samples.workflow import SAMPLE

MAX_PHOTOS = 10
COPY_TITLE_PREFIX = "参照样本："
TITLE_LENGTH = 120


def _locked(sample_application: SampleApplication, access: ProgramAccess) -> SampleApplication:
    locked = (
        SampleApplication.objects.select_for_update().filter(pk=sample_application.pk, program=access.program).first()
    )
    if locked is None:
        raise NotAllowed(_("This sample application belongs to another program."))
    return locked


def is_project_owner(access: ProgramAccess, application: Application) -> bool:
    return (
        access.can(Capability.APPLY_SAMPLE)
        and access.user.organisation_id is not None
        and application.enterprise.organisation_id == access.user.organisation_id
    )


def is_project_provider(access: ProgramAccess, application: Application) -> bool:
    return (
        access.can(Capability.COSIGN_SAMPLE)
        and access.user.organisation_id is not None
        and application.provider_id is not None
        and application.provider.organisation_id == access.user.organisation_id
    )


def _checked_photos(photos, captions) -> list[tuple]:
    photos = list(photos or [])
    captions = list(captions or [])
    if len(photos) > MAX_PHOTOS:
        message = _("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}
        raise PortalError(message, fields={"photos": [message]})
    checked = []
    for index, upload in enumerate(photos):
        result = check_upload(upload)
        if not result.content_type.startswith("image/"):
            message = _("“%(name)s” is not a photo; attach PNG or JPG images.") % {"name": result.name}
            raise PortalError(message, fields={"photos": [message]})
        caption = (captions[index] if index < len(captions) else "") or ""
        checked.append((upload, result, caption.strip()[:120]))
    return checked


def _store_photos(item: SampleApplication, checked, user) -> None:
    for upload, result, caption in checked:
        stored_file_save(
            SamplePhoto(sample_application=item, caption=caption),
            upload=upload,
            acting_user=user,
            reason=_("Sample photo added"),
            checked=result,
        )


# --- the enterprise and its provider ----------------------------------------------------------------------


def sample_apply(
    *, access: ProgramAccess, application: Application, statement: str, photos=(), captions=()
) -> SampleApplication:
    """Apply for sample status with the caller's own accepted project, saying what was transformed and achieved,
    with up to MAX_PHOTOS photos (checked before anything is written).

    Refused: not an enterprise user or not the project's enterprise (NotAllowed); an empty statement, a project
    whose acceptance has not passed, a refused photo (PortalError); a project holding a live application
    already (Conflict)."""
    access.require(Capability.APPLY_SAMPLE)
    if application.program_id != access.program.pk or not is_project_owner(access, application):
        raise NotAllowed(_("Only the enterprise of the project may apply for sample status."))
    statement = required_text(statement, "statement", _("Say what the project transformed and achieved."))
    checked = _checked_photos(photos, captions)
    if application.provider_id is None:
        raise PortalError(
            _("The project names no provider; the enterprise and its provider apply together."),
            fields={"application": [_("No provider.")]},
        )
    if not project_accepted(application):
        raise PortalError(
            _("Only a project whose acceptance has passed may apply for sample status."),
            fields={"application": [_("Acceptance has not passed.")]},
        )
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        if SampleApplication.objects.filter(application=application, status__in=LIVE_SAMPLE_STATUSES).exists():
            raise Conflict(
                _("This project already has a sample application in progress or is a sample already."),
                fields={"application": [_("Already applied.")]},
            )
        item = record_save(
            SampleApplication(
                program=access.program,
                application=application,
                industry_id=application.enterprise.industry_id,
                statement=statement,
                applied_by=access.user,
            ),
            acting_user=access.user,
            reason=_("Applied for sample status"),
        )
        _store_photos(item, checked, access.user)
    return item


def sample_photo_add(
    *, access: ProgramAccess, sample_application: SampleApplication, upload, caption: str = ""
) -> SamplePhoto:
    """Add a photo to the caller's own open or designated application, up to MAX_PHOTOS active photos."""
    access.require(Capability.APPLY_SAMPLE)
    ((upload, result, caption),) = _checked_photos([upload], [caption])
    with transaction.atomic():
        item = _locked(sample_application, access)
        if not is_project_owner(access, item.application):
            raise NotAllowed(_("Only the enterprise of the project may add photos."))
        SAMPLE.require("photo_add", item.status)
        if item.photos.filter(is_active=True).count() >= MAX_PHOTOS:
            message = _("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}
            raise PortalError(message, fields={"file": [message]})
        photo = SamplePhoto(sample_application=item, caption=caption)
        return stored_file_save(
            photo, upload=upload, acting_user=access.user, reason=_("Sample photo added"), checked=result
        )


def sample_photo_remove(*, access: ProgramAccess, photo: SamplePhoto, reason: str = "") -> SamplePhoto:
    """Take a photo off the caller's own application; the file and its row stay on record."""
    access.require(Capability.APPLY_SAMPLE)
    with transaction.atomic():
        item = _locked(photo.sample_application, access)
        if not is_project_owner(access, item.application):
            raise NotAllowed(_("Only the enterprise of the project may remove photos."))
        SAMPLE.require("photo_remove", item.status)
        current = SamplePhoto.objects.select_for_update().get(pk=photo.pk)
        if not current.is_active:
            raise Conflict(_("This photo was removed already."))
        current.is_active = False
        return record_save(
            current,
            acting_user=access.user,
            reason=(reason or "").strip() or _("Sample photo removed"),
            update_fields=["is_active", "updated_at"],
        )


def sample_cosign(*, access: ProgramAccess, sample_application: SampleApplication, statement: str) -> SampleApplication:
    """The project's provider (its lead contractor) joins the application with its own statement → cosigned.

    Refused for anyone but a user of the project's provider (NotAllowed), without a statement (PortalError),
    and unless the application awaits the provider (Conflict)."""
    access.require(Capability.COSIGN_SAMPLE)
    statement = required_text(statement, "provider_statement", _("Say what your organisation implemented."))
    with transaction.atomic():
        item = _locked(sample_application, access)
        if not is_project_provider(access, item.application):
            raise NotAllowed(_("Only the provider that implemented the project may join its sample application."))
        SAMPLE.require("cosign", item.status)
        item.status = SampleStatus.COSIGNED
        item.provider_statement = statement
        item.cosigned_by = access.user
        item.cosigned_at = timezone.now()
        return record_save(
            item,
            acting_user=access.user,
            reason=_("Joined by the provider"),
            update_fields=["status", "provider_statement", "cosigned_by", "cosigned_at", "updated_at"],
        )


def sample_withdraw(*, access: ProgramAccess, sample_application: SampleApplication, reason: str) -> SampleApplication:
    """The enterprise or its provider withdraws the application before the bureau's decision, saying why."""
    if not (access.can(Capability.APPLY_SAMPLE) or access.can(Capability.COSIGN_SAMPLE)):
        raise NotAllowed(_("Your roles in this program do not allow this."))
    reason = required_text(reason, "reason", _("Say why the application is withdrawn."))
    with transaction.atomic():
        item = _locked(sample_application, access)
        if not (is_project_owner(access, item.application) or is_project_provider(access, item.application)):
            raise NotAllowed(_("Only the enterprise of the project or its provider may withdraw the application."))
        SAMPLE.require("withdraw", item.status)
        item.status = SampleStatus.WITHDRAWN
        item.decided_by, item.decided_at, item.decision_reason = access.user, timezone.now(), reason
        return record_save(
            item,
            acting_user=access.user,
            reason=reason,
            update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"],
        )


# --- the bureau -------------------------------------------------------------------------------------------


def sample_check_record(
    *,
    access: ProgramAccess,
    sample_application: SampleApplication,
    checked_on: date,
    experts: str,
    association_representatives: str,
    findings: str,
    recommends: bool,
) -> SampleSiteCheck:
    """Record the on-site check by experts and association representatives of a cosigned application → checked."""
    access.require(Capability.MANAGE_SAMPLES)
    if checked_on is None:
        raise PortalError(_("Give the date of the check."), fields={"checked_on": [_("This field is required.")]})
    experts = required_text(experts, "experts", _("Name the experts who checked on site."))
    representatives = required_text(
        association_representatives,
        "association_representatives",
        _("Name the industry association's representatives."),
    )
    findings = required_text(findings, "findings", _("Record what the check found."))
    with transaction.atomic():
        item = _locked(sample_application, access)
        SAMPLE.require("check_record", item.status)
        check = record_save(
            SampleSiteCheck(
                sample_application=item,
                checked_on=checked_on,
                experts=experts,
                association_representatives=representatives,
                findings=findings,
                recommends=bool(recommends),
                recorded_by=access.user,
            ),
            acting_user=access.user,
            reason=_("On-site check recorded"),
        )
        item.status = SampleStatus.CHECKED
        record_save(
            item, acting_user=access.user, reason=_("On-site check recorded"), update_fields=["status", "updated_at"]
        )
    return check


def sample_designate(
    *,
    access: ProgramAccess,
    sample_application: SampleApplication,
    reason: str,
    reference: str = "",
    decided_on: date | None = None,
) -> SampleDesignation:
    """Designate the checked application's enterprise a sample of its industry → designated.

    Refused without a reason (PortalError), before the on-site check or after a decision (Conflict), and when the
    industry already holds its `sample_quota` of active samples (PortalError). The quota is counted under a lock
    on the program row, so concurrent designations cannot together pass it."""
    access.require(Capability.MANAGE_SAMPLES)
    reason = required_text(reason, "reason", _("Give the reason for the designation."))
    with transaction.atomic():
        lock_program(access.program.pk)
        item = _locked(sample_application, access)
        SAMPLE.require("designate", item.status)
        if SampleDesignation.objects.filter(application_id=item.application_id, is_active=True).exists():
            raise Conflict(_("This project is a sample enterprise already."))
        industry = item.industry
        maximum = sample_quota(program=access.program).get(industry.code)
        if maximum is not None and active_sample_count(program=access.program, industry_id=industry.pk) >= maximum:
            message = _(
                "The industry %(industry)s already has %(maximum)d sample enterprises, the quota of the program's "
                "policy. Revoke one before designating another."
            ) % {"industry": industry.display_name, "maximum": maximum}
            raise PortalError(message, fields={"reason": [_("The industry's quota is reached.")]})
        designation = record_save(
            SampleDesignation(
                program=access.program,
                sample_application=item,
                application_id=item.application_id,
                industry=industry,
                reason=reason,
                reference=(reference or "").strip(),
                decided_on=decided_on,
                designated_by=access.user,
            ),
            acting_user=access.user,
            reason=_("Sample enterprise designated"),
        )
        item.status = SampleStatus.DESIGNATED
        item.decided_by, item.decided_at, item.decision_reason = access.user, timezone.now(), reason
        record_save(
            item,
            acting_user=access.user,
            reason=_("Sample enterprise designated"),
            update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"],
        )
    return designation


def sample_decline(*, access: ProgramAccess, sample_application: SampleApplication, reason: str) -> SampleApplication:
    """Decline an open application with a reason → declined (the project may apply again later)."""
    access.require(Capability.MANAGE_SAMPLES)
    reason = required_text(reason, "reason", _("Give the reason for declining."))
    with transaction.atomic():
        item = _locked(sample_application, access)
        SAMPLE.require("decline", item.status)
        item.status = SampleStatus.DECLINED
        item.decided_by, item.decided_at, item.decision_reason = access.user, timezone.now(), reason
        return record_save(
            item,
            acting_user=access.user,
            reason=reason,
            update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"],
        )


def sample_revoke(*, access: ProgramAccess, designation: SampleDesignation, reason: str) -> SampleDesignation:
    """Revoke an active designation, keeping the row with the reason; frees a place in the industry's quota and
    takes the sample out of the gallery. An award already granted stays until the bureau withdraws it."""
    access.require(Capability.MANAGE_SAMPLES)
    if designation.program_id != access.program.pk:
        raise NotAllowed(_("This designation belongs to another program."))
    return designation_revoke(
        designation, user=access.user, reason=reason, history_reason=_("Sample enterprise revoked")
    )


# --- learning from a sample -------------------------------------------------------------------------------


def copy_title(sample: SampleDesignation) -> str:
    return (COPY_TITLE_PREFIX + sample.application.title)[:TITLE_LENGTH]


def sample_start_filing(*, access: ProgramAccess, sample: SampleDesignation, title: str = "") -> Application:
    """A new draft filing of the caller's own enterprise whose lines copy the sample project's active scenario
    list exactly (module, part, category, description, amount), on the same track, with the sample's provider
    where the caller's industry may pick it; and the SampleCopy that counts it for the sample.

    Refused for non-enterprise users and an enterprise without a profile in the program (NotAllowed), a sample
    of another program or a revoked one (PortalError)."""
    from filings.services import application_create
    from providers.selectors import pickable_providers

    access.require(Capability.FILE)
    if sample.program_id != access.program.pk:
        raise NotAllowed(_("This sample belongs to another program."))
    if not sample.is_active:
        raise PortalError(_("This sample enterprise was revoked; choose another sample."))
    source = sample.application
    title = ((title or "").strip() or copy_title(sample))[:TITLE_LENGTH]
    lines = [
        {
            "module": line.module,
            "part": line.part,
            "category": line.category,
            "description": line.description,
            "amount": line.amount,
        }
        for line in source.lines.filter(is_active=True).select_related("module").order_by("part", "id")
    ]
    profile = access.program.enterprises.filter(organisation_id=access.user.organisation_id, is_active=True).first()
    provider = None
    if profile is not None and source.provider_id is not None:
        provider = (
            pickable_providers(program=access.program, industry=profile.industry).filter(pk=source.provider_id).first()
        )
    with transaction.atomic():
        application = application_create(
            access=access, fields={"track": source.track, "title": title, "provider": provider}, lines=lines
        )
        record_save(
            SampleCopy(sample=sample, application=application, copied_by=access.user),
            acting_user=access.user,
            reason=_("Filing started from a sample"),
        )
    return application
