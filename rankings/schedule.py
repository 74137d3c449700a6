"""The schedule Celery beat follows, kept in the database (django-celery-beat) and shown in Django admin: the
daily job that makes the rankings of the periods that ended. Made (or put back) after every migrate."""

from django.utils.translation import gettext_lazy as _

SCHEDULE = (
    # name, task, minute, hour (Asia/Shanghai)
    ("rankings: make the rankings of ended periods", "rankings.catch_up", "30", "1"),
)


def schedule_ensure() -> None:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for name, task, minute, hour in SCHEDULE:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        PeriodicTask.objects.get_or_create(  # an admin's later changes to the row stay
            name=name,
            defaults={"task": task, "crontab": crontab, "description": str(_("Catches up every period missed."))},
        )
