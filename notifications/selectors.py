from notifications.models import Notification
from programs.access import programs_for_user


def notification_list(*, user):
    """The user's notifications, only of programs in which the user still holds a role."""
    return Notification.objects.filter(recipient=user, program__in=programs_for_user(user=user)).select_related(
        "program"
    )


def unread_count(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()
