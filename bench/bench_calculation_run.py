"""A calculation run over 100,000 accepted projects on PostgreSQL, against the floor: the same facts evaluated in
memory (`engine.evaluate` + `result_as_dict`, nothing read or written).

    make bench      # or: .venv/bin/python bench/bench_calculation_run.py [--projects N] [--database-url URL]

Set-up (untimed, kept between runs): the database `<name>_setup` gets `migrate`, the demo and N accepted projects
in the `jinhua-pilot` program (track `pilot`, levels 2–4, three industries, acceptance dates over two pilot
years, 300,000–3,000,000 yuan each) written with `subsidies.accepted.accepted_projects_create`. Each run then
works on a fresh copy of it (`CREATE DATABASE <name> TEMPLATE <name>_setup`), because approving a run freezes its
projects for good. A second run of the script reuses the set-up and only copies it.

Measured, each step in a child process of its own (spawned, so its peak RSS is its own):
- the floor: read the facts (timed apart), build `Facts` as the run does, time `evaluate` + `result_as_dict`;
- the calculation of a new draft (`run_create` queues on an in-process memory broker, nobody consumes it; the
  child calls `run_calculate(run_id=...)` as the Celery task would): wall time, peak RSS, lines/s;
- the calculation of the same draft again (same fingerprint: the lines stay as they were);
- the approval by a second reviewer, which draws a central funding pool smaller than the central share.

Prints the figures, the spec's targets beside them (information only: nothing is asserted) and run / floor.
Needs PostgreSQL (the machine's at 127.0.0.1:5432); it never touches the `shugai` or `test_shugai` databases.
`--allow-sqlite` with `--projects` of at most 20,000 runs the same steps on SQLite files (for a quick look).
"""

import argparse
import multiprocessing
import os
import random
import shutil
import sys
import time
import traceback
from contextlib import suppress
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/shugai_bench"
PROTECTED = {"shugai", "test_shugai", "postgres", "template0", "template1", "root", "test"}
SQLITE_MAX_PROJECTS = 20_000
PROGRAM = "jinhua-pilot"
CREATOR, APPROVER, ADMIN = "jinhua-reviewer", "reviewer", "jinhua-admin"
CHUNK = 10_000
POOL_SHARE = Decimal("0.75")  # the central pool holds 75% of the central share: approval leaves some unfunded
TARGET_SECONDS, TARGET_MB, TARGET_RATIO = 60, 500, 5
SHANGHAI = ZoneInfo("Asia/Shanghai")

PLACES = ["金华", "兰溪", "义乌", "东阳", "永康", "武义", "浦江", "磐安", "婺城", "金东"]
BRANDS = list("金华永康义乌东阳兰溪武浦磐安宏达恒信瑞丰鑫隆盛泰华鼎力天成新源博远嘉德正通中科精工联合")
TRADES = {
    "power-tools": ["电动工具", "园林工具", "电器", "机电"],
    "magnetic-materials": ["磁业", "磁性材料", "磁电", "稀土永磁"],
    "garments": ["服饰", "制衣", "针织", "纺织服装"],
}
SUFFIXES = ["有限公司", "股份有限公司", "制造有限公司", "科技有限公司"]


# --- measuring in a child process ---------------------------------------------------------------------------


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measured(work):
    """Run `work()`; its wall time, this process's CPU time (the rest is waiting, mostly on the database), the
    process's peak RSS (VmHWM, reset first) and its RSS before."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    before = _status_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    value = work()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _status_kb("VmHWM")
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak / 1024, "before_mb": before / 1024, "value": value}


def _child(conn, stage, kwargs):
    try:
        import django

        django.setup()
        _quiet()
        conn.send(STAGES[stage](**kwargs))
    except BaseException:  # noqa: BLE001 — the parent prints it and stops
        conn.send({"error": traceback.format_exc()})
    finally:
        conn.close()


def _quiet():
    """kombu warns that the in-process broker has no host name; it needs none."""
    import logging

    logging.getLogger("kombu.connection").setLevel(logging.ERROR)


def in_child(stage, **kwargs):
    """Run a stage in a spawned process (a fresh interpreter, as a Celery worker's) and return what it sends."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, stage, kwargs))
    process.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:
        result = {"error": f"the {stage} process died"}
    process.join()
    if "error" in result:
        sys.exit(f"{stage} failed:\n{result['error']}")
    return result


# --- set-up (in the setup database) --------------------------------------------------------------------------


def project_specs(count, seed, townships, providers):
    from policies.models import Scale
    from subsidies.accepted import ProjectSpec

    rng = random.Random(seed)
    start = datetime(2024, 9, 1, tzinfo=SHANGHAI)
    span = (datetime(2026, 8, 31, 23, 59, tzinfo=SHANGHAI) - start).total_seconds()
    batches = [(1, datetime(2024, 9, 1, tzinfo=SHANGHAI)), (2, datetime(2025, 1, 1, tzinfo=SHANGHAI))]
    ends = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    for _ in range(count):
        industry = rng.choice(list(TRADES))
        brand = "".join(rng.sample(BRANDS, 2))
        name = f"{rng.choice(PLACES)}{brand}{rng.choice(TRADES[industry])}{rng.choice(SUFFIXES)}"
        decided_at = start + timedelta(seconds=rng.uniform(0, span))
        filed = decided_at - timedelta(days=120)
        batch = next((number for number, opens in reversed(batches) if opens <= filed < ends), None)
        total = rng.randint(300_000_00, 3_000_000_00)  # fen
        n = total * rng.randint(30, 70) // 100
        n_software = n * rng.randint(20, 80) // 100
        x_software = (total - n) * rng.randint(20, 80) // 100
        yield ProjectSpec(
            enterprise=name,
            industry=industry,
            decided_at=decided_at,
            track="pilot",
            batch=batch,
            n_software=Decimal(n_software) / 100,
            n_hardware=Decimal(n - n_software) / 100,
            x_software=Decimal(x_software) / 100,
            x_hardware=Decimal(total - n - x_software) / 100,
            automation=Decimal(rng.choice([0, 0, rng.randint(50_000_00, 500_000_00)])) / 100,
            level=rng.choices([2, 3, 4], weights=[5, 3, 2])[0],
            township=rng.choice(townships),
            scale=rng.choice([Scale.ABOVE, Scale.ABOVE, Scale.BELOW]),
            provider=rng.choice(providers),
        )


def stage_setup(projects, seed):
    """migrate, the demo and the projects, unless the database holds them already."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from acceptance.models import AcceptanceReview
    from demo.build import demo_build
    from programs.models import Program, Region
    from providers.models import PoolMembership
    from subsidies.accepted import accepted_projects_create

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    have = AcceptanceReview.objects.filter(application__program__slug=PROGRAM).count()
    if have == projects:
        return {"reused": True, "seconds": time.perf_counter() - started}
    if have:
        return {"mismatch": have}
    demo_build()
    program = Program.objects.get(slug=PROGRAM)
    actor = get_user_model().objects.get(username=ADMIN)
    townships = list(
        Region.objects.filter(level="township", code__regex=r"^" + program.region.code).order_by("code")
    ) or [None]
    providers = [*PoolMembership.objects.filter(program=program).order_by("pk"), None]
    specs = project_specs(projects, seed, townships, providers)
    done = 0
    while done < projects:
        chunk = [spec for _, spec in zip(range(min(CHUNK, projects - done)), specs, strict=False)]
        accepted_projects_create(program, chunk, actor=actor)
        done += len(chunk)
        print(
            f"  set-up: {done:,} of {projects:,} projects written ({time.perf_counter() - started:.0f} s)", flush=True
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"reused": False, "seconds": time.perf_counter() - started}


# --- the measured stages (in the working copy) ---------------------------------------------------------------


def stage_floor():
    from policies import engine
    from policies.quotes import result_as_dict
    from policies.selectors import policy_snapshot, policy_version_for_quote
    from programs.models import Program
    from subsidies import calculation

    program = Program.objects.get(slug=PROGRAM)
    started = time.perf_counter()
    version = policy_version_for_quote(program=program)
    context = calculation.read_context(program, policy_snapshot(version=version))
    rows = list(calculation.fact_rows(calculation.candidate_reviews(program)))
    read_seconds = time.perf_counter() - started

    started = time.perf_counter()
    facts = [calculation.facts_from_inputs(calculation.project_inputs(row, context)) for row in rows]
    build_seconds = time.perf_counter() - started
    del rows

    policy = context.policy

    def evaluate_all():
        results = [engine.evaluate(policy, fact) for fact in facts]
        return results, [result_as_dict(result) for result in results]

    run = measured(evaluate_all)
    results, _dicts = run.pop("value")
    central = sum(
        (line.amount for result in results for line in result.funding_lines if line.source == "central"), Decimal(0)
    )
    return {
        **run,
        "projects": len(facts),
        "eligible": sum(1 for result in results if result.eligible),
        "subsidy": sum((result.subsidy for result in results), Decimal(0)),
        "central": central,
        "read_seconds": read_seconds,
        "build_seconds": build_seconds,
    }


def stage_calculate(run_id):
    from subsidies.runs import run_calculate

    out = measured(lambda: run_calculate(run_id=run_id))
    run = out.pop("value")
    return {
        **out,
        "generation": run.generation,
        "lines": run.line_count,
        "excluded": run.excluded_count,
        "subsidy": run.subsidy_total,
        "job": f"{run.job_status} {run.job_message}".strip(),
    }


def stage_approve(run_id):
    from subsidies.approvals import run_approve
    from subsidies.models import CalculationRun, FundingPool

    access = _access(APPROVER)
    run = CalculationRun.objects.get(pk=run_id)
    out = measured(lambda: run_approve(access=access, run=run, comment="benchmark", background=False))
    run = out.pop("value")
    pool = FundingPool.objects.get(program=access.program, source="central")
    return {**out, "status": run.status, "unfunded": run.unfunded_total, "allocated": pool.allocated}


def _access(username):
    from django.contrib.auth import get_user_model

    from programs.access import program_access

    return program_access(user=get_user_model().objects.get(username=username), slug=PROGRAM)


STAGES = {"setup": stage_setup, "floor": stage_floor, "calculate": stage_calculate, "approve": stage_approve}


# --- databases ----------------------------------------------------------------------------------------------


class Store:
    """The setup database and the working copy named by the URL (PostgreSQL databases or SQLite files)."""

    def __init__(self, url):
        self.url = url
        parts = urlsplit(url)
        self.sqlite = parts.scheme.startswith("sqlite")
        if self.sqlite:
            self.path = Path(parts.path[1:]).resolve()  # sqlite:////abs/path or sqlite:///relative/path
            self.setup_path = self.path.with_name(self.path.name + ".setup")
            self.setup_url = f"sqlite:///{self.setup_path}"
            return
        self.name = parts.path.lstrip("/")
        self.setup_name = f"{self.name}_setup"
        self.setup_url = urlunsplit(parts._replace(path="/" + self.setup_name))
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))

    def check(self):
        if not self.sqlite and (not self.name or self.name in PROTECTED or self.name.startswith("test_shugai")):
            sys.exit(f"refusing to use the database {self.name!r}: give a dedicated one, e.g. {DEFAULT_URL}")

    def _admin(self, *statements):
        import psycopg2

        conn = psycopg2.connect(self.admin_url)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                results = []
                for statement, params in statements:
                    cursor.execute(statement, params)
                    results.append(cursor.fetchall() if cursor.description else None)
                return results
        finally:
            conn.close()

    def ensure_setup(self):
        if self.sqlite:
            self.setup_path.parent.mkdir(parents=True, exist_ok=True)
            return
        found = self._admin(("SELECT 1 FROM pg_database WHERE datname = %s", [self.setup_name]))[0]
        if not found:
            self._admin((f'CREATE DATABASE "{self.setup_name}"', None))

    def drop_setup(self):
        if self.sqlite:
            self.setup_path.unlink(missing_ok=True)
        else:
            self._admin((f'DROP DATABASE IF EXISTS "{self.setup_name}"', None))

    def fresh_copy(self):
        if self.sqlite:
            shutil.copyfile(self.setup_path, self.path)
            return
        self._admin(
            (f'DROP DATABASE IF EXISTS "{self.name}"', None),
            (f'CREATE DATABASE "{self.name}" TEMPLATE "{self.setup_name}"', None),
        )


def use_database(url, *, eager):
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True" if eager else "False"
    os.environ.pop("REDIS_URL", None)  # in-process broker and cache: nothing of this reaches the shared Redis
    os.environ["DJANGO_DEBUG"] = "False"  # as in production: DEBUG would keep every query's SQL in memory


# --- the run ------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--allow-sqlite", action="store_true", help=f"SQLite files, --projects ≤ {SQLITE_MAX_PROJECTS:,}"
    )
    args = parser.parse_args()

    store = Store(args.database_url)
    if store.sqlite and (not args.allow_sqlite or args.projects > SQLITE_MAX_PROJECTS):
        print(
            "This benchmark measures PostgreSQL (the production database): give a PostgreSQL --database-url.\n"
            f"For a quick look on SQLite add --allow-sqlite and --projects of at most {SQLITE_MAX_PROJECTS:,}.",
            file=sys.stderr,
        )
        return 2
    store.check()
    setup = prepared(store, args.projects, args.seed)

    use_database(args.database_url, eager=False)
    import django

    django.setup()
    _quiet()
    database = database_name()
    floor = in_child("floor")
    steps = run_steps(floor)
    report(args, database, setup, floor, steps)
    first, second = steps["first"], steps["second"]
    return 0 if first["subsidy"] == floor["subsidy"] and second["generation"] == first["generation"] else 1


def prepared(store, projects, seed):
    """The set-up database (built once, reused when it holds the same number of projects) and a fresh working
    copy of it: the set-up stage's figures, with the whole time and the copy's."""
    started = time.perf_counter()
    store.ensure_setup()
    use_database(store.setup_url, eager=True)
    setup = in_child("setup", projects=projects, seed=seed)
    if "mismatch" in setup:
        print(f"  set-up holds {setup['mismatch']:,} projects, not {projects:,}: building it again", flush=True)
        store.drop_setup()
        store.ensure_setup()
        setup = in_child("setup", projects=projects, seed=seed)
    copy_started = time.perf_counter()
    store.fresh_copy()
    copy_seconds = time.perf_counter() - copy_started
    setup_seconds = time.perf_counter() - started
    return {**setup, "total_seconds": setup_seconds, "copy_seconds": copy_seconds}


def database_name():
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def run_steps(floor):
    """A pool smaller than the central share, a new draft calculated, the same draft again, its review and its
    approval (each calculation and the approval in a child process): what each measured."""
    from django.db import connections

    from subsidies.models import FundingPool, RunLine
    from subsidies.runs import pool_save, run_create, run_recalculate, run_review

    creator, admin = _access(CREATOR), _access(ADMIN)
    budget = (floor["central"] * POOL_SHARE).quantize(Decimal("1"))
    pool_save(access=admin, source="central", budget=budget, note="benchmark", reason="benchmark")
    run = run_create(access=creator, title="基准测试")
    run.refresh_from_db()
    if run.job_status != "queued":
        sys.exit(f"the run was not queued: {run.job_status} {run.job_message}")
    connections.close_all()

    first = in_child("calculate", run_id=run.pk)
    run.refresh_from_db()
    run_recalculate(access=creator, run=run)
    connections.close_all()
    second = in_child("calculate", run_id=run.pk)
    run.refresh_from_db()
    written = RunLine.objects.filter(run=run).count()

    review = time.perf_counter()
    run_review(access=creator, run=run, comment="benchmark")
    review_seconds = time.perf_counter() - review
    connections.close_all()
    approval = in_child("approve", run_id=run.pk)
    pool = FundingPool.objects.get(program=creator.program, source="central")
    return {
        "first": first,
        "second": second,
        "written": written,
        "review_seconds": review_seconds,
        "approval": approval,
        "pool": pool,
    }


def report(args, database, setup, floor, steps):
    """The figures beside the spec's targets (information only) and run / floor."""
    first, second, approval, pool = steps["first"], steps["second"], steps["approval"], steps["pool"]
    written, review_seconds = steps["written"], steps["review_seconds"]
    setup_seconds, copy_seconds = setup["total_seconds"], setup["copy_seconds"]
    seconds = first["seconds"]
    ratio = seconds / floor["seconds"]
    ok = lambda good: "meets" if good else "MISSES"  # noqa: E731
    print()
    print(f"database                : {database} ({args.database_url.rsplit('/', 1)[-1]}), {os.cpu_count()} cores")
    print(
        f"set-up                  : {setup_seconds:.1f} s ({'reused' if setup['reused'] else 'built'} "
        f"{setup['seconds']:.1f} s, fresh copy {copy_seconds:.1f} s)"
    )
    print(f"projects                : {args.projects:,}")
    print(f"lines                   : {first['lines']:,}")
    print(f"left out                : {first['excluded']:,}")
    print(
        f"floor read (untimed)    : {floor['read_seconds']:.2f} s read facts, "
        f"{floor['build_seconds']:.2f} s build Facts"
    )
    print(
        f"floor (evaluate+dict)   : {floor['seconds']:.2f} s  ({floor['projects'] / floor['seconds']:,.0f} "
        f"projects/s), {floor['eligible']:,} eligible"
    )
    print(
        f"calculation             : {seconds:.2f} s  (target < {TARGET_SECONDS} s: {ok(seconds < TARGET_SECONDS)}); "
        f"Python CPU {first['cpu']:.2f} s, the rest waits on the database"
    )
    print(
        f"peak RSS (calculation)  : {first['peak_mb']:.0f} MB  (process at start {first['before_mb']:.0f} MB; "
        f"target < {TARGET_MB} MB: {ok(first['peak_mb'] < TARGET_MB)})"
    )
    print(f"lines per second        : {first['lines'] / seconds:,.0f}")
    print(f"ratio run / floor       : {ratio:.2f}  (target ≤ {TARGET_RATIO}: {ok(ratio <= TARGET_RATIO)})")
    print(
        f"second calculation      : {second['seconds']:.2f} s (CPU {second['cpu']:.2f} s), peak "
        f"{second['peak_mb']:.0f} MB, generation {first['generation']} → {second['generation']}, "
        f"lines stored {written:,} ({second['job']})"
    )
    print(f"review                  : {review_seconds:.2f} s")
    print(
        f"approval (draws pool)   : {approval['seconds']:.2f} s (CPU {approval['cpu']:.2f} s), peak "
        f"{approval['peak_mb']:.0f} MB; central pool {pool.budget:,.0f} allocated {pool.allocated:,.2f}, "
        f"unfunded {approval['unfunded']:,.2f} yuan"
    )
    print(
        f"totals agree            : {'yes' if first['subsidy'] == floor['subsidy'] else 'NO'} "
        f"(subsidy {first['subsidy']:,.2f} yuan)"
    )


if __name__ == "__main__":
    sys.exit(main())
