"""Progress of long jobs (calculation runs, ledgers), kept in the cache so a page can follow a job whose database
writes are still inside one transaction. Progress is a courtesy: a cache outage never fails the job or the page."""

from contextlib import suppress

from django.core.cache import cache

TIMEOUT = 24 * 3600


def _key(kind: str, pk) -> str:
    return f"progress:{kind}:{pk}"


def progress_set(kind: str, pk, percent: int, message: str = "") -> None:
    with suppress(Exception):
        cache.set(_key(kind, pk), {"progress": max(0, min(100, int(percent))), "message": message}, TIMEOUT)


def progress_get(kind: str, pk) -> dict | None:
    """{"progress": 0–100, "message": …}, or None when the job has reported nothing (or the cache is down)."""
    with suppress(Exception):
        return cache.get(_key(kind, pk))
    return None
