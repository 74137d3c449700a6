"""Cached reads that stay exact: a value is cached under its program's data version, and every write to the data
it was read from gives the program a new version, so a cached value is never served after a change.

A version is a random token in the cache (`data-version:<program id>`, and `data-version:*` for data shared by
all programs, such as organisations). Writes through `Model.save()` and `delete()` change it by signal (see
`watch`), at once and again when their transaction commits: a reader who computed a value between the write and
the commit stored it under the token that the commit then replaces. Bulk writes, which send no signal, call
`bump` themselves. A cache outage is never an error: the value is computed as if nothing were cached.
"""

import hashlib
import uuid
from contextlib import suppress

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

TIMEOUT = 6 * 3600  # an unused value leaves the cache after this; a change makes it unreachable at once
SHARED = "*"


def _version_key(program_id) -> str:
    return f"data-version:{program_id}"


def _new_versions(program_ids) -> None:
    with suppress(Exception):
        cache.set_many({_version_key(program_id): uuid.uuid4().hex for program_id in program_ids}, None)


def bump(*program_ids) -> None:
    """Give these programs (none: every program) new versions, now and when the current transaction commits."""
    keys = list(program_ids) if program_ids else [SHARED]
    _new_versions(keys)
    transaction.on_commit(lambda: _new_versions(keys))


def cached(program_id, name: str, parts, build):
    """`build()`, cached under the program's current version and `name` + `parts` (anything with a stable repr:
    the inputs that make the value, such as the caller's scope and filters)."""
    try:
        keys = [_version_key(program_id), _version_key(SHARED)]
        versions = cache.get_many(keys)
        missing = {key: uuid.uuid4().hex for key in keys if key not in versions}
        if missing:
            cache.set_many(missing, None)
            versions.update(missing)
    except Exception:  # noqa: BLE001 — a cache outage: compute it
        return build()
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    key = f"cached:{name}:{program_id}:{versions[keys[0]]}:{versions[keys[1]]}:{digest}"
    with suppress(Exception):
        found = cache.get(key)
        if found is not None:
            return found
    value = build()
    with suppress(Exception):
        cache.set(key, value, TIMEOUT)
    return value


def watch(model, program_of) -> None:
    """Bump the version of `program_of(instance)` (None: every program) whenever `model` is saved or deleted."""

    def changed(sender, instance, raw=False, **kwargs):
        program_id = program_of(instance)
        if program_id is None:
            bump()
        else:
            bump(program_id)

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"versions:{model._meta.label}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"versions:{model._meta.label}:delete")
