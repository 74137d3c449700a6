"""Counting working days in a program's calendar: Monday to Friday, less its holidays, plus its make-up days."""

from datetime import date, timedelta

from programs.models import CalendarDay, CalendarDayKind


def _exceptions(program, start: date, end: date) -> dict:
    days = CalendarDay.objects.filter(program=program, is_active=True, date__gte=start, date__lte=end)
    return dict(days.values_list("date", "kind"))


def is_working_day(day: date, exceptions: dict) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKDAY:
        return True
    return day.weekday() < 5


def working_days_end(program, start: date, days: int) -> date:
    """The last day of a period of `days` working days that begins on `start` (or on the next working day).

    A 7-working-day announcement that starts on a Monday without holidays ends on the next Tuesday."""
    exceptions = _exceptions(program, start, start + timedelta(days=days * 3 + 30))
    day, counted = start, 0
    while True:
        if is_working_day(day, exceptions):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)
