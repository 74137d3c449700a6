"""The one order in which money work locks rows, and the retry of a transaction the database made give way.

Every service that touches a program's calculation runs, funding pools, allocations, payments, awards or the
policy version its projects are priced under takes its row locks through these helpers, in this order:

    1. the program               lock_program_money(program)     serialises the program's money work
    2. one calculation run       lock_run(run)                   the run being approved, paid or corrected
    3. the program's pools       lock_pools(program, sources)    by id
    4. other rows of the step    lock_rows(queryset)             awards, corrections, filings: by id
    5. lines, allocations, carried fundings and payments: written under the locks above, never locked themselves

A service may leave out a level it does not need (a draft's review locks only its run; a budget change locks the
program and one pool) but never takes a level after a later one: a transaction holding a run never waits for the
program, one holding a pool never waits for a run. So two services cannot each hold what the other waits for.
Whatever draws or pays a pool (approval, payments, budget changes) takes the program first, so they run one at a
time per program; steps on one draft (review, return, recalculation, corrections) and the calculation task start
at the run, so a long calculation holds its own run and never the program.

The program row is locked FOR NO KEY UPDATE: it waits for the program's other writers (the filing approvals and
designations lock it too) but not for rows merely pointing at the program (a new filing, a new run), so a
transaction that inserted such a row before taking the lock cannot deadlock on it.

A deadlock or a serialization failure that still happens (with work outside this order) is retried: the service is
wrapped in `retry_when_busy`, which runs its whole transaction again up to ATTEMPTS times after a short, jittered
pause, then refuses with `Busy` ("try again": a 409 in the API, a message on the page), never a server error.
"""

import functools
import logging
import random
import time

from django.db import OperationalError, transaction

from portal.core.errors import Busy
from programs.models import Program
from subsidies.models import CalculationRun, FundingPool

logger = logging.getLogger(__name__)

ATTEMPTS = 3
PAUSE = 0.05  # seconds before the second attempt; doubled for each further one, with jitter
GIVE_WAY = {"40P01", "40001"}  # deadlock_detected, serialization_failure


def lock_program_money(program) -> Program:
    """Level 1: the program's row, before any run, pool or line of it."""
    return Program.objects.select_for_update(no_key=True).get(pk=program.pk)


def lock_run(run) -> CalculationRun:
    """Level 2: one calculation run, read again under its lock (its status is the one to check)."""
    return CalculationRun.objects.select_for_update(of=("self",)).select_related("program").get(pk=run.pk)


def lock_pools(program, sources=None) -> dict[str, FundingPool]:
    """Level 3: the program's funding pools (those of `sources`, or all), locked by id; {source: pool}."""
    pools = FundingPool.objects.select_for_update().filter(program=program)
    if sources is not None:
        pools = pools.filter(source__in=list(sources))
    return {pool.source: pool for pool in pools.order_by("pk")}


def lock_rows(queryset) -> list:
    """Level 4: other rows the step changes (awards, corrections, filings), locked by id."""
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))


def gave_way(error: BaseException) -> bool:
    """Whether `error` is the database choosing this transaction to give way (deadlock, serialization failure)."""
    cause = error.__cause__ or error
    return getattr(cause, "pgcode", None) in GIVE_WAY or getattr(cause, "sqlstate", None) in GIVE_WAY


def retry_when_busy(function=None, *, attempts: int = ATTEMPTS):
    """Run the wrapped service again when the database made its transaction give way; after `attempts` tries,
    refuse with `Busy`. Only a whole transaction can be run again: called inside a caller's atomic block (a
    savepoint, with the caller's locks still held) the service runs once and a give-way becomes `Busy` at once,
    for the caller's transaction to end."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            outermost = not transaction.get_connection().in_atomic_block
            for attempt in range(1, attempts + 1):
                try:
                    return service(*args, **kwargs)
                except OperationalError as error:
                    if not gave_way(error):
                        raise
                    if not outermost or attempt == attempts:
                        logger.error("%s gave way %s time(s); refused as busy", service.__qualname__, attempt)
                        raise Busy() from error
                    logger.warning("%s gave way (%s); running it again", service.__qualname__, error.__cause__)
                    time.sleep(random.uniform(PAUSE, 2 * PAUSE) * 2 ** (attempt - 1))  # noqa: S311 — jitter only
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(function) if function is not None else decorate
