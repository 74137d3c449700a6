"""The policy engine's small helpers: a fact checked, a parameter read (or reported missing), a table, the rate
of a batch, the pilot year of a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy

from policies.engine_types import ZERO, PolicyError
from policies.engine_words import _


def _amount(value, name, *, required) -> Decimal:
    """A fact the caller has already made a Decimal (typed text goes through `portal.core.money.parse_amount`
    first, in `policies.quotes`): here only present when required, and not negative."""
    label = {"field": FIELD_LABELS.get(name, name)}
    if value is None:
        if required:
            raise PolicyError(name, _("%(field)s is required.") % label)
        return ZERO
    if not isinstance(value, Decimal):
        raise PolicyError(name, _("%(field)s must be an amount.") % label)
    if value < 0:
        raise PolicyError(name, _("%(field)s cannot be negative.") % label)
    return value


def _param(params, key):
    value = params.get(key)
    if value is None:
        raise _unconfigured(key)
    return value


def _unconfigured(key) -> PolicyError:
    return PolicyError(key, _("The policy parameter “%(key)s” is not configured.") % {"key": key})


def _table(params, key) -> dict:
    value = params.get(key) or {}
    return value if isinstance(value, dict) else {}


def _by_batch(rates: dict, batch: int) -> Decimal:
    """The rate of `batch`; batches after the last configured one keep the last rate."""
    if not rates:
        raise _unconfigured("n_rate")
    numbers = sorted(int(key) for key in rates)
    chosen = max((number for number in numbers if number <= batch), default=numbers[0])
    return rates[chosen] if chosen in rates else rates[str(chosen)]


def _year_of(approval: date, accepted_on: date) -> int | None:
    """1 from the approval date to the day before its first anniversary, 2 up to the second, … None before."""
    if accepted_on < approval:
        return None
    year = 1
    while accepted_on >= _anniversary(approval, year):
        year += 1
    return year


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


FIELD_LABELS = {
    "n_investment": gettext_lazy("N-part investment"),
    "x_investment": gettext_lazy("X-part investment"),
    "total_investment": gettext_lazy("Total investment"),
    "automation_investment": gettext_lazy("Automation equipment investment"),
    "award": gettext_lazy("Award amount"),
}
