"""Helpers every service uses to write: validation, the acting user on the history row, atomicity."""

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.core.errors import PortalError


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
    instance._change_reason = reason or ""
    with transaction.atomic():
        instance.save(update_fields=update_fields)
    return instance
