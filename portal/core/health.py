"""/healthz for the load balancer: the database, Redis, a worker's heartbeat and the oldest waiting job. JSON, 200
when every check passes, 503 naming the ones that failed. Unauthenticated and cheap (a handful of small queries
and two cache reads); it shows no program's data, only states and ages in seconds."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from portal.core import jobs, outbox


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "detail": "not configured"}
    cache.set("healthz:probe", 1, 30)
    return {"ok": cache.get("healthz:probe") == 1}


def _worker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "detail": "tasks run in the web process"}
    found = cache.get(jobs.WORKER_KEY)
    if not found:
        return {"ok": False, "detail": "no worker heartbeat"}
    age = max(0.0, time.time() - found["at"])
    return {"ok": age <= settings.HEALTHZ_WORKER_SECONDS, "age_seconds": round(age)}


def _queue() -> dict:
    waited = jobs.oldest_waiting_seconds()
    return {
        "ok": waited <= settings.HEALTHZ_WAITING_SECONDS,
        "oldest_waiting_seconds": round(waited),
        "waiting_for_broker": outbox.waiting_count(),  # jobs and notices registered while Redis did not answer
    }


CHECKS = {"database": _database, "redis": _redis, "worker": _worker, "queue": _queue}


@csrf_exempt
@require_safe
@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 — a failed check is the answer, not an error page
            results[name] = {"ok": False, "detail": type(error).__name__}
    failed = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200)
