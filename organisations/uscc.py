"""Unified social credit code (统一社会信用代码, GB 32100-2015)."""

from django.utils.translation import gettext as _

from portal.core.errors import PortalError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...
LENGTH = 18


class USCCError(PortalError):
    code = "invalid_uscc"

    def __init__(self, message, *, rule):
        super().__init__(message, fields={"uscc": [message]})
        self.rule = rule


class USCCCheckCharacterError(USCCError):
    """Only this failure may be overridden by a bureau admin: a few early genuine codes fail the check."""


def normalise(raw: str) -> str:
    """Trim surrounding and inner blanks and upper-case."""
    return "".join((raw or "").split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the 17 given ones.

    >>> check_character("91350100M000100Y4")
    '3'
    """
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def validate(raw: str) -> str:
    """Return the normalised code, or raise USCCError saying which rule failed."""
    code = normalise(raw)
    if not code:
        raise USCCError(_("Enter the unified social credit code."), rule="empty")
    if len(code) != LENGTH:
        raise USCCError(
            _("A unified social credit code has 18 characters; this one has %(count)d.") % {"count": len(code)},
            rule="length",
        )
    bad = sorted({char for char in code if char not in VALUES})
    if bad:
        raise USCCError(
            _(
                "“%(chars)s” cannot appear in a unified social credit code (the letters I, O, S, V and Z are "
                "never used)."
            )
            % {"chars": "".join(bad)},
            rule="charset",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCCheckCharacterError(
            _(
                "The check character (18th) should be “%(expected)s” but is “%(actual)s”: a character was "
                "probably mistyped."
            )
            % {"expected": expected, "actual": code[17]},
            rule="check",
        )
    return code


def complete(first17: str) -> str:
    """The full code for 17 given characters (used by generated demo and scale data)."""
    first17 = normalise(first17)
    return first17 + check_character(first17)
