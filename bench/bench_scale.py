"""The pages a reviewer opens every day, at 10,000 and 100,000 filings (`seed_scale`), through the full Django
stack (test client: middleware, sessions, URL resolution, the view, its queries, the template), against the floor
of the single raw SQL query that returns the same rows.

    make bench-scale    # or: .venv/bin/python bench/bench_scale.py [--sizes 10000 100000] [--programs 3]
                        #        [--requests 30] [--database-url URL] [--walker]

Set-up (kept between runs): one PostgreSQL database per size, `<name>_<size>`, with `migrate` and
`seed_scale --applications <size> --programs <programs> --seed 1`, plus the horse-race snapshots of program
`scale-001` (`snapshots_catch_up`). A database that already holds its data set is reused (the seed makes it the
same). The pages are those of `scale-001`, which holds 1/<programs> of the filings, as its reviewer sees them.

For each page: two warm-up requests, then `--requests` timed ones, as a reviewer who reloads the page finds it
(the queue's count and reference data cached under the program's data version, `portal.core.versions`); the
case "after a change" gives the program a new version before each request, so every one counts and reads again.
Median and 95th percentile of the server time,
the number of queries per request (from the database connection) and the ratio of the median to the floor's
median. The floor of a page runs the one raw SQL query that returns what the page lists, measured the same way
on the same connection. With `--walker`, the isolation walker test is timed too (pytest on the suite's database
settings), against a floor of as many plain requests of the login page through the same test client.

Prints figures only: nothing is asserted. Never touches `shugai` or `test_shugai`.
"""

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "0")  # as served: no query log, no debug pages

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/shugai_scale"
PROTECTED = {"shugai", "test_shugai", "postgres", "template0", "template1"}
PROGRAM = "scale-001"
REVIEWER = f"{PROGRAM}-reviewer"
PAGE_SIZE = 50


def database_url(base: str, size: int) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{size}"))


def admin_sql(url: str, sql: str, params=()):
    """Run one statement on the server's `postgres` database outside a transaction; its rows."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname="postgres"
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def ensure_database(url: str, size: int, programs: int) -> None:
    """Create and fill the size's database unless it already holds the data set."""
    name = urlsplit(url).path.lstrip("/")
    if name in PROTECTED or name.startswith("test_"):
        raise SystemExit(f"refusing to use the database {name}")
    exists = bool(admin_sql(url, "SELECT 1 FROM pg_database WHERE datname = %s", [name]))
    env = {**os.environ, "DATABASE_URL": url}
    if exists:
        check = subprocess.run(
            [sys.executable, "-c", COUNT_SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        found = check.stdout.split()
        if found[:2] == [str(size), str(programs)]:
            if found[2] == "0":
                subprocess.run([sys.executable, "-c", SNAPSHOT_SCRIPT], env=env, cwd=ROOT, check=True)
            print(f"  {name}: reusing the data set of {size:,} filings in {programs} programs")
            return
        admin_sql(url, f'DROP DATABASE "{name}"')
    admin_sql(url, f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [*manage, "seed_scale", "--applications", str(size), "--programs", str(programs), "--seed", "1"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run([sys.executable, "-c", SNAPSHOT_SCRIPT], env=env, cwd=ROOT, check=True)
    print(f"  {name}: built {size:,} filings in {time.perf_counter() - started:.0f} s (migrate, seed, snapshots)")


COUNT_SCRIPT = """
import django; django.setup()
from filings.models import Application
from programs.models import Program
from rankings.models import RankingSnapshot
print(
    Application.objects.filter(program__slug__startswith="scale-").count(),
    Program.objects.filter(slug__startswith="scale-").count(),
    RankingSnapshot.objects.count(),
)
"""
SNAPSHOT_SCRIPT = f"""
import django; django.setup()
from django.utils import timezone
from programs.models import Program
from rankings import periods
from rankings.services import scheme_of, snapshot_make
program = Program.objects.get(slug="{PROGRAM}")
scheme = scheme_of(program)
ended = list(periods.ended_periods(scheme.period, program.starts_on, periods.today_in_shanghai(timezone.now())))
for period in ended[-3:]:
    snapshot_make(program=program, period=period, kind=scheme.kind)
"""


# --- measuring, in a child process per size ---------------------------------------------------------------


def timed(function, repeat: int, before=None) -> list[float]:
    """Two warm-up calls, then `repeat` timed ones; `before()` runs ahead of each, untimed."""
    for _ in range(2):
        function()
    found = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        function()
        found.append(time.perf_counter() - started)
    return found


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# The floor reads the page's keys first (joining only what the filter or the order needs) and joins the rest
# to those 50 only (a deferred join), in one query: the fastest single statement for an offset page whose rows
# carry per-row sums.
ENTERPRISE_JOIN = """JOIN enterprises_enterpriseprofile e ON e.id = a.enterprise_id
                    JOIN organisations_organisation o ON o.id = e.organisation_id"""
INDUSTRY_JOIN = """JOIN enterprises_enterpriseprofile e ON e.id = a.enterprise_id
                  JOIN programs_industry i ON i.id = e.industry_id"""
QUEUE_ROWS = """
        WITH page AS (
            SELECT a.id FROM filings_application a {joins}
             WHERE a.program_id = %(program)s AND a.submitted_at IS NOT NULL {where}
             ORDER BY {order} LIMIT 50 OFFSET %(offset)s
        )
        SELECT a.id, a.filing_number, a.title, a.status, a.track, a.submitted_at, o.name, o.uscc, i.name,
               t.name, po.name, b.name, a.implementation_deadline, a.completed_at,
               COALESCE(s.total, 0), COALESCE(s.n_total, 0), COALESCE(s.x_total, 0)
          FROM page
          JOIN filings_application a ON a.id = page.id
          LEFT JOIN LATERAL (
               SELECT SUM(l.amount) AS total, SUM(l.amount) FILTER (WHERE l.part = 'N') AS n_total,
                      SUM(l.amount) FILTER (WHERE l.part = 'X') AS x_total
                 FROM filings_applicationline l WHERE l.application_id = a.id AND l.is_active
          ) s ON TRUE
          JOIN enterprises_enterpriseprofile e ON e.id = a.enterprise_id
          JOIN organisations_organisation o ON o.id = e.organisation_id
          JOIN programs_industry i ON i.id = e.industry_id
          LEFT JOIN programs_region t ON t.id = e.township_id
          LEFT JOIN providers_poolmembership p ON p.id = a.provider_id
          LEFT JOIN organisations_organisation po ON po.id = p.organisation_id
          LEFT JOIN programs_batch b ON b.id = a.batch_id
    """
TOTAL_SORT = """(SELECT COALESCE(SUM(l.amount), 0) FROM filings_applicationline l
                      WHERE l.application_id = a.id AND l.is_active) DESC, a.id DESC"""
DASHBOARD = """SELECT
             (SELECT COUNT(*) FROM enterprises_enterpriseprofile WHERE program_id = %(program)s AND is_active),
             (SELECT COUNT(*) FROM providers_poolmembership WHERE program_id = %(program)s AND status <> 'removed'),
             (SELECT COUNT(*) FROM providers_poolmembership
               WHERE program_id = %(program)s AND status IN ('selected', 'warned')),
             (SELECT COUNT(*) FROM programs_scenariomodule WHERE program_id = %(program)s AND is_active),
             (SELECT COUNT(*) FROM filings_application
               WHERE program_id = %(program)s AND status = 'approved' AND completed_at IS NULL
                 AND implementation_deadline < CURRENT_DATE),
             (SELECT json_agg(x) FROM (SELECT industry_id, COUNT(*) FROM enterprises_enterpriseprofile
                                        WHERE program_id = %(program)s AND is_active GROUP BY industry_id) x)"""
HORSE_RACE = """SELECT e.* FROM rankings_rankingentry e
             JOIN rankings_rankingsnapshot s ON s.id = e.snapshot_id
            WHERE s.id = (SELECT id FROM rankings_rankingsnapshot WHERE program_id = %(program)s
                           AND kind = 'horse_race' ORDER BY period_start DESC LIMIT 1)"""


def cases(program):
    """(name, url, floor SQL, params): the pages and the raw query returning what each lists."""
    from filings.models import Application

    total = Application.objects.filter(program=program, submitted_at__isnull=False).count()
    approved = Application.objects.filter(program=program, status="approved").count()
    last = max(1, -(-total // PAGE_SIZE))
    last_approved = max(1, -(-approved // PAGE_SIZE))
    base = f"/p/{program.slug}/filings/"
    yield (
        "queue, newest first, page 1",
        base,
        QUEUE_ROWS.format(joins="", where="", order="a.submitted_at DESC, a.id DESC"),
        {"program": program.pk, "offset": 0},
    )
    yield (
        "queue, page 1, first request after a change",
        base,
        QUEUE_ROWS.format(joins="", where="", order="a.submitted_at DESC, a.id DESC"),
        {"program": program.pk, "offset": 0},
    )
    yield (
        f"queue, newest first, last page ({last})",
        f"{base}?page={last}",
        QUEUE_ROWS.format(joins="", where="", order="a.submitted_at DESC, a.id DESC"),
        {"program": program.pk, "offset": (last - 1) * PAGE_SIZE},
    )
    yield (
        f"queue, approved, by enterprise, last page ({last_approved})",
        f"{base}?status=approved&sort=enterprise&page={last_approved}",
        QUEUE_ROWS.format(joins=ENTERPRISE_JOIN, where="AND a.status = 'approved'", order="o.name ASC, a.id DESC"),
        {"program": program.pk, "offset": (last_approved - 1) * PAGE_SIZE},
    )
    yield (
        "queue, industry doors, largest investment first",
        f"{base}?industry=doors&sort=-total",
        QUEUE_ROWS.format(joins=INDUSTRY_JOIN, where="AND i.code = 'doors'", order=TOTAL_SORT),
        {"program": program.pk, "offset": 0},
    )
    yield (
        "program dashboard",
        f"/p/{program.slug}/",
        DASHBOARD,
        {"program": program.pk},
    )
    yield (
        "horse race (latest period)",
        f"/p/{program.slug}/horse-race/",
        HORSE_RACE,
        {"program": program.pk},
    )


def measure_size(url: str, size: int, repeat: int, queue):
    try:
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        from portal.core import versions
        from programs.models import Program

        setup_test_environment()
        program = Program.objects.get(slug=PROGRAM)
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=REVIEWER))
        results = []
        for name, path, sql, params in cases(program):

            def page(path=path):
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")

            def floor(sql=sql, params=params):
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    cursor.fetchall()

            # "after a change": each request follows a write to the program's data, so the page counts the
            # filings and reads its reference data again instead of finding them cached (portal.core.versions).
            changed = (lambda: versions.bump(program.pk)) if "after a change" in name else None
            page_times = timed(page, repeat, before=changed)
            floor_times = timed(floor, repeat)
            executed = []  # the queries of one more request, in the state of the timed ones

            def counted(execute, sql, *rest, executed=executed):
                executed.append(sql)
                return execute(sql, *rest)

            if changed is not None:
                changed()
            with connection.execute_wrapper(counted):
                page()
            results.append(
                {
                    "name": name,
                    "median": statistics.median(page_times),
                    "p95": p95(page_times),
                    "floor": statistics.median(floor_times),
                    "queries": len(executed),
                }
            )
        queue.put(("ok", results))
    except BaseException:  # noqa: BLE001 — the parent prints it
        queue.put(("error", traceback.format_exc()))


def in_child(target, *args):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    status, value = queue.get()
    process.join()
    if status != "ok":
        raise SystemExit(value)
    return value


def walker(repeat: int):
    """The isolation walker's wall time, and a floor of as many login-page requests through the test client."""
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "tests/security/test_isolation_walker.py::test_nothing_of_program_a_reaches_program_b_or_outsiders",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    match = re.search(r"(\d+) routes, (\d+) \(route × role\) pairs checked, (\d+) requests", run.stdout)
    if run.returncode != 0 or not match:
        raise SystemExit(run.stdout[-3000:] + run.stderr[-3000:])
    routes, pairs, requests = (int(value) for value in match.groups())
    return {"seconds": seconds, "routes": routes, "pairs": pairs, "requests": requests}


def login_page_floor(url: str, repeat: int, queue):
    try:
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        client = Client(HTTP_HOST="localhost")
        queue.put(("ok", statistics.median(timed(lambda: client.get("/accounts/login/"), repeat))))
    except BaseException:  # noqa: BLE001
        queue.put(("error", traceback.format_exc()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--programs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--walker", action="store_true", help="Time the isolation walker too.")
    args = parser.parse_args()
    print(f"reviewer pages of {PROGRAM} ({args.requests} requests each, after 2 warm-ups)")
    by_size = {}
    for size in args.sizes:
        url = database_url(args.database_url, size)
        ensure_database(url, size, args.programs)
        by_size[size] = in_child(measure_size, url, size, args.requests)
    for size, results in by_size.items():
        print(f"\n{size:,} filings ({size // args.programs:,} in {PROGRAM}):")
        print(f"  {'page':<52} {'median':>9} {'p95':>9} {'floor':>9} {'ratio':>6} {'queries':>7}")
        for row in results:
            print(
                f"  {row['name']:<52} {row['median'] * 1000:>7.1f}ms {row['p95'] * 1000:>7.1f}ms "
                f"{row['floor'] * 1000:>7.2f}ms {row['median'] / row['floor']:>6.1f} {row['queries']:>7}"
            )
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        print(f"\ngrowth {small:,} → {large:,} (median of the page, median of the floor):")
        for before, after in zip(by_size[small], by_size[large], strict=True):
            print(
                f"  {before['name']:<52} page ×{after['median'] / before['median']:.2f}  "
                f"floor ×{after['floor'] / before['floor']:.2f}  queries {before['queries']} → {after['queries']}"
            )
    if args.walker:
        found = walker(args.requests)
        floor = in_child(login_page_floor, database_url(args.database_url, min(args.sizes)), args.requests)
        print(
            f"\nisolation walker: {found['routes']} routes, {found['pairs']:,} pairs, {found['requests']:,} "
            f"requests in {found['seconds']:.1f} s ({found['seconds'] / found['requests'] * 1000:.2f} ms a request)"
        )
        print(
            f"  floor: {found['requests']:,} login-page requests at {floor * 1000:.2f} ms = "
            f"{found['requests'] * floor:.1f} s; ratio {found['seconds'] / (found['requests'] * floor):.1f}"
        )


if __name__ == "__main__":
    main()
