"""The horse-race bulletin PDF (服务商赛马通报) of 100 providers, made as the bulletin task makes it
(`rankings.documents.bulletin_pdf(bulletin_data(snapshot))`: reading the snapshot, rendering the template in
Chinese, laying out with WeasyPrint), against the floor: WeasyPrint alone on the same HTML string.

    make bench      # or: .venv/bin/python bench/bench_bulletin.py [--repeat 7] [--profile] [--fresh]

Database: a SQLite file of its own (default /tmp/shugai_bench_bulletin.sqlite3; never the project's db.sqlite3,
never PostgreSQL): migrate, the demo's programs, then in `wuyi-2024` 100 synthetic providers over the program's 5
key industries (not the catch-all "other") and 12 consecutive biweekly horse-race snapshots written directly (the
overall group with all 100, one group per industry; values as the services store them, some missing; a few
flagged). A file that already holds them is reused. The last snapshot's bulletin is measured (its trend chart
spans all 12 periods).

Both are measured several times in turn (one warm-up each first, not counted) and the medians reported, with the
process CPU time (steadier when others share the machine). The peak RSS of one bulletin made in a fresh spawned
process (cold: templates and fonts loaded there) is measured apart, the floor's alongside. Asserts no time.
"""

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import random
import statistics
import sys
import time
import traceback
from contextlib import suppress
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

PROGRAM = "wuyi-2024"
PROVIDERS = 100
PERIODS = 12
TARGET_RATIO = 1.5
DEFAULT_DATABASE = Path("/tmp/shugai_bench_bulletin.sqlite3")
TRADES = ["信息技术", "数字科技", "智能科技", "软件", "工业互联网", "智能制造服务", "云计算", "数据服务"]
FLAGGED_PLACES = 3  # the last places of the overall group flagged from the third period on
CHECK_TITLE = "服务商赛马通报"


def provider_name(number: int) -> str:
    return f"浙江数改{number:03d}号{TRADES[number % len(TRADES)]}有限公司"


# --- the database ----------------------------------------------------------------------------------------------


def database_path(raw: str) -> Path:
    """The SQLite file to use: refused if it is the project's own or lies inside the project."""
    path = Path(raw).resolve()
    if path == (ROOT / "db.sqlite3").resolve() or ROOT.resolve() in path.parents:
        sys.exit(f"Refusing {path}: the benchmark uses a SQLite file of its own outside the project.")
    return path


def prepared(path: Path, fresh: bool):
    """Reuse the file if it holds the benchmark's data; otherwise build it afresh. Returns the set-up figures."""
    from django.core.management import call_command

    started = time.perf_counter()
    if path.exists() and not fresh:
        call_command("migrate", interactive=False, verbosity=0)
        if _complete():
            return {"reused": True, "seconds": time.perf_counter() - started}
    from django.db import connection

    connection.close()
    for suffix in ("", "-journal", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    from demo.build import demo_build

    demo_build()
    demo = time.perf_counter()
    entries = write_rankings(seed=2024)
    return {
        "reused": False,
        "seconds": time.perf_counter() - started,
        "migrate": migrated - started,
        "demo": demo - migrated,
        "rankings": time.perf_counter() - demo,
        "entries": entries,
    }


def _complete() -> bool:
    from rankings.models import RankingEntry, RankingKind, RankingSnapshot

    snapshots = RankingSnapshot.objects.filter(program__slug=PROGRAM, kind=RankingKind.HORSE_RACE)
    overall = RankingEntry.objects.filter(snapshot__in=snapshots, group="")
    return snapshots.count() == PERIODS and overall.count() == PERIODS * PROVIDERS


def _cents(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def write_rankings(seed: int) -> int:
    """The providers (organisations in the program's pool) and 12 snapshots with their entries, in bulk."""
    from django.db import transaction

    from programs.models import Industry, Program
    from rankings import horse_race, periods, ranking
    from rankings.models import PeriodKind, RankingEntry

    rng = random.Random(seed)
    program = Program.objects.get(slug=PROGRAM)
    industries = list(  # the five key industries, not the catch-all "other"
        Industry.objects.filter(program=program, is_active=True).exclude(code="other").order_by("sort_order", "code")
    )
    codes = [indicator.code for indicator in horse_race.INDICATORS]
    weights = ranking.default_weights(horse_race.INDICATORS, horse_race.GROUP_SHARES)
    with transaction.atomic():
        industry_of, names = _providers(program, industries)
        # each provider: a level (its usual score), a pace of signing, a quality
        level = {pk: rng.uniform(30, 90) for pk in names}
        level.update({pk: rng.uniform(20, 28) for pk in list(names)[-FLAGGED_PLACES:]})  # the weakest stay last
        contracts = dict.fromkeys(names, 0)
        previous = {}
        period = periods.period_containing(PeriodKind.BIWEEKLY, program.starts_on, program.starts_on)
        count = 0
        for number in range(PERIODS):
            snapshot = _snapshot(program, period, number, weights, industries)
            rows = _period_rows(rng, number, names, contracts, level, codes)
            groups = [("", "全部行业", list(names))] + [
                (industry.code, industry.name, [pk for pk in names if industry_of[pk] == industry])
                for industry in industries
            ]
            entries = _entries(snapshot, number, groups, rows, names, previous)
            RankingEntry.objects.bulk_create(entries, batch_size=1000)
            count += len(entries)
            period = periods.period_containing(PeriodKind.BIWEEKLY, program.starts_on, period.end + timedelta(days=1))
    return count


def _providers(program, industries):
    """PROVIDERS organisations selected into the program's pool, each in one of `industries` in turn:
    ({membership pk: industry}, {membership pk: name})."""
    from organisations import uscc
    from organisations.models import Organisation, OrganisationKind
    from providers.models import PoolMembership, PoolStatus

    organisations = Organisation.objects.bulk_create(
        Organisation(
            uscc=uscc.complete(f"91330723MA2B{number:05d}"),
            name=provider_name(number),
            kind=OrganisationKind.PROVIDER,
            address="浙江省金华市武义县",
        )
        for number in range(1, PROVIDERS + 1)
    )
    memberships = PoolMembership.objects.bulk_create(
        PoolMembership(
            program=program, organisation=organisation, status=PoolStatus.SELECTED, joined_on=program.starts_on
        )
        for organisation in organisations
    )
    if not all(membership.pk for membership in memberships):  # older SQLite without RETURNING
        memberships = list(PoolMembership.objects.filter(organisation__in=organisations).order_by("pk"))
    through = PoolMembership.industries.through
    industry_of = {membership.pk: industries[index % len(industries)] for index, membership in enumerate(memberships)}
    through.objects.bulk_create(
        through(poolmembership_id=pk, industry_id=industry.pk) for pk, industry in industry_of.items()
    )
    names = {membership.pk: provider_name(index + 1) for index, membership in enumerate(memberships)}
    return industry_of, names


def _snapshot(program, period, number, weights, industries):
    """The horse-race snapshot of `period`, the `number`-th: published but for the last, which is computed."""
    from rankings.models import PeriodKind, RankingKind, RankingSnapshot, SnapshotStatus

    return RankingSnapshot.objects.create(
        program=program,
        kind=RankingKind.HORSE_RACE,
        period_start=period.start,
        period_end=period.end,
        cutoff=period.cutoff,
        scheme={
            "period": PeriodKind.BIWEEKLY.value,
            "weights": {code: str(weight) for code, weight in weights.items()},
            "bottom_n": 1,
            "bottom_periods": 3,
            "publish_details": False,
        },
        inputs={
            "groups": {
                "": PROVIDERS,
                **{industry.code: PROVIDERS // len(industries) for industry in industries},
            },
            "previous_period": (period.start - timedelta(days=14)).isoformat() if number else None,
        },
        status=SnapshotStatus.PUBLISHED if number < PERIODS - 1 else SnapshotStatus.COMPUTED,
        published_at=period.cutoff + timedelta(days=1) if number < PERIODS - 1 else None,
    )


def _period_rows(rng, number, names, contracts, level, codes):
    """{membership pk: (values, normalised values, score)} of period `number`; `contracts` grow with each."""
    rows = {}
    for pk in names:
        contracts[pk] += rng.randint(1 if number == 0 else 0, 3)
        signed = contracts[pk]
        completed = rng.randint(0, signed * number // PERIODS)
        accepted = rng.randint(0, completed)
        failed = rng.randint(0, completed - accepted) if rng.random() < 0.2 else 0
        values = {
            "contracts": Decimal(signed),
            "implementing": Decimal(signed - completed),
            "completed": Decimal(completed),
            "accepted": Decimal(accepted),
            "milestones": _cents(rng.uniform(10, 100)),
            "on_time": _share(signed - rng.randint(0, signed // 3), signed),
            "pass_rate": _share(accepted, accepted + failed),
            "mean_score": _cents(rng.uniform(70, 96)) if accepted else None,
            "satisfaction": _cents(rng.uniform(3, 5)) if accepted and rng.random() < 0.8 else None,
            "complaints": Decimal(rng.choice([0, 0, 0, 0, 1, 2])),
            "rectifications": Decimal(rng.choice([0, 0, 0, 1, 2])),
        }
        score = _cents(min(max(level[pk] + rng.uniform(-8, 8), 20), 98))
        rows[pk] = (
            {code: None if values[code] is None else str(values[code]) for code in codes},
            {code: str(Decimal(rng.random()).quantize(Decimal("0.0001"))) for code in codes},
            score,
        )
    return rows


def _entries(snapshot, number, groups, rows, names, previous):
    """The ranked entries of each group, with ties sharing a rank, the last places of the overall group flagged
    from the third period on; `previous` keeps each one's rank and score for the next period."""
    from rankings.models import RankingEntry

    entries = []
    for code, group_name, members in groups:
        ranked = sorted(members, key=lambda pk: (-rows[pk][2], names[pk]))
        ranks = {}
        for position, pk in enumerate(ranked, start=1):
            before = ranked[position - 2] if position > 1 else None
            ranks[pk] = ranks[before] if before and rows[before][2] == rows[pk][2] else position
        for pk in ranked:
            values, normalised, score = rows[pk]
            flagged = code == "" and number >= 2 and ranks[pk] > len(ranked) - FLAGGED_PLACES
            previous_rank, previous_score = previous.get((code, pk), (None, None))
            entries.append(
                RankingEntry(
                    snapshot=snapshot,
                    group=code,
                    group_name=group_name,
                    subject_id=pk,
                    subject_name=names[pk],
                    values=values,
                    normalised=normalised,
                    score=score,
                    rank=ranks[pk],
                    previous_rank=previous_rank,
                    previous_score=previous_score,
                    flagged=flagged,
                    flag_reason="连续 3 期位列末 1 名。" if flagged else "",
                )
            )
            previous[(code, pk)] = (ranks[pk], score)
    return entries


def last_snapshot():
    from rankings.models import RankingKind, RankingSnapshot

    return (
        RankingSnapshot.objects.select_related("program")
        .filter(program__slug=PROGRAM, kind=RankingKind.HORSE_RACE)
        .order_by("-period_start")
        .first()
    )


# --- the two ways of making the PDF ------------------------------------------------------------------------------


def bulletin_html(data) -> str:
    """The HTML exactly as `portal.core.pdf.render_pdf` renders it."""
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    with translation.override("zh-hans"):
        return render_to_string("rankings/pdf/bulletin.html", {**data, "generated_at": timezone.localtime()})


def make_bulletin(snapshot):
    """What the bulletin task does: read the data, render the template in Chinese, lay out."""
    from rankings.documents import bulletin_data, bulletin_pdf

    rendered = bulletin_pdf(bulletin_data(snapshot))
    return rendered.content, rendered.pages


def make_floor(html):
    """WeasyPrint alone on the same HTML; also gives the layout and the PDF writing times apart."""
    from weasyprint import HTML

    started = time.perf_counter()
    document = HTML(string=html).render()
    laid_out = time.perf_counter()
    content = document.write_pdf()
    return content, len(document.pages), laid_out - started, time.perf_counter() - laid_out


def timed(function, *args):
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return time.perf_counter() - started, time.process_time() - cpu, result


# --- peak RSS in a child process ---------------------------------------------------------------------------------


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _measure(which):
    import django

    django.setup()
    snapshot = last_snapshot()
    html = None
    if which == "floor":
        from rankings.documents import bulletin_data

        html = bulletin_html(bulletin_data(snapshot))
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM starts again from the current RSS
    before = _status_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    content = make_bulletin(snapshot)[0] if which == "bulletin" else make_floor(html)[0]
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_mb": _status_kb("VmHWM") / 1024,
        "above_mb": (_status_kb("VmHWM") - before) / 1024,
        "bytes": len(content),
    }


def _child(conn, which):
    try:
        conn.send(_measure(which))
    except BaseException:  # noqa: BLE001 — the parent prints it and stops
        conn.send({"error": traceback.format_exc()})
    finally:
        conn.close()


def in_child(which):
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, which))
    process.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:
        result = {"error": f"the {which} process died"}
    process.join()
    if "error" in result:
        sys.exit(f"{which} in a child process failed:\n{result['error']}")
    return result


# --- main --------------------------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "".join("".join((page.extract_text() or "").split()) for page in reader.pages)


def profile(snapshot, lines):
    profiler = cProfile.Profile()
    profiler.enable()
    make_bulletin(snapshot)
    profiler.disable()
    own = r"\((bulletin_data|render_to_string|bar_chart|line_chart)\)"  # the project's steps before WeasyPrint
    for title, order, restriction in (
        ("by cumulative time", "cumulative", lines),
        ("by own time", "tottime", lines),
        ("the project's own steps", "cumulative", own),
    ):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(restriction)
        print(f"\n--- cProfile of one bulletin, {title} ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=str(DEFAULT_DATABASE), help="the SQLite file (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=7, help="measured runs of each (median reported)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database even if it holds the data")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one bulletin")
    args = parser.parse_args()
    path = database_path(args.database)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"  # before django.setup(); the child processes inherit it

    import django

    django.setup()
    from rankings.documents import bulletin_data

    setup = prepared(path, args.fresh)
    snapshot = last_snapshot()
    print_set_up(path, setup, snapshot)

    # warm-up (templates compiled, fonts found) and the check of what the bulletin shows
    content, _pages = make_bulletin(snapshot)
    text, checked_content = pdf_text(content), content
    name = provider_name(1)
    found_name, found_title = name in text, CHECK_TITLE in text
    html = bulletin_html(bulletin_data(snapshot))
    make_floor(html)

    bulletin, floor, parts = repeated(html, args.repeat)
    print_times(bulletin, floor, parts, html, args.repeat)
    print_peaks()
    shown = {name: found_name, CHECK_TITLE: found_title}
    checked = ", ".join(f"{key} {'found' if ok else 'MISSING'}" for key, ok in shown.items())
    print(f"check (pypdf text)      : {checked}")
    if not (found_name and found_title):
        kept = path.with_suffix(".check.pdf")
        kept.write_bytes(checked_content)
        print(f"  text begins           : {text[:120]!r}; the PDF is kept in {kept}")
    if args.profile:
        profile(last_snapshot(), 30)
    return 0 if found_name and found_title else 1


def print_set_up(path, setup, snapshot):
    """The database, how the set-up went and what the measured snapshot holds."""
    import weasyprint
    from django.db import connection

    groups = snapshot.entries.order_by().values("group").distinct().count()
    entries = snapshot.entries.count()
    print(f"database                : SQLite {connection.Database.sqlite_version} ({path}), {os.cpu_count()} cores")
    if setup["reused"]:
        print(f"set-up                  : reused ({setup['seconds']:.1f} s)")
    else:
        print(
            f"set-up                  : {setup['seconds']:.1f} s (migrate {setup['migrate']:.1f} s, demo "
            f"{setup['demo']:.1f} s, {PROVIDERS} providers and {PERIODS} snapshots / {setup['entries']:,} entries "
            f"{setup['rankings']:.1f} s)"
        )
    print(
        f"snapshot                : {snapshot.program.slug} {snapshot.period_start}–{snapshot.period_end}, "
        f"{groups} groups, {entries} entries, trend over {PERIODS} periods; WeasyPrint {weasyprint.__version__}"
    )


def repeated(html, repeat):
    """`repeat` timed bulletins and floors in turn, and the bulletin's own steps before WeasyPrint apart."""
    from rankings.documents import bulletin_data

    bulletin, floor = [], []
    for index in range(repeat):
        for which in ("bulletin", "floor") if index % 2 == 0 else ("floor", "bulletin"):  # alternate who goes first
            if which == "bulletin":
                seconds, cpu, (content, pages) = timed(make_bulletin, last_snapshot())  # fetched untimed
                bulletin.append((seconds, cpu, pages, len(content)))
            else:
                seconds, cpu, (floor_content, floor_pages, layout, write) = timed(make_floor, html)
                floor.append((seconds, cpu, floor_pages, len(floor_content), layout, write))
    parts = []
    for _index in range(repeat):  # the bulletin's own steps before WeasyPrint, apart
        data_s, _cpu, data = timed(bulletin_data, last_snapshot())
        html_s, _cpu, _html = timed(bulletin_html, data)
        parts.append((data_s, html_s))
    return bulletin, floor, parts


def median(rows, column):
    return statistics.median(row[column] for row in rows)


def print_times(bulletin, floor, parts, html, repeat):
    b_s, b_cpu, f_s, f_cpu = median(bulletin, 0), median(bulletin, 1), median(floor, 0), median(floor, 1)
    ratio, cpu_ratio = b_s / f_s, b_cpu / f_cpu
    print(f"repetitions             : {repeat} of each, in turn, after one warm-up each (medians below)")
    print(
        f"floor (WeasyPrint)      : {f_s:.2f} s (CPU {f_cpu:.2f} s; layout {median(floor, 4):.2f} s + write_pdf "
        f"{median(floor, 5):.2f} s), {floor[-1][2]} pages, {floor[-1][3]:,} bytes; html {len(html):,} characters"
    )
    print(
        f"bulletin (task)         : {b_s:.2f} s (CPU {b_cpu:.2f} s), {bulletin[-1][2]} pages, {bulletin[-1][3]:,} bytes"
    )
    print(
        f"  of which before layout: read data {median(parts, 0) * 1000:.0f} ms, render template "
        f"{median(parts, 1) * 1000:.0f} ms (measured apart)"
    )
    print(f"  all runs (s)          : bulletin {', '.join(f'{row[0]:.2f}' for row in bulletin)}")
    print(f"                          floor    {', '.join(f'{row[0]:.2f}' for row in floor)}")
    verdict = "meets" if max(ratio, cpu_ratio) <= TARGET_RATIO else "MISSES"
    print(f"ratio bulletin / floor  : wall {ratio:.2f}, CPU {cpu_ratio:.2f}  (target ≤ {TARGET_RATIO}: {verdict})")


def print_peaks():
    """The peak RSS of one bulletin, and of the floor, each in a fresh spawned process."""
    child, child_floor = in_child("bulletin"), in_child("floor")
    print(
        f"peak RSS (bulletin)     : {child['peak_mb']:.0f} MB, +{child['above_mb']:.0f} MB above the process after "
        f"django.setup (fresh spawned process, cold: {child['seconds']:.2f} s)"
    )
    print(
        f"peak RSS (floor)        : {child_floor['peak_mb']:.0f} MB, +{child_floor['above_mb']:.0f} MB above the "
        f"process with the HTML rendered (cold: {child_floor['seconds']:.2f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
