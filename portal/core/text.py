"""Text people type: what counts as blank, and the bound on free text, shared by every write path."""

import unicodedata

from django.conf import settings


def looks_blank(value: str) -> bool:
    """True for text made only of spaces and invisible characters (zero-width space, joiners, BOM…): it reads
    as empty on every page, so it may not stand for a voucher, a name or a reason."""
    return all(char.isspace() or unicodedata.category(char) in {"Cf", "Cc", "Zs", "Zl", "Zp"} for char in value)


def text_max_chars() -> int:
    """The longest free text (a comment, a contract clause, a finding) kept in one field."""
    return settings.TEXT_MAX_CHARS
