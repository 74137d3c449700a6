"""What every designation service shares (pilots in `enterprises.pilots`, samples in `samples.services`): the
required text of a decision, the program lock that serialises quota checks, and the revocation that keeps the row."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Designation
from portal.core.errors import Conflict, PortalError
from portal.core.services import record_save
from programs.models import Program


def required_text(value, field: str, message) -> str:
    """`value` stripped; PortalError with `message` (and "required" on `field`) when nothing is left."""
    text = (value or "").strip()
    if not text:
        raise PortalError(message, fields={field: [_("This field is required.")]})
    return text


def lock_program(program_id: int) -> None:
    """Every designation and revocation of a program takes this lock first, so quota checks run one at a time."""
    Program.objects.select_for_update().filter(pk=program_id).first()


def designation_revoke(designation: Designation, *, user, reason, history_reason) -> Designation:
    """Revoke an active designation under the program lock, keeping the row with who, when and why; Conflict when
    it was revoked already. The caller has checked the role and that the designation is its program's."""
    reason = required_text(reason, "reason", _("Give the reason for the revocation."))
    with transaction.atomic():
        lock_program(designation.program_id)
        current = type(designation).objects.select_for_update().get(pk=designation.pk)
        if not current.is_active:
            raise Conflict(_("This designation was revoked already."))
        current.is_active = False
        current.revoked_reason = reason
        current.revoked_by = user
        current.revoked_at = timezone.now()
        return record_save(
            current,
            acting_user=user,
            reason=history_reason,
            update_fields=["is_active", "revoked_reason", "revoked_by", "revoked_at", "updated_at"],
        )
