"""Approving a reviewed run: its lines freeze and the funding pools are drawn, first accepted first paid.

A run of at most `RUN_APPROVAL_INLINE_LINES` lines is approved within the request. A larger one is approved by a
background job (`RunApproval`, the Celery task `subsidies.approve_run`) with a heartbeat and progress: its page
and API follow it, a failure is shown in the user's language and tried again on the same record. Either way the
approval is one transaction, under the locks of `subsidies.locks` in their one order (program → run → pools), so
a job stopped mid-way keeps nothing and its retry draws the pools once."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from portal.core import jobs, outbox
from portal.core.errors import Conflict, NotAllowed
from portal.core.progress import progress_set
from portal.core.roles import Capability
from portal.core.services import record_save
from programs.access import ProgramAccess, program_access_by_id
from subsidies import allocation
from subsidies.locks import lock_pools, lock_program_money, lock_run, retry_when_busy
from subsidies.models import (
    FUNDING_SOURCES,
    CalculationRun,
    CarriedFunding,
    JobStatus,
    LineKind,
    PoolAllocation,
    RunApproval,
    RunLine,
    RunStatus,
)
from subsidies.runs import _same_program, _transition
from subsidies.workflow import RUN

ZERO = Decimal("0.00")
UNDER_WAY = (JobStatus.QUEUED, JobStatus.RUNNING)
BATCH = 2000


def inline_lines() -> int:
    """The most lines a run approved within the request may have (`RUN_APPROVAL_INLINE_LINES`)."""
    return settings.RUN_APPROVAL_INLINE_LINES


def run_approve(
    *, access: ProgramAccess, run: CalculationRun, comment: str = "", background: bool | None = None
) -> CalculationRun:
    """Approve a reviewed run (not by its creator): freeze its lines and draw the funding pools first accepted,
    first paid. A run of more than `inline_lines()` lines is queued as a `RunApproval` job instead (`background`
    None); commands and benchmarks pass `background=False` to approve at once whatever the size. Returns the run
    (still reviewed while its approval job is under way)."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, run)
    if background is None:
        background = run.line_count > inline_lines()
    if background:
        approval_request(access=access, run=run, comment=comment)
        return CalculationRun.objects.get(pk=run.pk)
    return _approve(access=access, run=run, comment=comment)


def _check_approvable(run, user, approval=None):
    """The locked run may be approved by `user` now (and by `approval`'s job, which is itself under way)."""
    RUN.require("approve", run.status)
    if run.created_by_id == user.pk:
        raise NotAllowed(_("A run is approved by someone other than the person who created it."))
    pending = RunApproval.objects.filter(run=run, status__in=UNDER_WAY)
    if approval is not None:
        pending = pending.exclude(pk=approval.pk)
    if pending.exists():
        raise Conflict(_("The run's approval is under way; wait for it to finish."))


@retry_when_busy
def approval_request(*, access: ProgramAccess, run: CalculationRun, comment: str = "") -> RunApproval:
    """Queue the approval of a reviewed run as a job; the run's page and API follow its progress."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, run)
    with transaction.atomic():
        run = lock_run(run)
        _check_approvable(run, access.user)
        approval = record_save(
            RunApproval(program=run.program, run=run, requested_by=access.user, comment=comment),
            acting_user=access.user,
            reason=_("Approval requested"),
        )
        _queue(approval)
    return approval


def _queue(approval):
    progress_set("approval", approval.pk, 0, _("Queued"))
    # recorded with the request: while the broker is down the approval waits and says so, then runs once it is back
    outbox.enqueue("subsidies.tasks.approve_run_task", approval.pk, job=approval, message_field="message")


@retry_when_busy
def approval_retry(*, access: ProgramAccess, approval: RunApproval) -> RunApproval:
    """Queue a failed approval again, on the same record (refused unless it failed and the run is still reviewed)."""
    access.require(Capability.RUN_SUBSIDY)
    if approval.program_id != access.program.pk:
        raise NotAllowed(_("This run belongs to another program."))
    with transaction.atomic():
        run = lock_run(approval.run)
        if run.created_by_id == access.user.pk:
            raise NotAllowed(_("A run is approved by someone other than the person who created it."))
        RUN.require("approve", run.status)
        # queued again through the outbox, on the same record
        approval = jobs.job_retry("approval", approval, acting_user=access.user)
        # whoever tries it again asks for it now: the job approves as that user
        approval.requested_by = access.user
        record_save(approval, acting_user=access.user, update_fields=["requested_by", "updated_at"])
    progress_set("approval", approval.pk, 0, _("Queued"))
    return approval


def approval_work(*, approval_id: int) -> RunApproval:
    """The Celery task's work: approve the run as the user who asked, with progress. Safe to run twice (a done or
    failed approval is left as it is); a failure keeps nothing and is recorded by the task."""
    approval = RunApproval.objects.select_related("run", "requested_by").get(pk=approval_id)
    if approval.status not in UNDER_WAY:
        return approval
    approval.status, approval.message = JobStatus.RUNNING, ""
    record_save(approval, acting_user=approval.requested_by, update_fields=["status", "message", "updated_at"])
    progress_set("approval", approval.pk, 1, _("Starting"))
    access = program_access_by_id(user=approval.requested_by, program_id=approval.program_id)
    if access is None or not access.can(Capability.RUN_SUBSIDY):
        raise NotAllowed(_("The person who asked for the approval may no longer approve this program's runs."))

    def progress(percent, message):
        progress_set("approval", approval.pk, percent, message)

    _approve(access=access, run=approval.run, comment=approval.comment, approval=approval, progress=progress)
    return RunApproval.objects.get(pk=approval_id)


@retry_when_busy
def _approve(*, access, run, comment="", approval=None, progress=None) -> CalculationRun:
    """The approval itself, in one transaction. The program's lock serialises approvals, payments and budget
    changes (then the run's and the pools' locks are taken, in `subsidies.locks` order); the database refuses a
    pool allocated beyond its budget and a project in two approved runs. `approval`: the job doing it, marked done
    in the same transaction; `progress(percent, message)` hears how far it got."""
    report = progress or (lambda percent, message: None)
    with transaction.atomic():
        # one approval at a time per program: a later one sees the projects the earlier one froze
        lock_program_money(access.program)
        run = lock_run(run)
        _check_approvable(run, access.user, approval)
        report(5, _("Reading the lines"))
        lines = list(
            RunLine.objects.filter(run=run, generation=run.generation)
            .order_by("accepted_at", "application_id", "position")
            .values("id", "application_id", "kind", "corrects_id", *FUNDING_SOURCES)
        )
        _refuse_approved_twice(run, lines)
        report(15, _("Drawing the funding pools"))
        pools = lock_pools(run.program)
        # what earlier approved lines still lack goes first, then this run's lines
        claims = [*_carried_claims(pools), *_claims(lines, pools)]
        grants = allocation.allocate(claims, {source: pool.remaining for source, pool in pools.items()})
        unfunded, carried = _record_grants(run, grants, pools, access.user, report)
        if approval is not None:
            jobs.drill_pause()  # a fault drill stops the job here, its allocations written and not committed
        report(85, _("Freezing the lines"))
        # the lines left short were frozen with their shortfall; each line is written once, since a second update
        # of a row in one transaction checks its foreign keys again, locking the filings and reviews it names
        RunLine.objects.filter(run=run, generation=run.generation, frozen=False).update(frozen=True)
        before = run.status
        run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, access.user, timezone.now()
        run.unfunded_total = sum(unfunded.values(), ZERO)
        record_save(run, acting_user=access.user, reason=comment)
        # after the run is approved: the database accepts carried fundings only from an approved run
        bulk_create_with_history(carried, CarriedFunding, batch_size=BATCH, default_user=access.user)
        for pool in pools.values():
            record_save(pool, acting_user=access.user, reason=_("Allocated to run %(number)s") % {"number": run.number})
        _transition(run, action="approve", from_status=before, actor=access.user, comment=comment)
        if approval is not None:
            approval.status, approval.progress, approval.message = JobStatus.DONE, 100, ""
            record_save(
                approval, acting_user=access.user, update_fields=["status", "progress", "message", "updated_at"]
            )
    if approval is not None:
        progress_set("approval", approval.pk, 100, _("Approved"))
    return run


def _carried_claims(pools):
    """The shares earlier approved lines did not get from these pools and have not been funded since, first
    accepted first (ties by project id). A corrected line claims no more than it and its approved adjustments
    still lack together, so a correction that lowered its share lowers what it can still be given."""
    by_pool = {pool.pk: source for source, pool in pools.items()}
    short = list(
        PoolAllocation.objects.filter(pool_id__in=list(by_pool), line__frozen=True, requested__gt=F("allocated"))
        .values_list("line_id", "line__corrects_id", "pool_id", "line__accepted_at", "line__application_id")
        .order_by("line__accepted_at", "line__application_id", "line_id", "pool_id")
    )
    if not short:
        return []
    roots = {corrects or line_id for line_id, corrects, *_rest in short}
    group = Q(line_id__in=roots) | Q(line__corrects_id__in=roots, line__frozen=True)
    lacking = defaultdict(lambda: ZERO)  # (line, pool) → still unfunded
    group_lacking = defaultdict(lambda: ZERO)  # (root line, pool) → still unfunded, with its adjustments
    for line_id, corrects, pool_id, requested, allocated in PoolAllocation.objects.filter(
        group, pool_id__in=list(by_pool)
    ).values_list("line_id", "line__corrects_id", "pool_id", "requested", "allocated"):
        lacking[(line_id, pool_id)] += requested - allocated
        group_lacking[(corrects or line_id, pool_id)] += requested - allocated
    for line_id, corrects, pool_id, amount in CarriedFunding.objects.filter(
        group, pool_id__in=list(by_pool)
    ).values_list("line_id", "line__corrects_id", "pool_id", "amount"):
        lacking[(line_id, pool_id)] -= amount
        group_lacking[(corrects or line_id, pool_id)] -= amount
    claims = []
    for line_id, corrects, pool_id, _accepted, _project in short:
        root = (corrects or line_id, pool_id)
        amount = min(lacking[(line_id, pool_id)], group_lacking[root])
        if amount > 0:
            group_lacking[root] -= amount
            claims.append(allocation.Claim(line_id, by_pool[pool_id], amount, carried=True))
    return claims


def _refuse_approved_twice(run, lines):
    projects = [line["application_id"] for line in lines if line["kind"] == LineKind.PROJECT]
    clash = (
        RunLine.objects.filter(frozen=True, kind=LineKind.PROJECT, application_id__in=projects)
        .select_related("run", "application")
        .first()
    )
    if clash is not None:
        raise Conflict(
            _("“%(project)s” is already in approved run %(run)s; calculate this run again before approving it.")
            % {"project": clash.application.title, "run": clash.run.number}
        )


def _claims(lines, pools):
    """Each line's share of each pooled source, in acceptance order. Negative shares (adjustments lowering a
    line) may return at most what the corrected line holds from that pool."""
    corrected = [line["corrects_id"] for line in lines if line["corrects_id"]]
    held = defaultdict(lambda: ZERO)
    if corrected:
        taken = PoolAllocation.objects.filter(pool__in=list(pools.values()))
        for line_id, source, amount in taken.filter(line_id__in=corrected).values_list(
            "line_id", "pool__source", "allocated"
        ):
            held[(line_id, source)] += amount
        for line_id, source, amount in taken.filter(line__corrects_id__in=corrected, line__frozen=True).values_list(
            "line__corrects_id", "pool__source", "allocated"
        ):
            held[(line_id, source)] += amount
        # what was funded later counts as held too
        later = CarriedFunding.objects.filter(pool__in=list(pools.values()))
        for line_id, corrects, source, amount in later.filter(
            Q(line_id__in=corrected) | Q(line__corrects_id__in=corrected, line__frozen=True)
        ).values_list("line_id", "line__corrects_id", "pool__source", "amount"):
            held[(corrects or line_id, source)] += amount
    for line in lines:
        for source in FUNDING_SOURCES:
            amount = line[source]
            if source in pools and amount:
                yield allocation.Claim(line["id"], source, amount, held[(line["corrects_id"], source)])


def _record_grants(run, grants, pools, user, report) -> tuple[dict, list]:
    """Write the run's own allocations (and the shortfalls on its lines, frozen as they are written); return them
    with the carried fundings to write once the run is approved. Sequences follow the order the pools were drawn."""
    unfunded = defaultdict(lambda: ZERO)
    rows, carried = [], []
    for grant in grants:
        if grant.carried and grant.allocated <= 0:
            continue
        pool = pools[grant.source]
        pool.allocation_count += 1
        pool.allocated += grant.allocated
        if grant.carried:
            carried.append(
                CarriedFunding(
                    pool=pool,
                    line_id=grant.line_id,
                    run=run,
                    sequence=pool.allocation_count,
                    amount=grant.allocated,
                    allocated_by=user,
                )
            )
            continue
        rows.append(
            PoolAllocation(
                pool=pool,
                line_id=grant.line_id,
                sequence=pool.allocation_count,
                requested=grant.requested,
                allocated=grant.allocated,
            )
        )
        if grant.shortfall > 0:
            unfunded[grant.line_id] += grant.shortfall
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        bulk_create_with_history(batch, PoolAllocation, batch_size=BATCH, default_user=user)
        written = start + len(batch)
        report(
            20 + 60 * written // len(rows),
            _("%(done)s of %(total)s allocations written") % {"done": written, "total": len(rows)},
        )
    short = [RunLine(pk=line_id, unfunded=amount, frozen=True) for line_id, amount in unfunded.items()]
    RunLine.objects.bulk_update(short, ["unfunded", "frozen"], batch_size=BATCH)
    return unfunded, carried
