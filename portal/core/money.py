"""Money is Decimal yuan with two places (fen). All rounding goes through `round_fen`."""

import re
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
WAN = Decimal("10000")
# The largest amount any money column holds (14 digits, 2 of them decimals): 999,999,999,999.99 yuan.
MAX_AMOUNT = Decimal("999999999999.99")
# An amount as people type it: ASCII digits, optional thousands commas, at most one point. Decimal() alone would
# also take full-width and Arabic-Indic digits, exponents and "NaN".
AMOUNT_TEXT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)


def to_decimal(value) -> Decimal:
    """Accept Decimal, int or str; refuse float, which cannot hold fen exactly."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a string or Decimal")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_fen(value) -> Decimal:
    """Round half-up to the fen.

    >>> round_fen(Decimal("1.005"))
    Decimal('1.01')
    >>> round_fen("74074.068")
    Decimal('74074.07')
    >>> round_fen(Decimal("-1.005"))
    Decimal('-1.01')
    """
    return to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def wan_to_yuan(value) -> Decimal:
    """Policy texts give 万元; 1 万元 = 10,000 yuan.

    >>> wan_to_yuan("30")
    Decimal('300000.00')
    """
    return round_fen(to_decimal(value) * WAN)


def format_yuan(value) -> str:
    """Grouped yuan with two decimals, e.g. 1,234,567.80.

    >>> format_yuan(Decimal("1234567.8"))
    '1,234,567.80'
    """
    return f"{round_fen(value):,.2f}"


def format_wan(value) -> str:
    """Amount in 万元, trailing zeros dropped, e.g. 300000 → 30.

    >>> format_wan(Decimal("123456.78"))
    '12.345678'
    """
    wan = to_decimal(value) / WAN
    text = f"{wan:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_amount(value, field: str, *, allow_negative=False, allow_zero=False) -> Decimal:
    """An amount in yuan typed by a person ("1,234.50"), as Decimal; a PortalError naming `field` otherwise:
    not written in ASCII digits, beyond MAX_AMOUNT, more than two decimals, or (unless allowed) zero or
    negative."""
    from django.utils.translation import gettext as _

    from portal.core.errors import PortalError

    text = "" if isinstance(value, bool) else str(value).strip()
    if isinstance(value, Decimal) and value.is_finite():
        amount = value
    elif AMOUNT_TEXT.fullmatch(text):
        amount = Decimal(text.replace(",", ""))
    else:
        message = _("Enter an amount in yuan, in digits 0–9.")
        raise PortalError(message, fields={field: [message]})
    if abs(amount) > MAX_AMOUNT:
        message = _("Enter an amount of at most %(max)s yuan.") % {"max": format_yuan(MAX_AMOUNT)}
        raise PortalError(message, fields={field: [message]})
    if amount != round_fen(amount):
        message = _("At most two decimals (fen).")
        raise PortalError(message, fields={field: [message]})
    if (amount < 0 and not allow_negative) or (amount == 0 and not allow_zero):
        message = _("Enter an amount above zero.")
        raise PortalError(message, fields={field: [message]})
    return amount
