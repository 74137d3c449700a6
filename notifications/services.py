"""Writing notifications: idempotent per (recipient, source), so a task that runs twice sends once."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification
from portal.core.services import record_save


def notify(*, recipients, program, event: str, text: str, link: str, source: str) -> list[Notification]:
    """One notification per recipient for `source`; recipients already told are skipped."""
    created = []
    for user in {user.pk: user for user in recipients if user.is_active}.values():
        if Notification.objects.filter(recipient=user, source=source).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    record_save(
                        Notification(recipient=user, program=program, event=event, text=text, link=link, source=source),
                        acting_user=None,
                        reason=event,
                    )
                )
        except IntegrityError:  # told by a concurrent run of the same task
            continue
    for notification in created:
        _email(notification)
    return created


def _email(notification: Notification) -> None:
    address = notification.recipient.email
    if not (settings.EMAIL_NOTIFICATIONS and address):
        return
    send_mail(
        subject=f"[数改门户] {notification.text[:60]}",
        message=f"{notification.text}\n\n{notification.link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=True,
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at", "updated_at"])


def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError
    if notification.read_at is None:
        notification.read_at = timezone.now()
        record_save(notification, acting_user=user, reason="read", update_fields=["read_at", "updated_at"])
    return notification
