"""Helpers every service uses to write: validation, the acting user on the history row, atomicity."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from portal.core.errors import PortalError
from portal.core.text import looks_blank, text_max_chars

REASON_LENGTH = 100  # the history row's reason column; the full text stays on the record itself (comments, notes)


def _short(reason) -> str:
    text = str(reason or "")
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def text_refusals(instance) -> dict:
    """Text fields that would keep something nobody can read back as typed: longer than TEXT_MAX_CHARS (free
    text; CharFields have their own max_length, checked by full_clean), or made only of invisible characters."""
    refused = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str) or not value:
            continue
        if isinstance(field, models.TextField) and len(value) > text_max_chars():
            refused[field.name] = [
                _("At most %(limit)d characters (this has %(length)d).")
                % {"limit": text_max_chars(), "length": len(value)}
            ]
        elif looks_blank(value):
            refused[field.name] = [_("Only spaces or invisible characters: write the text, or leave it empty.")]
    return refused


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
    refused = text_refusals(instance)
    if refused:
        raise PortalError(next(iter(refused.values()))[0], fields=refused)
    instance._history_user = acting_user
    instance._change_reason = _short(reason)
    with transaction.atomic():
        instance.save(update_fields=update_fields)
    return instance
