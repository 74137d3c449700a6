import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["portal.core"], related_name="jobs")  # the job sweeper


@task_prerun.connect
@task_postrun.connect
def close_old_connections(task=None, **kwargs):
    """A task starts (and leaves) with a usable database connection: one the server dropped, or an old one, is
    closed here and opened again at the first query, as Django does around each request."""
    from django.db import close_old_connections, connection

    if (task is not None and task.request.is_eager) or connection.in_atomic_block:
        return  # an eager task runs inside its caller's request or transaction: its connection stays
    close_old_connections()


@worker_ready.connect
def worker_heartbeat(sender=None, **kwargs):
    """The worker says it is alive every few seconds; /healthz reads it."""
    from portal.core.jobs import worker_beat_start

    worker_beat_start()
