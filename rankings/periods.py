"""Ranking periods: pure date arithmetic, in the program's calendar (Asia/Shanghai).

- biweekly: two weeks, Monday to Sunday, counted from the Monday of the week the program starts in;
- monthly: calendar months; quarterly: calendar quarters.

A period's data are taken as of its cut-off: the midnight that ends its last day, in Asia/Shanghai.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @property
    def cutoff(self) -> datetime:
        """The first instant after the period, in Asia/Shanghai."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)

    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} — {self.end:%Y-%m-%d}"


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_containing(kind: str, anchor: date, day: date) -> Period:
    """The period of `kind` that holds `day`; biweekly periods count from the Monday of `anchor`'s week.

    >>> period_containing("biweekly", date(2024, 5, 8), date(2024, 5, 20))
    Period(start=datetime.date(2024, 5, 20), end=datetime.date(2024, 6, 2))
    >>> period_containing("monthly", date(2024, 5, 8), date(2024, 2, 29))
    Period(start=datetime.date(2024, 2, 1), end=datetime.date(2024, 2, 29))
    >>> period_containing("quarterly", date(2024, 5, 8), date(2024, 11, 3))
    Period(start=datetime.date(2024, 10, 1), end=datetime.date(2024, 12, 31))
    """
    if kind == "biweekly":
        first_monday = anchor - timedelta(days=anchor.weekday())
        start = first_monday + timedelta(days=14 * ((day - first_monday).days // 14))
        return Period(start, start + timedelta(days=13))
    if kind == "monthly":
        return Period(day.replace(day=1), _month_end(day))
    if kind == "quarterly":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        return Period(start, _month_end(date(day.year, first_month + 2, 1)))
    raise ValueError(f"unknown period kind {kind!r}")


def previous_period(kind: str, anchor: date, period: Period) -> Period:
    return period_containing(kind, anchor, period.start - timedelta(days=1))


def ended_periods(kind: str, anchor: date, today: date) -> list[Period]:
    """Every period from the one holding `anchor` to the last one that ended before `today`, oldest first."""
    periods = []
    current = period_containing(kind, anchor, anchor)
    while current.end < today:
        periods.append(current)
        current = period_containing(kind, anchor, current.end + timedelta(days=1))
    return periods


def today_in_shanghai(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()
