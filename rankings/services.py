"""Writes of rankings: the programs' schemes, the snapshot of a period (made once, never recomputed), publishing,
and the bulletin PDF job."""

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import jobs, outbox
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Capability
from portal.core.services import record_save
from portal.core.workflow import Workflow
from programs.access import ProgramAccess
from programs.models import Program
from rankings import horse_race, periods, ranking
from rankings.kinds import KINDS
from rankings.models import (
    BulletinJob,
    BulletinStatus,
    PeriodKind,
    RankingEntry,
    RankingKind,
    RankingScheme,
    RankingSnapshot,
    SnapshotStatus,
)

logger = logging.getLogger(__name__)

# A snapshot is computed once (by the scheduled job, never by hand) and published once; it never changes after.
SNAPSHOT = Workflow(
    noun=_("The ranking"),
    choices=SnapshotStatus,
    steps={"publish": (_("Publish the period"), (SnapshotStatus.COMPUTED,))},
)

# Which rankings each program keeps, and on which period (scoring.md §3, §4); other programs keep a monthly
# horse race. The schemes are program data: these are the values they start from.
DEFAULT_SCHEMES = {
    "wuyi-2024": {RankingKind.HORSE_RACE: PeriodKind.BIWEEKLY, RankingKind.TOWNSHIP: PeriodKind.MONTHLY},
    "jinhua-pilot": {RankingKind.HORSE_RACE: PeriodKind.MONTHLY, RankingKind.DISTRICT: PeriodKind.QUARTERLY},
}


def schemes_ensure(program: Program) -> list[RankingScheme]:
    """The program's schemes, made with their defaults the first time: the horse race (progress 50 / quality 50
    spread equally inside each; bottom 1 place for 3 periods running; providers see their own figures only) and
    the region rankings the program keeps (equal weights)."""
    wanted = DEFAULT_SCHEMES.get(program.slug, {RankingKind.HORSE_RACE: PeriodKind.MONTHLY})
    have = {scheme.kind: scheme for scheme in RankingScheme.objects.filter(program=program)}
    for kind, period in wanted.items():
        if kind not in have:
            weights = KINDS[kind].DEFAULT_WEIGHTS
            have[kind] = record_save(
                RankingScheme(
                    program=program,
                    kind=kind,
                    period=period,
                    weights={code: str(weight) for code, weight in weights.items()},
                ),
                acting_user=None,
                reason=_("Default scheme"),
            )
    return sorted(have.values(), key=lambda scheme: scheme.kind)


def scheme_of(program: Program, kind=RankingKind.HORSE_RACE) -> RankingScheme | None:
    return next((scheme for scheme in schemes_ensure(program) if scheme.kind == kind), None)


def scheme_check(scheme: RankingScheme) -> None:
    """Refuse weights that name unknown indicators, are negative or do not add up to 100."""
    known = {indicator.code for indicator in KINDS[scheme.kind].INDICATORS}
    try:
        weights = {code: Decimal(str(value)) for code, value in scheme.weights.items()}
    except (ArithmeticError, ValueError, AttributeError):
        raise PortalError(_("Weights must be numbers."), fields={"weights": [_("Weights must be numbers.")]}) from None
    unknown = sorted(set(weights) - known)
    if unknown or any(weight < 0 for weight in weights.values()) or sum(weights.values()) != 100:
        message = _("Weights are given for the known indicators, none negative, adding up to 100.")
        raise PortalError(message, fields={"weights": [message]})


def snapshot_make(*, program: Program, period: periods.Period, kind=RankingKind.HORSE_RACE) -> RankingSnapshot:
    """The snapshot of `kind` for `period`: made once from the data as of the period's cut-off; asking again
    returns the same snapshot unchanged (one snapshot per program, kind and period)."""
    existing = RankingSnapshot.objects.filter(program=program, kind=kind, period_start=period.start).first()
    if existing is not None:
        return existing
    scheme = scheme_of(program, kind)
    if scheme is None:
        raise PortalError(_("This program keeps no ranking of this kind."))
    builder = KINDS[kind]
    weights = {code: Decimal(str(value)) for code, value in scheme.weights.items()}
    groups = builder.groups_as_of(program, period.cutoff)
    chain, step = [], period
    for _step in range(max(scheme.bottom_periods - 1, 1)):  # the consecutive periods just before, latest first
        step = periods.previous_period(scheme.period, program.starts_on, step)
        chain.append(step.start)
    found = {
        snapshot.period_start: snapshot
        for snapshot in RankingSnapshot.objects.filter(program=program, kind=kind, period_start__in=chain)
    }
    previous = found.get(chain[0])
    before = _previous_entries(previous)
    earlier_bottoms = [
        _bottom_of(found[start], scheme) if start in found else set() for start in chain[: scheme.bottom_periods - 1]
    ]
    try:
        with transaction.atomic():
            snapshot = record_save(
                RankingSnapshot(
                    program=program,
                    kind=kind,
                    period_start=period.start,
                    period_end=period.end,
                    cutoff=period.cutoff,
                    scheme={
                        "period": scheme.period,
                        "weights": {code: str(weight) for code, weight in weights.items()},
                        "bottom_n": scheme.bottom_n,
                        "bottom_periods": scheme.bottom_periods,
                        "publish_details": scheme.publish_details,
                    },
                    inputs={
                        "groups": {group.code: len(group.subjects) for group in groups},
                        "previous_period": previous.period_start.isoformat() if previous else None,
                    },
                ),
                acting_user=None,
                reason=_("Ranking of the period"),
            )
            RankingEntry.objects.bulk_create(
                _entries(snapshot, builder, groups, weights, before, earlier_bottoms, scheme), batch_size=1000
            )
    except IntegrityError:  # another worker made it first: one snapshot per period
        return RankingSnapshot.objects.get(program=program, kind=kind, period_start=period.start)
    return snapshot


def _previous_entries(previous) -> dict:
    if previous is None:
        return {}
    return {
        (entry.group, entry.subject_id): (entry.rank, entry.score)
        for entry in previous.entries.only("group", "subject_id", "rank", "score")
    }


def _bottom_of(snapshot, scheme) -> set:
    """The overall bottom places of an earlier snapshot."""
    ranked = snapshot.entries.filter(group=horse_race.OVERALL, rank__isnull=False).values_list("subject_id", "rank")
    return ranking.bottom(list(ranked), scheme.bottom_n)


def _entries(snapshot, builder, groups, weights, before, earlier_bottoms, scheme):
    entries = []
    for group in groups:
        placed = ranking.rank(builder.INDICATORS, group.subjects, weights)
        marks = builder.marks(placed, scheme, earlier_bottoms) if group.code == horse_race.OVERALL else {}
        for item in placed:
            subject = item.subject
            previous_rank, previous_score = before.get((group.code, subject.id), (None, None))
            entries.append(
                RankingEntry(
                    snapshot=snapshot,
                    group=group.code,
                    group_name=group.name,
                    subject_id=subject.id,
                    subject_name=subject.name,
                    values={code: None if value is None else str(value) for code, value in subject.values.items()},
                    normalised={code: str(value) for code, value in item.normalised.items()},
                    score=item.score,
                    rank=item.rank,
                    previous_rank=previous_rank,
                    previous_score=previous_score,
                    flagged=subject.id in marks,
                    flag_reason=marks.get(subject.id, ""),
                )
            )
    return entries


def snapshots_catch_up(*, now=None) -> list[RankingSnapshot]:
    """Make every ended period's snapshot still missing, for every active program and ranking it keeps: what the
    daily beat job does. A worker that was down catches up every period it missed; running it twice adds
    nothing."""
    today = periods.today_in_shanghai(now or timezone.now())
    made = []
    for program in Program.objects.filter(status="active").order_by("pk"):
        for scheme in schemes_ensure(program):
            if not scheme.is_active:
                continue
            have = set(
                RankingSnapshot.objects.filter(program=program, kind=scheme.kind).values_list("period_start", flat=True)
            )
            for period in periods.ended_periods(scheme.period, program.starts_on, today):
                if period.start not in have:
                    made.append(snapshot_make(program=program, period=period, kind=scheme.kind))
    return made


def snapshot_publish(*, access: ProgramAccess, snapshot: RankingSnapshot) -> RankingSnapshot:
    """Publish a period's ranking: providers then see their position in it."""
    access.require(Capability.PUBLISH_RANKING)
    if snapshot.program_id != access.program.pk:
        raise Conflict(_("This ranking belongs to another program."))
    with transaction.atomic():
        snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        SNAPSHOT.require("publish", snapshot.status)
        snapshot.status, snapshot.published_at, snapshot.published_by = (
            SnapshotStatus.PUBLISHED,
            timezone.now(),
            access.user,
        )
        return record_save(snapshot, acting_user=access.user, reason=_("Published"))


# --- bulletins --------------------------------------------------------------------------------------------


def bulletin_request(*, access: ProgramAccess, snapshot: RankingSnapshot) -> BulletinJob:
    """Queue the bulletin PDF of a snapshot; the page follows the job's progress. Generating writes a job and a
    file, so the read-only roles (supervisor, auditor) may not: they download the bulletins already made."""
    access.require(Capability.GENERATE_BULLETIN)
    if snapshot.program_id != access.program.pk:
        raise NotAllowed(_("This ranking belongs to another program."))
    with transaction.atomic():
        job = record_save(BulletinJob(snapshot=snapshot, requested_by=access.user), acting_user=access.user)
        outbox.enqueue("rankings.tasks.render_bulletin_task", job.pk, job=job, message_field="message")
    return job


def _job_step(job, status, progress, message=""):
    job.status, job.progress, job.message = status, progress, message[:300]
    record_save(job, acting_user=job.requested_by, update_fields=["status", "progress", "message", "updated_at"])


def bulletin_render(*, job: BulletinJob):
    """Render the snapshot's bulletin unless one of the same content exists (then that one is the job's result).
    Safe to run twice: one snapshot state, one file."""
    from django.core.files.base import ContentFile

    from portal.core.files import stored_file_save
    from rankings.documents import bulletin_data, bulletin_fingerprint, bulletin_pdf
    from rankings.models import BulletinFile

    if job.status == BulletinStatus.DONE and job.bulletin_id:
        return job.bulletin
    _job_step(job, BulletinStatus.RENDERING, 10, _("Reading the ranking"))
    snapshot = RankingSnapshot.objects.select_related("program").get(pk=job.snapshot_id)
    data = bulletin_data(snapshot)
    fingerprint = bulletin_fingerprint(data)
    existing = snapshot.bulletins.filter(fingerprint=fingerprint).first()
    if existing is None:
        _job_step(job, BulletinStatus.RENDERING, 40, _("Laying out the pages"))
        jobs.drill_pause()
        rendered = bulletin_pdf(data)
        _job_step(job, BulletinStatus.RENDERING, 85, _("Storing the file"))
        name = f"{snapshot.program.slug}-{snapshot.period_start:%Y%m%d}-通报.pdf"
        try:
            with transaction.atomic():
                existing = stored_file_save(
                    BulletinFile(snapshot=snapshot, fingerprint=fingerprint, pages=rendered.pages),
                    upload=ContentFile(rendered.content, name=name),
                    acting_user=job.requested_by,
                    reason=_("Bulletin generated"),
                )
        except IntegrityError:  # rendered at the same time by another job
            existing = snapshot.bulletins.get(fingerprint=fingerprint)
    job.bulletin = existing
    job.status, job.progress, job.message = BulletinStatus.DONE, 100, ""
    record_save(job, acting_user=job.requested_by)
    return existing


def bulletin_retry(*, access: ProgramAccess, job: BulletinJob) -> BulletinJob:
    """Render a failed bulletin job again, on the same record: one snapshot state makes one file."""
    access.require(Capability.GENERATE_BULLETIN)
    if job.snapshot.program_id != access.program.pk:
        raise NotAllowed(_("This ranking belongs to another program."))
    return jobs.job_retry("bulletin", job, acting_user=access.user)
