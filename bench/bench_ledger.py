"""The auditors' Excel ledger of 25,000, 50,000 and 100,000 lines (`subsidies.ledger.build_ledger`, a pure
function) against the floor: raw openpyxl write-only writing the same cells (same values, the same number
formats on money and rate cells, one header row, frozen panes) and nothing else.

    make bench      # or: .venv/bin/python bench/bench_ledger.py [--sizes 25000,50000,100000] [--seed S]

No database: the rows are generated in memory (Wuyi N+X lines: Chinese enterprise names, credit codes,
townships, 5 industries, components N and X, county funding, payments). Each measurement runs in a spawned
process of its own; the rows are built there first (untimed), then the peak RSS above that is the writer's own.
Prints time and memory per size, ledger / floor, and opens the smallest workbook to show its sheets and rows.
"""

import argparse
import io
import multiprocessing
import os
import random
import sys
import tempfile
import time
import traceback
from contextlib import suppress
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

MONEY_FORMAT, RATE_FORMAT = "#,##0.00", "0.00%"
TARGET_RATIO = 1.5
FEN = Decimal("0.01")
ZERO = Decimal("0.00")
INDUSTRIES = {  # name, N cap
    "kitchenware": ("餐厨用品", Decimal("300000")),
    "power-tools": ("电动工具", Decimal("300000")),
    "hardware": ("五金加工", Decimal("350000")),
    "leisure": ("休闲用品", Decimal("400000")),
    "doors": ("门", Decimal("500000")),
}
TRADES = {
    "kitchenware": ["炊具", "不锈钢制品", "厨具", "餐具"],
    "power-tools": ["电动工具", "电器", "园林工具", "机电"],
    "hardware": ["五金", "工贸", "金属制品", "精密五金"],
    "leisure": ["休闲用品", "户外用品", "旅游用品", "体育用品"],
    "doors": ["门业", "工贸", "智能门业", "木业"],
}
TOWNSHIPS = [
    "白洋街道", "壶山街道", "熟溪街道", "柳城畲族镇", "履坦镇", "桐琴镇", "泉溪镇", "新宅镇", "王宅镇", "桃溪镇",
    "茭道镇", "大田乡", "白姆乡", "俞源乡", "坦洪乡", "西联乡", "三港乡", "大溪口乡", "武义经济开发区",
]  # fmt: skip
PROVIDERS = ["浙江数智工联科技有限公司", "武义云上数字科技有限公司", "金华智造服务有限公司", "浙江轻改信息技术有限公司"]
BRANDS = list("武义金壶山熟溪桐琴泉溪宏达恒信瑞丰鑫隆盛泰华鼎力天成新源博远嘉德正通精工联合")
N_RATE = {1: Decimal("0.60"), 2: Decimal("0.50"), 3: Decimal("0.40")}
X_RATE, PROJECT_CAP = Decimal("0.40"), Decimal("500000")
SOURCES = ("central", "local", "city", "county")


def _fen(value):
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def ledger_rows(count, seed):
    """`count` LedgerRow values of approved and paid Wuyi runs, as `subsidies.selectors.ledger_rows` gives them."""
    from organisations import uscc
    from subsidies.ledger import LedgerRow

    rng = random.Random(seed)
    for index in range(count):
        code = rng.choice(list(INDUSTRIES))
        industry, n_cap = INDUSTRIES[code]
        run = 1 + index * 3 // count
        batch = min(run, 3)
        audited = tuple(Decimal(rng.randint(0, 40_000_000)) / 100 for _ in range(4)) + (
            Decimal(rng.choice([0, 0, rng.randint(0, 50_000_000)])) / 100,
        )
        n, x = audited[0] + audited[1], audited[2] + audited[3]
        n_base, n_rate, x_rate = min(n, n_cap), N_RATE[batch], X_RATE
        n_amount, x_amount = _fen(n_base * n_rate), _fen(x * x_rate)
        subtotal = n_amount + x_amount
        cap = PROJECT_CAP if subtotal > PROJECT_CAP else None
        subsidy = min(subtotal, PROJECT_CAP)
        awards = Decimal("100000.00") if rng.random() < 0.02 else ZERO
        total = subsidy + awards
        paid = total if run < 3 else rng.choice([total, ZERO, _fen(total / 2)])
        status = "已支付" if paid == total else "部分支付" if paid else "未支付"
        paid_on = date(2025, 3, 1) + timedelta(days=120 * run + rng.randint(0, 20))
        yield LedgerRow(
            run=run,
            run_status="已支付" if run < 3 else "已批准",
            policy_version="wuyi-2024-plan",
            position=index + 1,
            kind="项目",
            corrects="",
            enterprise=f"浙江{''.join(rng.sample(BRANDS, 2))}{rng.choice(TRADES[code])}有限公司",
            uscc=uscc.complete(f"91330723MA{index:07d}"),
            township=rng.choice(TOWNSHIPS),
            industry=industry,
            track="lightweight",
            provider=rng.choice(PROVIDERS),
            filing_number=f"WUYI-2024-YS-{index + 1:06d}",
            batch=batch,
            audited=audited,
            components={"N": (n_base, n_rate, n_amount), "X": (x, x_rate, x_amount)},
            subsidy_subtotal=subtotal,
            cap=cap,
            subsidy=subsidy,
            awards=awards,
            total=total,
            funding={"central": ZERO, "local": ZERO, "city": ZERO, "county": total},
            unfunded=ZERO,
            paid=paid,
            payment_status=status,
            paid_dates=paid_on.isoformat() if paid else "",
        )


def layout():
    from subsidies.ledger import Layout
    from subsidies.models import FundingSource
    from subsidies.selectors import COMPONENT_LABELS

    return Layout(
        components=[(code, COMPONENT_LABELS[code]) for code in ("N", "X")],
        sources=[(source, str(FundingSource(source).label)) for source in SOURCES],
    )


# --- the two writers -----------------------------------------------------------------------------------------


def write_ledger(rows, layout):
    from subsidies.ledger import build_ledger

    return build_ledger((row for row in rows), title="武义县轻量级数字化改造补助台账", layout=layout)


def write_floor(rows, layout):
    """Raw openpyxl write-only: the ledger's detail cells, the most direct way."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.freeze_panes = "A2"
    components = [code for code, _label in layout.components]
    sources = [code for code, _label in layout.sources]
    headers = [f"列{n}" for n in range(19 + 3 * len(components) + 5 + len(sources) + 4)]
    sheet.append(headers)

    def money(value):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY_FORMAT
        return cell

    def rate(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = RATE_FORMAT
        return cell

    for row in rows:
        cells = [
            row.run, row.run_status, row.policy_version, row.position, row.kind, row.corrects, row.enterprise,
            row.uscc, row.township, row.industry, row.track, row.provider, row.filing_number, row.batch,
            *[money(amount) for amount in row.audited],
        ]  # fmt: skip
        for code in components:
            base, rate_value, amount = row.components[code]
            cells += [money(base), rate(rate_value), money(amount)]
        cells += [money(row.subsidy_subtotal), money(row.cap), money(row.subsidy), money(row.awards)]
        cells += [money(row.total), *[money(row.funding[code]) for code in sources]]
        cells += [money(row.unfunded), money(row.paid), row.payment_status, row.paid_dates]
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS = {"ledger": write_ledger, "floor": write_floor}


# --- measuring in a child process ----------------------------------------------------------------------------


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _measure(writer, count, seed, keep):
    import django

    django.setup()
    rows_layout = layout()
    before_rows = _status_kb("VmRSS")
    rows = list(ledger_rows(count, seed))
    rows_mb = (_status_kb("VmRSS") - before_rows) / 1024
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM starts again from the current RSS
    before = _status_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    content = WRITERS[writer](rows, rows_layout)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _status_kb("VmHWM")
    if keep:
        Path(keep).write_bytes(content)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak / 1024,
        "above_mb": (peak - before) / 1024,
        "rows_mb": rows_mb,
        "bytes": len(content),
    }


def _child(conn, *args):
    try:
        conn.send(_measure(*args))
    except BaseException:  # noqa: BLE001 — the parent prints it and stops
        conn.send({"error": traceback.format_exc()})
    finally:
        conn.close()


def in_child(writer, count, seed, keep=None):
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, writer, count, seed, keep))
    process.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:
        result = {"error": f"the {writer} process died"}
    process.join()
    if "error" in result:
        sys.exit(f"{writer} at {count:,} rows failed:\n{result['error']}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000,50000,100000", help="comma-separated row counts")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    import django

    django.setup()
    from openpyxl import load_workbook

    print(
        f"{'rows':>9} | {'ledger s':>8} {'CPU s':>6} {'peak MB':>7} {'+MB':>4} | {'floor s':>8} {'CPU s':>6} "
        f"{'peak MB':>7} {'+MB':>4} | {'ratio':>5} {'CPU':>5} | {'rows MB':>7} {'xlsx MB':>7}"
    )
    figures = []
    with tempfile.TemporaryDirectory(prefix="shugai-bench-ledger-") as folder:
        check = Path(folder) / "ledger.xlsx"
        for size in sizes:
            ledger = in_child("ledger", size, args.seed, str(check) if size == sizes[0] else None)
            floor = in_child("floor", size, args.seed)
            ratio, cpu_ratio = ledger["seconds"] / floor["seconds"], ledger["cpu"] / floor["cpu"]
            figures.append((size, ledger, floor, ratio, cpu_ratio))
            print(
                f"{size:>9,} | {ledger['seconds']:>8.2f} {ledger['cpu']:>6.2f} {ledger['peak_mb']:>7.0f} "
                f"{ledger['above_mb']:>4.0f} | {floor['seconds']:>8.2f} {floor['cpu']:>6.2f} {floor['peak_mb']:>7.0f} "
                f"{floor['above_mb']:>4.0f} | {ratio:>5.2f} {cpu_ratio:>5.2f} | {ledger['rows_mb']:>7.0f} "
                f"{ledger['bytes'] / 2**20:>7.1f}",
                flush=True,
            )
        workbook = load_workbook(check, read_only=True)
        counts = {sheet.title: sum(1 for _ in sheet.iter_rows()) for sheet in workbook.worksheets}
        workbook.close()

    print()
    print("s: wall time, CPU s: the writing process's CPU time (steadier when others share the machine);")
    print("peak MB: the writing process's peak RSS; +MB: above its RSS once the rows were built (the writer's own:")
    print("the workbook's bytes are part of it); rows MB: the rows in memory, built before timing, same for both")
    worst = max(max(ratio, cpu_ratio) for *_rest, ratio, cpu_ratio in figures)
    ratios = ", ".join(f"{ratio:.2f}" for *_rest, ratio, _cpu in figures)
    cpu_ratios = ", ".join(f"{cpu:.2f}" for *_rest, cpu in figures)
    verdict = "meets" if worst <= TARGET_RATIO else "MISSES"
    print(f"ratio ledger / floor    : wall {ratios}; CPU {cpu_ratios}  (target ≤ {TARGET_RATIO}: {verdict})")
    first, last = figures[0], figures[-1]
    print(
        f"ledger memory growth    : {last[1]['above_mb'] - first[1]['above_mb']:+.0f} MB from {first[0]:,} to "
        f"{last[0]:,} rows, of which the xlsx bytes {(last[1]['bytes'] - first[1]['bytes']) / 2**20:+.1f} MB"
    )
    print(f"workbook at {sizes[0]:,} rows  : sheets {list(counts)}; rows {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
