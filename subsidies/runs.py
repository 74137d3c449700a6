"""Writes to calculation runs: create, calculate, review, return, pay, correct (approval: `subsidies.approvals`);
award decisions and funding pools. Every step is checked against the caller's roles and against the workflow
(`subsidies.workflow`) under the row's lock, and recorded.

Locks are taken through `subsidies.locks` only, in its one order (program → run → pools by id → other rows; lines,
allocations and payments are written under them), and each service is wrapped in `retry_when_busy`: a transaction
the database made give way runs again a few times, then the caller is told to try again (`Busy`)."""

import logging
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from policies.engine import LEVEL_AWARD_KINDS, project_award_kinds, standard_level
from policies.selectors import policy_snapshot, policy_version_for_quote
from portal.core import jobs, outbox
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.money import format_yuan, parse_amount
from portal.core.progress import progress_set
from portal.core.roles import Capability
from portal.core.services import record_save
from programs.access import ProgramAccess
from subsidies import calculation
from subsidies.locks import lock_pools, lock_program_money, lock_rows, lock_run, retry_when_busy
from subsidies.models import (
    AwardDecision,
    CalculationRun,
    CarriedFunding,
    FundingPool,
    FundingSource,
    JobStatus,
    LineKind,
    Payment,
    RunCorrection,
    RunLine,
    RunStatus,
    RunTransition,
)
from subsidies.selectors import carried_outstanding, outstanding
from subsidies.workflow import AWARD, CORRECTION, RUN, standing

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")


def _transition(run, *, action, from_status, actor, comment=""):
    record_save(
        RunTransition(
            run=run, action=action, from_status=from_status, to_status=run.status, actor=actor, comment=comment
        ),
        acting_user=actor,
    )


def _same_program(access, run):
    if run.program_id != access.program.pk:
        raise NotAllowed(_("This run belongs to another program."))


# --- the run's life ---------------------------------------------------------------------------------------


@retry_when_busy
def run_create(*, access: ProgramAccess, title: str = "") -> CalculationRun:
    """A new draft run of the program, numbered after the last one; its calculation is queued at once."""
    access.require(Capability.RUN_SUBSIDY)
    with transaction.atomic():
        lock_program_money(access.program)  # numbers are given one at a time
        number = (CalculationRun.objects.filter(program=access.program).aggregate(n=Max("number"))["n"] or 0) + 1
        run = record_save(
            CalculationRun(
                program=access.program,
                number=number,
                title=title.strip() or _("Calculation run %(number)s") % {"number": number},
                created_by=access.user,
                job_status=JobStatus.QUEUED,
            ),
            acting_user=access.user,
            reason=_("Run created"),
        )
        _transition(run, action="create", from_status=RunStatus.DRAFT, actor=access.user)
        _queue_calculation(run)
    return run


@retry_when_busy
def run_recalculate(*, access: ProgramAccess, run: CalculationRun) -> CalculationRun:
    """Queue the calculation of a draft again (after awards, corrections or policy changes)."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, run)
    with transaction.atomic():
        run = lock_run(run)  # a draft's step: it starts at the run level and draws no pool
        RUN.require("recalculate", run.status)
        _calculate_again(run, access.user)
    return run


def _calculate_again(run, user):
    """Queue the locked draft's calculation; refused while a calculation of it is running."""
    if run.job_status == JobStatus.RUNNING:
        raise Conflict(_("The run is being calculated; wait for it to finish."))
    run.job_status, run.job_message = JobStatus.QUEUED, ""
    record_save(run, acting_user=user, reason=_("Calculation requested"))
    _queue_calculation(run)


def _queue_calculation(run):
    progress_set("run", run.pk, 0, _("Queued"))
    # Recorded with the run: while the broker is down the run stays queued and says so, and runs once it is back.
    outbox.enqueue("subsidies.tasks.calculate_run_task", run.pk, job=run, message_field="job_message")


def run_calculate(*, run_id: int) -> CalculationRun:
    """The Celery task's work: calculate the draft. Safe to run twice; a failure leaves the run as it was."""
    run = CalculationRun.objects.select_related("program").get(pk=run_id)
    if not RUN.allows("calculate", run.status):
        return run
    # updated_at too: the job sweeper reads it when a run has no heartbeat yet
    CalculationRun.objects.filter(pk=run_id).update(
        job_status=JobStatus.RUNNING, job_message="", updated_at=timezone.now()
    )
    try:
        return retry_when_busy(calculation.calculate)(run)
    except Exception as error:
        # the reason in the user's language, recorded on a fresh connection; the detail goes to the log
        jobs.job_fail(jobs.job_kind("run"), run_id, reason=jobs.failure_reason(error), error=error)
        raise


@retry_when_busy
def run_review(*, access: ProgramAccess, run: CalculationRun, comment: str = "") -> CalculationRun:
    """Mark a calculated draft as reviewed: its lines are what will be approved."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, run)
    with transaction.atomic():
        run = lock_run(run)
        RUN.require("review", run.status)
        if run.job_status in (JobStatus.QUEUED, JobStatus.RUNNING) or not run.generation:
            raise Conflict(_("The run has no finished calculation to review."))
        before = run.status
        run.status, run.reviewed_by, run.reviewed_at = RunStatus.REVIEWED, access.user, timezone.now()
        record_save(run, acting_user=access.user, reason=comment)
        _transition(run, action="review", from_status=before, actor=access.user, comment=comment)
    return run


@retry_when_busy
def run_return(*, access: ProgramAccess, run: CalculationRun, comment: str) -> CalculationRun:
    """Send a reviewed run back to draft, with the reason."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, run)
    if not comment.strip():
        raise PortalError(_("Say why the run goes back to draft."), fields={"comment": [_("This field is required.")]})
    with transaction.atomic():
        run = lock_run(run)
        RUN.require("return", run.status)
        if run.approvals.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).exists():
            raise Conflict(_("The run's approval is under way; wait for it to finish."))
        before = run.status
        run.status, run.reviewed_by, run.reviewed_at = RunStatus.DRAFT, None, None
        record_save(run, acting_user=access.user, reason=comment)
        _transition(run, action="return", from_status=before, actor=access.user, comment=comment)
    return run


# --- payments ---------------------------------------------------------------------------------------------


@retry_when_busy
def payment_record(
    *, access: ProgramAccess, line: RunLine, source: str, amount, paid_on: date, voucher: str, note="", carried=None
):
    """Record money paid on a line from one source. A run whose every funded amount is paid becomes paid.
    `carried`: pay against money funded later (a CarriedFunding of the line): it belongs to the run whose approval
    funded it, which must be approved, and that run becomes paid when all of its money is paid."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, line.run)
    amount = parse_amount(amount, "amount", allow_negative=True)
    if source not in FundingSource.values:
        raise PortalError(_("Unknown funding source."), fields={"source": [_("Unknown funding source.")]})
    if not (voucher or "").strip():
        raise PortalError(_("Give the voucher number."), fields={"voucher": [_("This field is required.")]})
    if carried is not None and (carried.line_id != line.pk or carried.pool.source != source):
        message = _("This later funding is not of this line and source.")
        raise PortalError(message, fields={"source": [message]})
    with transaction.atomic():
        lock_program_money(access.program)
        run = lock_run(line.run if carried is None else carried.run)
        RUN.require("pay", run.status)
        pools = lock_pools(run.program, [source])
        if carried is None:
            left = outstanding(RunLine.objects.filter(pk=line.pk)).get((line.pk, source), ZERO)
        else:
            left = carried_outstanding(run).get(carried.pk, ZERO)
        if left == 0 or (amount > 0) != (left > 0) or abs(amount) > abs(left):
            message = _("At most %(left)s yuan of this line's %(source)s share is still to pay.") % {
                "left": format_yuan(left),
                "source": FundingSource(source).label,
            }
            raise PortalError(message, fields={"amount": [message]})
        payment = record_save(
            Payment(
                line=line,
                carried=carried,
                source=source,
                amount=amount,
                paid_on=paid_on,
                voucher=voucher.strip(),
                note=note.strip(),
                recorded_by=access.user,
            ),
            acting_user=access.user,
        )
        _pool_paid(run, pools, {source: amount}, access.user)
        _settle(run, access.user)
    return payment


@retry_when_busy
def run_pay_remaining(*, access: ProgramAccess, run: CalculationRun, paid_on: date, voucher: str, note=""):
    """Pay every funded amount of the run still open, under one voucher (a bank batch transfer): its lines' and
    what its approval funded later on earlier lines."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, run)
    if not (voucher or "").strip():
        raise PortalError(_("Give the voucher number."), fields={"voucher": [_("This field is required.")]})
    with transaction.atomic():
        lock_program_money(access.program)
        run = lock_run(run)
        RUN.require("pay", run.status)
        left = outstanding(RunLine.objects.filter(run=run, generation=run.generation))
        later = carried_outstanding(run)
        if not left and not later:
            raise Conflict(_("Nothing is left to pay in this run."))
        pools = lock_pools(run.program, {source for _line, source in left} | _carried_sources(later))
        common = {"paid_on": paid_on, "voucher": voucher.strip(), "note": note, "recorded_by": access.user}
        payments = [
            Payment(line_id=line_id, source=source, amount=amount, **common)
            for (line_id, source), amount in left.items()
        ]
        for carried in CarriedFunding.objects.filter(pk__in=list(later)).select_related("pool").order_by("pk"):
            payments.append(
                Payment(
                    line_id=carried.line_id,
                    carried=carried,
                    source=carried.pool.source,
                    amount=later[carried.pk],
                    **common,
                )
            )
        bulk_create_with_history(payments, Payment, batch_size=2000, default_user=access.user)
        by_source = defaultdict(lambda: ZERO)
        for payment in payments:
            by_source[payment.source] += payment.amount
        _pool_paid(run, pools, by_source, access.user)
        _settle(run, access.user)
    return len(payments)


def _carried_sources(later) -> set:
    return set(CarriedFunding.objects.filter(pk__in=list(later)).values_list("pool__source", flat=True))


def _pool_paid(run, pools, by_source, user):
    """Add what was paid to the pools, locked by the caller (`lock_pools`), in the order they were locked."""
    for pool in pools.values():
        if pool.source in by_source:
            pool.paid += by_source[pool.source]
            record_save(pool, acting_user=user, reason=_("Paid in run %(number)s") % {"number": run.number})


def _settle(run, user):
    if outstanding(RunLine.objects.filter(run=run, generation=run.generation)) or carried_outstanding(run):
        return
    before = run.status
    run.status, run.paid_at = RunStatus.PAID, timezone.now()
    record_save(run, acting_user=user, reason=_("Every funded amount is paid"))
    _transition(run, action="paid", from_status=before, actor=user)


# --- corrections ------------------------------------------------------------------------------------------


@retry_when_busy
def correction_raise(*, access: ProgramAccess, run: CalculationRun, line: RunLine, reason: str) -> RunCorrection:
    """Correct a line of an approved run through this draft: its next calculation carries the difference."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, run)
    _same_program(access, line.run)
    if not reason.strip():
        raise PortalError(_("Say what the correction is for."), fields={"reason": [_("This field is required.")]})
    if not line.frozen or line.kind != LineKind.PROJECT:
        raise PortalError(
            _("Only a project line of an approved run can be corrected."), fields={"line": ["not approved"]}
        )
    with transaction.atomic():
        run = lock_run(run)  # the draft's lock: corrections of one run are raised one at a time
        RUN.require("correct", run.status)
        if run.corrections.filter(corrects=line, is_active=True).exists():
            raise Conflict(_("This line is already being corrected in this run."))
        correction = record_save(
            RunCorrection(run=run, corrects=line, reason=reason.strip(), requested_by=access.user),
            acting_user=access.user,
        )
        _calculate_again(run, access.user)  # with the correction, or neither
    return correction


@retry_when_busy
def correction_withdraw(*, access: ProgramAccess, correction: RunCorrection, reason: str) -> RunCorrection:
    """Withdraw an active correction of a draft; the draft is calculated again without it."""
    access.require(Capability.RUN_SUBSIDY)
    _same_program(access, correction.run)
    with transaction.atomic():
        run = lock_run(correction.run)
        RUN.require("correct", run.status)
        (correction,) = lock_rows(RunCorrection.objects.filter(pk=correction.pk, run=run))
        CORRECTION.require("withdraw", standing(correction))
        correction.is_active = False
        record_save(correction, acting_user=access.user, reason=reason)
        _calculate_again(run, access.user)
    return correction


# --- awards -----------------------------------------------------------------------------------------------

# What a project must hold before it is granted an award of a kind, registered by the app that knows it (the app
# of sample enterprises registers the sample award's): {kind: [condition(*, program, application)]}, each raising
# PortalError when the project does not qualify. It runs under the program lock `award_grant` takes.
_award_conditions: dict[str, list] = {}


def award_condition_register(kind: str, condition) -> None:
    conditions = _award_conditions.setdefault(kind, [])
    if condition not in conditions:
        conditions.append(condition)


@retry_when_busy
def award_grant(*, access: ProgramAccess, application, kind: str, amount, reference: str, decided_on: date, reason=""):
    """Grant an award by decision, within the active policy's limits (`award_min`/`award_max`) and the conditions
    registered for its kind (`award_condition_register`: the sample award needs the project's active sample
    designation); the sample award stays within the industry's `sample_quota` (see `_check_sample_quota`). Paid
    by the next run that calculates the project; a project already in an approved run gets it through a
    correction in a later run."""
    access.require(Capability.GRANT_AWARD)
    if application.program_id != access.program.pk:
        raise NotAllowed(_("This project belongs to another program."))
    amount = parse_amount(amount, "amount")
    if not (reference or "").strip():
        raise PortalError(_("Give the decision's reference."), fields={"reference": [_("This field is required.")]})
    policy = policy_snapshot(version=policy_version_for_quote(program=access.program))
    limits = project_award_limits(policy)
    minimums = policy.params.get("award_min") or {}
    fixed = policy.params.get("award_fixed") or {}
    if kind not in limits:
        message = _("The active policy has no award of this kind.")
        raise PortalError(message, fields={"kind": [message]})
    if kind in fixed:
        if amount != fixed[kind]:
            message = _("This award is a fixed %(amount)s yuan.") % {"amount": format_yuan(fixed[kind])}
            raise PortalError(message, fields={"amount": [message]})
    elif amount > limits[kind] or amount < minimums.get(kind, ZERO):
        message = _("The award must be between %(low)s and %(high)s yuan.") % {
            "low": format_yuan(minimums.get(kind, ZERO)),
            "high": format_yuan(limits[kind]),
        }
        raise PortalError(message, fields={"amount": [message]})
    with transaction.atomic():
        lock_program_money(access.program)  # quotas and "one active award of a kind" are counted one at a time
        if AwardDecision.objects.filter(application=application, kind=kind, is_active=True).exists():
            raise Conflict(_("This project already holds this award."))
        for condition in _award_conditions.get(kind, ()):
            condition(program=access.program, application=application)
        if kind == "sample":
            _check_sample_quota(access.program, application, policy)
        if kind in LEVEL_AWARD_KINDS:
            _check_standard_reached(application, policy)
        return record_save(
            AwardDecision(
                program=access.program,
                application=application,
                kind=kind,
                amount=amount,
                reference=reference.strip(),
                decided_on=decided_on,
                reason=(reason or "").strip(),
                granted_by=access.user,
            ),
            acting_user=access.user,
            reason=reason,
        )


def project_award_limits(policy) -> dict:
    """{kind: maximum} of the awards a project can be granted under `policy` (product awards are not; a fixed
    award's maximum is its amount)."""
    return project_award_kinds(policy.params)


def _check_standard_reached(application, policy):
    """The standard-reaching award (达标奖励) goes only to a project whose latest active digital-level assessment
    after transformation reaches the policy's `standard_level`."""
    from acceptance.models import DigitalAssessment

    needed = standard_level(policy.params)
    latest = (
        DigitalAssessment.objects.filter(application=application, phase="after", is_active=True)
        .order_by("-assessed_on", "-pk")
        .values_list("level", flat=True)
        .first()
    )
    if latest is None or latest < needed:
        if latest is None:
            message = _("The project has no digital-level assessment after transformation; level %(needed)s is needed.")
        else:
            message = _(
                "The project's assessed level after transformation is %(level)s, below the standard level %(needed)s."
            )
        message = message % {"level": latest, "needed": needed}
        raise PortalError(message, fields={"application": [message]})


def _check_sample_quota(program, application, policy):
    """The sample award (样本企业奖励) goes only to a designated sample enterprise (the condition `samples`
    registers), whose designation was itself given within the industry's `sample_quota`.

    The count of active sample awards per industry is kept as a second fence: a designation revoked while its
    award stays active still holds its place, so a newly designated sample of that industry gets its award only
    once the bureau withdraws the old one. Runs under the program lock taken by `award_grant`."""
    industry = application.enterprise.industry
    quota = (policy.params.get("sample_quota") or {}).get(industry.code)
    if quota is None:
        return
    held = AwardDecision.objects.filter(
        program=program, kind="sample", is_active=True, application__enterprise__industry=industry
    ).count()
    if held >= quota:
        message = _("The %(industry)s industry already has its %(quota)s sample enterprises.") % {
            "industry": industry.name,
            "quota": quota,
        }
        raise PortalError(message, fields={"kind": [message]})


@retry_when_busy
def award_withdraw(*, access: ProgramAccess, award: AwardDecision, reason: str) -> AwardDecision:
    """Withdraw an active award; runs calculated from now on leave it out (an approved line keeps it until a
    correction in a later run)."""
    access.require(Capability.GRANT_AWARD)
    if award.program_id != access.program.pk:
        raise NotAllowed(_("This award belongs to another program."))
    if not reason.strip():
        raise PortalError(_("Say why the award is withdrawn."), fields={"reason": [_("This field is required.")]})
    with transaction.atomic():
        lock_program_money(access.program)
        (award,) = lock_rows(AwardDecision.objects.filter(pk=award.pk, program=access.program))
        AWARD.require("withdraw", standing(award))
        award.is_active, award.withdrawn_reason = False, reason.strip()
        return record_save(award, acting_user=access.user, reason=reason)


# --- funding pools ----------------------------------------------------------------------------------------


@retry_when_busy
def pool_save(*, access: ProgramAccess, source: str, budget, note: str = "", reason: str = "") -> FundingPool:
    """Open or change the pool of a funding source; its budget never goes below what is already allocated. Under
    the program's lock, so a budget change waits for an approval drawing the pool rather than racing it."""
    access.require(Capability.MANAGE_FUNDS)
    if source not in FundingSource.values:
        raise PortalError(_("Unknown funding source."), fields={"source": [_("Unknown funding source.")]})
    budget = parse_amount(budget, "budget", allow_zero=True)
    with transaction.atomic():
        lock_program_money(access.program)
        pool = lock_pools(access.program, [source]).get(source) or FundingPool(program=access.program, source=source)
        if budget < pool.allocated:
            message = _("The budget cannot be below the %(allocated)s yuan already allocated.") % {
                "allocated": format_yuan(pool.allocated)
            }
            raise PortalError(message, fields={"budget": [message]})
        pool.budget, pool.note = budget, note.strip()
        return record_save(pool, acting_user=access.user, reason=reason)
