from django.db import migrations

# The notice tasks moved into this app: rows registered under the old paths while the broker was down are sent
# under the new ones (rows already sent keep what they record).
MOVED = {
    "filings.tasks.notify_transition_task": "notifications.tasks.filing_step_task",
    "implementation.tasks.notify_task": "notifications.tasks.implementation_event_task",
    "providers.tasks.notify_task": "notifications.tasks.selection_event_task",
}


def forward(apps, schema_editor):
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for old, new in MOVED.items():
        OutboxMessage.objects.filter(task=old, published_at__isnull=True).update(task=new)


def backward(apps, schema_editor):
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for old, new in MOVED.items():
        OutboxMessage.objects.filter(task=new, published_at__isnull=True).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
