"""What the portal tells people: notifications, and the outbox of tasks sent at commit."""

import factory

from notifications.models import Notification
from portal.core.models import OutboxMessage
from tests.factories.base import ProgramFactory, UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    event = "filing.submit"
    text = "通知正文"
    source = factory.Sequence(lambda n: f"test:{n}")


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    task = "portal.core.tasks.ping"
