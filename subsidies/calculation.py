"""A calculation run, set-based: read the program's accepted projects in bulk, evaluate each with the policy
engine's pure function, write the lines in bulk, all in one transaction.

- A crash anywhere leaves the run as it was: the new calculation's rows are written inside one transaction.
- Calculating the same draft again writes nothing when the lines would be identical (same fingerprint); the
  run's current lines are then exactly the lines it had.
- Earlier calculations of a draft stay in the database under their generation number; the run shows its
  current generation.
- Each project is priced under the policy version fixed at its approval (`Application.policy_version`); a
  project approved before versions were fixed is priced under the program's active version. Each version's
  snapshot is read once.
"""

import hashlib
import json
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acceptance.models import PASSED_STATUSES, AcceptanceReview, DigitalAssessment, ReviewStatus
from policies import engine
from policies.facts import AMOUNT_KEYS, investment_facts
from policies.models import PolicyVersion
from policies.quotes import result_as_dict
from policies.selectors import policy_snapshot, policy_version_for_quote
from portal.core import jobs
from portal.core.errors import Conflict
from portal.core.money import format_yuan
from portal.core.progress import progress_set
from programs.selectors import current_batch
from subsidies.locks import lock_run
from subsidies.models import FUNDING_SOURCES, AwardDecision, CalculationRun, JobStatus, LineKind, RunExclusion, RunLine
from subsidies.workflow import RUN

CHUNK = 2000
ZERO = Decimal("0.00")
AUDIT_FIELDS = AMOUNT_KEYS

FACT_COLUMNS = {
    "review_id": "id",
    "status": "status",
    "decided_at": "decided_at",
    "announcement_ends_on": "announcement_ends_on",
    "application_id": "application_id",
    "policy_version_id": "application__policy_version_id",
    "track": "application__track",
    "title": "application__title",
    "filing_number": "application__filing_number",
    "batch": "application__batch__number",
    "enterprise": "application__enterprise__organisation__name",
    "uscc": "application__enterprise__organisation__uscc",
    "township": "application__enterprise__township__name",
    "industry": "application__enterprise__industry__code",
    "industry_name": "application__enterprise__industry__name",
    "scale": "application__enterprise__scale",
    "provider": "application__provider__organisation__name",
    **{f"audit_{name}": f"audit__{name}" for name in AUDIT_FIELDS},
    "audit_id": "audit__id",
}


class Stage:
    """Why a project was left out of a calculation (stored as the code; the reason is the readable text)."""

    NOT_ANNOUNCED = "not_announced"
    ANNOUNCING = "announcing"
    ON_HOLD = "on_hold"
    NO_AUDIT = "no_audit"
    POLICY = "policy"
    INELIGIBLE = "ineligible"


@dataclass
class Totals:
    lines: int = 0
    excluded: int = 0
    subsidy: Decimal = ZERO
    awards: Decimal = ZERO
    total: Decimal = ZERO

    def add(self, line: RunLine):
        self.lines += 1
        self.subsidy += line.subsidy
        self.awards += line.awards
        self.total += line.total


@dataclass
class Context:
    """What evaluating the program's projects reads once: one policy snapshot per version the projects were
    approved under (the active version's for a project with none), read the first time a project needs it."""

    program: object
    batches: list
    levels: dict  # application id → level assessed after transformation
    awards: dict  # application id → [(kind, amount)]
    policy: engine.Policy | None = None  # the active version's
    policies: dict = field(default_factory=dict)  # policy version id → engine.Policy
    versions: dict = field(default_factory=dict)  # version code → PolicyVersion, for every snapshot read
    priced: set = field(default_factory=set)  # codes of the versions projects were priced under
    digest: object = field(default_factory=hashlib.sha256)
    tz: object = field(default_factory=timezone.get_current_timezone)

    def snapshots_read(self, version_ids) -> None:
        """Read the snapshots of `version_ids` (None: the active version) at once."""
        wanted = {pk for pk in version_ids if pk is not None and pk not in self.policies}
        for version in PolicyVersion.objects.filter(program=self.program, pk__in=wanted).select_related("program"):
            self.policies[version.pk] = self._snapshot(version)
        for pk in wanted - set(self.policies):  # not a version of this program: priced as if none were fixed
            self.policies[pk] = self.active_policy()
        if None in version_ids:
            self.active_policy()

    def active_policy(self) -> engine.Policy:
        if self.policy is None:
            active = policy_version_for_quote(program=self.program)
            if active.pk not in self.policies:
                self.policies[active.pk] = self._snapshot(active)
            self.policy = self.policies[active.pk]
        return self.policy

    def policy_for(self, version_id) -> engine.Policy:
        """The snapshot a project is priced under: its own version's, else the active version's."""
        if version_id is None:
            return self.active_policy()
        if version_id not in self.policies:
            self.snapshots_read({version_id})
        return self.policies[version_id]

    def _snapshot(self, version) -> engine.Policy:
        self.versions[version.code] = version
        return policy_snapshot(version=version)


class Unchanged(Exception):
    """The calculation gives exactly the run's current lines: nothing is written."""


# --- reading ----------------------------------------------------------------------------------------------


def candidate_reviews(program):
    """Reviews that passed acceptance and whose project is in no approved run, first accepted first."""
    frozen = RunLine.objects.filter(run__program=program, frozen=True, kind=LineKind.PROJECT).values("application_id")
    return (
        AcceptanceReview.objects.filter(application__program=program, status__in=PASSED_STATUSES)
        .exclude(application_id__in=frozen)
        .order_by("decided_at", "application_id")
    )


def fact_rows(reviews, *, chunk_size=CHUNK):
    """The reviews' facts as dicts keyed by FACT_COLUMNS' names, streamed."""
    names = tuple(FACT_COLUMNS)
    for values in reviews.values_list(*FACT_COLUMNS.values()).iterator(chunk_size=chunk_size):
        yield dict(zip(names, values, strict=True))


def read_context(program, policy=None) -> Context:
    """`policy`: the snapshot for projects without a version of their own (by default the active version's,
    read when first needed)."""
    levels = {}
    for application_id, level in (
        DigitalAssessment.objects.filter(application__program=program, phase="after", is_active=True)
        .order_by("assessed_on", "pk")
        .values_list("application_id", "level")
    ):
        levels[application_id] = level  # the latest assessment wins
    awards: dict = {}
    for application_id, kind, amount in (
        AwardDecision.objects.filter(program=program, is_active=True)
        .order_by("application_id", "kind")
        .values_list("application_id", "kind", "amount")
    ):
        awards.setdefault(application_id, []).append((kind, amount))
    return Context(program=program, policy=policy, batches=list(program.batches.all()), levels=levels, awards=awards)


def project_inputs(row, context: Context) -> dict:
    """The facts a line reads, as stored on the line (JSON: amounts as strings)."""
    accepted_on = row["decided_at"].astimezone(context.tz).date()
    batch = row["batch"]
    if batch is None:
        found = current_batch(context.program, accepted_on, batches=context.batches)
        batch = found.number if found else None
    audited = {name: row[f"audit_{name}"] for name in AUDIT_FIELDS}
    policy = context.policy_for(row.get("policy_version_id"))
    return {
        "policy_version": policy.code,
        "enterprise": row["enterprise"],
        "uscc": row["uscc"],
        "township": row["township"] or "",
        "industry": row["industry"],
        "industry_name": row["industry_name"],
        "scale": row["scale"] or "",
        "track": row["track"],
        "provider": row["provider"] or "",
        "filing_number": row["filing_number"] or "",
        "title": row["title"],
        "batch": batch,
        "level": context.levels.get(row["application_id"]),
        "accepted_on": accepted_on.isoformat(),
        **{name: f"{value:.2f}" for name, value in audited.items()},
        "awards": [[kind, f"{amount:.2f}"] for kind, amount in context.awards.get(row["application_id"], [])],
    }


def facts_from_inputs(inputs: dict) -> engine.Facts:
    """The engine's facts from a line's stored inputs (used again by what-ifs)."""
    return engine.Facts(
        track=inputs["track"],
        industry=inputs["industry"],
        industry_name=inputs["industry_name"],
        scale=inputs["scale"],
        batch=inputs["batch"],
        **investment_facts(inputs),
        level=inputs["level"],
        accepted_on=date.fromisoformat(inputs["accepted_on"]),
        awards=tuple((kind, Decimal(amount)) for kind, amount in inputs["awards"]),
    )


# --- evaluating -------------------------------------------------------------------------------------------


def stage_of(row) -> tuple[str, str] | None:
    """(stage, reason) when the review is not ready for subsidy, else None."""
    status = row["status"]
    if status == ReviewStatus.PASSED:
        return Stage.NOT_ANNOUNCED, _("Passed acceptance; the public announcement has not started.")
    if status == ReviewStatus.ANNOUNCING:
        ends = row["announcement_ends_on"]
        return Stage.ANNOUNCING, _("In public announcement until %(date)s.") % {
            "date": ends.isoformat() if ends else "—"
        }
    if status == ReviewStatus.ON_HOLD:
        return Stage.ON_HOLD, _("On hold: an objection raised during the announcement is being handled.")
    if row["audit_id"] is None:
        return Stage.NO_AUDIT, _("No financial audit is recorded.")
    return None


def evaluate(policy, inputs) -> tuple[engine.Result | None, str]:
    """(result, "") or (None, why the policy cannot evaluate the project)."""
    try:
        return engine.evaluate(policy, facts_from_inputs(inputs)), ""
    except engine.PolicyError as error:
        return None, f"{error.field}: {error.message}"


def line_amounts(result: engine.Result) -> dict:
    shares = dict.fromkeys(FUNDING_SOURCES, ZERO)
    for funding in result.funding_lines:
        shares[funding.source] += funding.amount
    return {
        "subsidy": result.subsidy,
        "awards": result.total - result.subsidy,
        "total": result.total,
        **shares,
    }


def _digest(context, *parts):
    context.digest.update(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode())


# --- the run ----------------------------------------------------------------------------------------------


def calculate(run: CalculationRun) -> CalculationRun:
    """Calculate a draft run: one new generation of lines, or nothing when the result is unchanged. Locks only the
    run (`subsidies.locks` level 2), however long it takes: approvals and payments of the program go on."""
    RUN.require("calculate", run.status)
    program = run.program
    reviews = candidate_reviews(program)
    version_ids = set(reviews.order_by().values_list("application__policy_version_id", flat=True).distinct())
    version_ids |= set(
        run.corrections.filter(is_active=True)
        .order_by()
        .values_list("corrects__application__policy_version_id", flat=True)
        .distinct()
    )
    context = read_context(program)
    context.snapshots_read(version_ids)
    expected = reviews.count() + run.corrections.filter(is_active=True).count()
    progress_set("run", run.pk, 5, _("Reading the accepted projects"))
    try:
        with transaction.atomic():
            locked = lock_run(run)
            if not RUN.allows("calculate", locked.status):
                raise Conflict(_("The run left draft while it was being calculated."))
            generation = locked.generation + 1
            _digest(context, "versions", sorted((v.pk, v.code) for v in context.versions.values()))
            with closing(fact_rows(reviews)) as rows:  # the server-side cursor closes before any rollback
                totals = _write_projects(run, generation, rows, context, expected)
            jobs.drill_pause()  # lines written, not committed: a crash here must leave none
            _write_adjustments(run, generation, context, totals)
            fingerprint = context.digest.hexdigest()
            if fingerprint == locked.fingerprint and locked.generation:
                raise Unchanged
            locked.generation = generation
            locked.fingerprint = fingerprint
            locked.policy_version = _single_version(context)
            locked.calculated_at = timezone.now()
            locked.line_count, locked.excluded_count = totals.lines, totals.excluded
            locked.subsidy_total, locked.award_total, locked.total = totals.subsidy, totals.awards, totals.total
            locked.job_status, locked.job_message = JobStatus.DONE, ""
            locked._change_reason = _("Calculation %(number)s") % {"number": generation}
            locked.save()
    except Unchanged:
        CalculationRun.objects.filter(pk=run.pk).update(
            job_status=JobStatus.DONE,
            job_message=_("Calculated again: the lines are unchanged."),
            calculated_at=timezone.now(),
        )
    progress_set("run", run.pk, 100, _("Done"))
    run.refresh_from_db()
    return run


def _single_version(context) -> PolicyVersion | None:
    """The run's version: the one every project was priced under; None when the lines name several."""
    codes = context.priced or set(context.versions)
    return context.versions.get(next(iter(codes))) if len(codes) == 1 else None


def run_policy_versions(run: CalculationRun) -> list[str]:
    """The codes of the versions the run's current lines were priced under (one query)."""
    codes = (
        RunLine.objects.filter(run=run, generation=run.generation)
        .order_by()
        .values_list("result__policy_version", flat=True)
        .distinct()
    )
    return sorted(code for code in codes if code)


def _write_projects(run, generation, rows, context, expected) -> Totals:
    totals, lines, exclusions = Totals(), [], []
    for done, row in enumerate(rows, start=1):
        inputs = project_inputs(row, context)
        stage = stage_of(row)
        result, problem = (None, "") if stage else evaluate(context.policy_for(row["policy_version_id"]), inputs)
        if stage is None:
            context.priced.add(inputs["policy_version"])
        if stage is None and result is None:
            stage = (Stage.POLICY, problem)
        if stage is None and not result.eligible:
            stage = (Stage.INELIGIBLE, "；".join(result.reasons))
        if stage:
            exclusions.append(
                RunExclusion(
                    run=run,
                    generation=generation,
                    application_id=row["application_id"],
                    review_id=row["review_id"],
                    stage=stage[0],
                    reason=stage[1],
                    inputs=inputs,
                )
            )
            _digest(context, "out", row["application_id"], *stage)
            totals.excluded += 1
        else:
            line = _line(run, generation, totals.lines + 1, row, inputs, result)
            lines.append(line)
            totals.add(line)
            context.digest.update(f"line {line.application_id} ".encode())
            context.digest.update("".join(_json_of(line)).encode())
        if len(lines) >= CHUNK:
            _write_lines(lines)
            lines = []
        if len(exclusions) >= CHUNK:
            RunExclusion.objects.bulk_create(exclusions)
            exclusions = []
        if done % CHUNK == 0:
            progress_set(
                "run",
                run.pk,
                5 + 90 * done // max(expected, 1),
                _("Calculated %(done)s of %(total)s") % {"done": done, "total": expected},
            )
    _write_lines(lines)
    RunExclusion.objects.bulk_create(exclusions)
    return totals


def _line(run, generation, position, row, inputs, result, **extra) -> RunLine:
    return RunLine(
        run=run,
        generation=generation,
        position=position,
        application_id=row["application_id"],
        review_id=row["review_id"],
        accepted_at=row["decided_at"],
        inputs=inputs,
        result=result_as_dict(result),
        **line_amounts(result),
        **extra,
    )


LINE_COLUMNS = (
    "run_id",
    "generation",
    "position",
    "kind",
    "application_id",
    "review_id",
    "corrects_id",
    "accepted_at",
    "inputs",
    "result",
    "subsidy",
    "awards",
    "total",
    *FUNDING_SOURCES,
    "unfunded",
    "frozen",
)
JSON_COLUMNS = ("inputs", "result")


def _json_of(line: RunLine) -> tuple[str, str]:
    """The line's inputs and result as JSON text, made once per line (the fingerprint and the insert share it)."""
    if not hasattr(line, "_json"):
        line._json = tuple(json.dumps(getattr(line, name), ensure_ascii=False) for name in JSON_COLUMNS)
    return line._json


def _write_lines(lines):
    """One bulk insert of a chunk of lines. On PostgreSQL the rows go in one multi-row INSERT built from the JSON
    text already made for the fingerprint; elsewhere through the ORM."""
    if not lines:
        return
    if connection.vendor != "postgresql":
        RunLine.objects.bulk_create(lines)
        return
    from psycopg2.extras import execute_values

    template = "(" + ", ".join("%s::jsonb" if name in JSON_COLUMNS else "%s" for name in LINE_COLUMNS) + ")"
    values = []
    for line in lines:
        inputs, result = _json_of(line)
        texts = {"inputs": inputs, "result": result}
        values.append(tuple(texts[name] if name in texts else getattr(line, name) for name in LINE_COLUMNS))
    sql = f"INSERT INTO {RunLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) VALUES %s"
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, values, template=template, page_size=len(values))


# --- corrections of approved lines -------------------------------------------------------------------------


def effective_amounts(line: RunLine) -> dict:
    """What an approved line and the approved adjustments of it add up to."""
    names = ("subsidy", "awards", "total", *FUNDING_SOURCES)
    amounts = {name: getattr(line, name) for name in names}
    for adjustment in line.adjustments.filter(frozen=True):
        for name in names:
            amounts[name] += getattr(adjustment, name)
    return amounts


def _write_adjustments(run, generation, context, totals: Totals):
    corrections = list(
        run.corrections.filter(is_active=True).select_related("corrects__run").order_by("corrects__accepted_at", "pk")
    )
    if not corrections:
        return
    rows = {
        row["application_id"]: row
        for row in fact_rows(
            AcceptanceReview.objects.filter(pk__in=[c.corrects.review_id for c in corrections if c.corrects.review_id])
        )
    }
    lines = []
    for correction in corrections:
        corrected = correction.corrects
        row = rows.get(corrected.application_id)
        if row is None or row["audit_id"] is None:
            _exclude_correction(
                run, generation, corrected, _("The corrected project has no audited amounts to read."), context, totals
            )
            continue
        inputs = project_inputs(row, context)
        result, problem = evaluate(context.policy_for(row["policy_version_id"]), inputs)
        context.priced.add(inputs["policy_version"])
        if result is None:
            _exclude_correction(run, generation, corrected, problem, context, totals)
            continue
        before = effective_amounts(corrected)
        after = line_amounts(result) if result.eligible else dict.fromkeys(before, ZERO)
        delta = {name: after[name] - before[name] for name in before}
        data = result_as_dict(result)
        note = _(
            "Correction of run %(run)s, line %(line)s (%(reason)s): before %(before)s yuan, recalculated %(after)s "
            "yuan, difference %(delta)s yuan."
        ) % {
            "run": corrected.run.number,
            "line": corrected.position,
            "reason": correction.reason,
            "before": format_yuan(before["total"]),
            "after": format_yuan(after["total"]),
            "delta": format_yuan(delta["total"]),
        }
        data["trace"] = [note, *data["trace"]]
        data["correction"] = {
            "run": corrected.run.number,
            "line": corrected.position,
            "reason": correction.reason,
            "before": {name: f"{value:.2f}" for name, value in before.items()},
            "after": {name: f"{value:.2f}" for name, value in after.items()},
        }
        line = RunLine(
            run=run,
            generation=generation,
            position=totals.lines + 1,
            kind=LineKind.ADJUSTMENT,
            application_id=corrected.application_id,
            review_id=corrected.review_id,
            corrects=corrected,
            accepted_at=corrected.accepted_at,
            inputs=inputs,
            result=data,
            **delta,
        )
        lines.append(line)
        totals.add(line)
        _digest(context, "adjustment", corrected.pk, inputs, data)
    _write_lines(lines)


def _exclude_correction(run, generation, corrected, reason, context, totals):
    RunExclusion.objects.create(
        run=run,
        generation=generation,
        application_id=corrected.application_id,
        review_id=corrected.review_id,
        stage=Stage.POLICY,
        reason=_("Correction of run %(run)s, line %(line)s: %(reason)s")
        % {"run": corrected.run.number, "line": corrected.position, "reason": reason},
    )
    _digest(context, "correction-out", corrected.pk, reason)
    totals.excluded += 1
