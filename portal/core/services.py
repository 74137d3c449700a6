"""Helpers every service uses to write: validation, the acting user on the history row, atomicity."""

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.core.errors import PortalError

REASON_LENGTH = 100  # the history row's reason column; the full text stays on the record itself (comments, notes)


def _short(reason) -> str:
    text = str(reason or "")
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def record_save(instance, *, acting_user, reason="", update_fields=None):
    """Validate and save `instance`, writing its history row with who and why.

    Raises PortalError carrying the field errors when validation fails; nothing is written then.
    """
    try:
        instance.full_clean()
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        first = next(iter(fields.values()))[0]
        raise PortalError(first, fields=fields) from error
    instance._history_user = acting_user
    instance._change_reason = _short(reason)
    with transaction.atomic():
        instance.save(update_fields=update_fields)
    return instance
