from django.core.management.base import BaseCommand

from portal.core import outbox
from portal.core.models import OutboxMessage


class Command(BaseCommand):
    help = (
        "Show the tasks (jobs and notices) registered while the broker did not answer, oldest first; --publish "
        "sends them now instead of waiting for the beat (it stops at the first the broker refuses)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--publish", action="store_true", help="send the waiting tasks now")
        parser.add_argument("--limit", type=int, default=20, help="how many waiting tasks to list (default 20)")

    def handle(self, *args, **options):
        if options["publish"]:
            sent = outbox.publish_waiting()
            self.stdout.write(f"published {sent} task(s)")
        waiting = OutboxMessage.objects.filter(published_at__isnull=True).order_by("pk")
        self.stdout.write(f"waiting for the broker: {waiting.count()}")
        for row in waiting[: options["limit"]]:
            job = f" job {row.job_model}:{row.job_id}" if row.job_model else ""
            self.stdout.write(
                f"  #{row.pk} {row.created_at:%Y-%m-%d %H:%M:%S} {row}{job} attempts={row.attempts}"
                f"{' last error: ' + row.last_error if row.last_error else ''}"
            )
