from notifications.models import Notification
from programs import access as programs_access
from programs.access import programs_for_user


def notification_list(*, user):
    """The user's notifications, only of programs in which the user still holds a role."""
    return Notification.objects.filter(recipient=user, program__in=programs_for_user(user=user)).select_related(
        "program"
    )


def unread_count(*, user, programs=None) -> int:
    """Unread notifications of the user's programs; `programs`: those programs when the caller has them already."""
    if programs is None:
        return notification_list(user=user).filter(read_at__isnull=True).count()
    program_ids = [program.pk for program in programs]
    return Notification.objects.filter(recipient=user, program_id__in=program_ids, read_at__isnull=True).count()


def role_holders(program, role, organisation_id=None) -> list:
    """Active users holding `role` in `program` (of one organisation when given): the people to tell."""
    users = programs_access.role_holders(program=program, role=role)
    if organisation_id is not None:
        users = users.filter(organisation_id=organisation_id)
    return list(users)
