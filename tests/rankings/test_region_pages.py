"""The region-ranking pages, the KPI board and the supervisor's roll-up, in the browser and the API.

Wuyi's township progress lists each township's planned, filed, approved, completed and accepted enterprises and
the completion rate, ranked, the change since last month, the unranked townships after; Jinhua's district ranking
marks exactly its top three; a region snapshot is published and printed like the horse race; the KPI board shows
the seed 004 targets beside the counts, the roll-up column only for the supervisor; the Jinhua supervisor reads
the Wuyi and Yongkang totals and never a record of theirs; other programs' users get 404, providers 403, and a
program that keeps no such ranking 404; the pages cost the same queries however many townships, districts or
filings there are."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.http import Http404
from django.urls import reverse
from pypdf import PdfReader

from enterprises.models import TargetEnterprise
from filings.models import Application
from portal.core.errors import NotAllowed
from programs.access import program_access
from programs.models import Program, Region
from rankings import periods, selectors, services
from rankings.models import BulletinFile, BulletinJob, RankingSnapshot
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.models import AwardDecision, CalculationRun
from tests.factories import RegionFactory, valid_uscc
from tests.support.clock import at
from tests.support.pages import page_queries_sql, shown
from tests.support.people import as_user, user

pytestmark = pytest.mark.django_db
D = Decimal
WUYI, JINHUA, YONGKANG = "wuyi-2024", "jinhua-pilot", "yongkang-2024"
TOWNSHIP_TITLE = "乡镇（街道）数字化改造进度晾晒"
DISTRICT_TITLE = "县（市、区）试点工作季度晾晒"
SECRET = "武义汇总保密企业"  # a Wuyi enterprise the Jinhua supervisor must never read


def page(name, slug, **query):
    url = reverse(f"rankings:{name}", kwargs={"program": slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def route(name, snapshot, **kwargs):
    return reverse(f"rankings:{name}", kwargs={"program": snapshot.program.slug, "snapshot": snapshot.pk, **kwargs})


def api(kind, slug, snapshot=None):
    if snapshot is None:
        return reverse("api:ranking-list", kwargs={"program": slug, "kind": kind})
    return reverse("api:ranking-detail", kwargs={"program": slug, "kind": kind, "snapshot": snapshot.pk})


def kpi_api(slug):
    return reverse("api:kpi", kwargs={"program": slug})


def dashboard(slug):
    return reverse("dashboard:index", kwargs={"program": slug})


def children(program, count=None):
    regions = Region.objects.filter(parent=program.region).order_by("sort_order", "code")
    return list(regions[:count] if count else regions)


def projects(program, places, day, actor, prefix="", **extra):
    """One accepted project per region of `places`, accepted on `day` (approved 110 days and completed 20 days
    earlier)."""
    industry = program.industries.order_by("sort_order").first().code
    specs = [
        ProjectSpec(f"{prefix}{region.name}测试企业{n}", industry, at(day), township=region, **extra)
        for n, region in enumerate(places)
    ]
    return accepted_projects_create(program, specs, actor=user(actor))


def planned(program, region, count):
    industry = program.industries.first()
    listed = [
        TargetEnterprise.objects.create(
            program=program, uscc=valid_uscc(), name=f"{region.name}摸底{n}", township=region, industry=industry
        ).pk
        for n in range(count)
    ]
    # The list as imported then; the demo's own list is imported today, after the months ranked.
    TargetEnterprise.objects.filter(pk__in=listed).update(created_at=at("2024-05-06"))


def month(program, day: str) -> RankingSnapshot:
    period = periods.period_containing("monthly", program.starts_on, date.fromisoformat(day))
    return services.snapshot_make(program=program, period=period, kind="township")


def quarter(program, day: str) -> RankingSnapshot:
    period = periods.period_containing("quarterly", program.starts_on, date.fromisoformat(day))
    return services.snapshot_make(program=program, period=period, kind="district")


def rows(html, table_class):
    """[(subject id, css class of the row, [cell texts])] of the table with `table_class`, in order."""
    table = re.search(rf'<table class="table region-table {table_class}">(.*?)</table>', html, flags=re.S).group(1)
    found = []
    for attributes, body in re.findall(r"<tr([^>]*data-subject[^>]*)>(.*?)</tr>", table, flags=re.S):
        subject = int(re.search(r'data-subject="(\d+)"', attributes).group(1))
        css = re.search(r'class="([^"]*)"', attributes)
        cells = [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        found.append((subject, css.group(1) if css else "", cells))
    return found


def kpi_cells(html, code):
    """The texts of the cells of the KPI row `code`, by cell class: {"kpi-target": [...], "kpi-actual": [...]}."""
    row = re.search(rf'<tr data-kpi="{code}">(.*?)</tr>', html, flags=re.S).group(1)
    cells = {}
    for css, body in re.findall(r'<td class="([^"]*)">(.*?)</td>', row, flags=re.S):
        for name in ("kpi-target", "kpi-actual", "kpi-rollup"):
            if name in css.split():
                cells.setdefault(name, []).append(" ".join(re.sub(r"<[^>]+>", " ", body).split()))
    return cells


# Data --------------------------------------------------------------------------------------------------------


@pytest.fixture
def townships():
    """Wuyi, monthly. Planned: A 4, B 2, C 5, D none (D has a project all the same: listed unranked).
    May 2025: B 50.00 % first, A 25.00 % second, C 0.00 % third. June 2025: A 75.00 % (↑1, +50 points),
    B 50.00 % (↓1, unchanged), C 20.00 % (=, +20 points)."""
    program = Program.objects.get(slug=WUYI)
    earlier = Application.objects.filter(program=program, submitted_at__lt=at("2025-07-01"))
    assert not earlier.exists(), "the session DB already holds Wuyi filings of the months ranked here"
    a, b, c, d = children(program, 4)
    for region, count in ((a, 4), (b, 2), (c, 5)):
        planned(program, region, count)
    projects(program, [a, b, d], "2025-05-10", "wuyi-reviewer", batch=2, n_software=D("100000"))  # done in April
    projects(program, [a, a, c], "2025-06-25", "wuyi-reviewer", batch=2, n_software=D("100000"))  # done in June
    may, june = month(program, "2025-05-15"), month(program, "2025-06-15")
    return {"program": program, "a": a, "b": b, "c": c, "d": d, "may": may, "june": june}


@pytest.fixture
def districts():
    """Jinhua, quarterly. Signed (and accepted) pilot projects: d0 4, d1 3, d2 2, d3 1, d4 none (unranked). An
    honour for d2 in the second quarter of 2025. Q1: d0, d1, d2, d3. Q2: d0 50.00, d2 41.67 (↑1), d1 33.34 (↓1),
    d3 0.00: exactly three commended (d0, d2, d1), no tie at the boundary."""
    program = Program.objects.get(slug=JINHUA)
    d = children(program, 5)
    made = projects(
        program,
        [d[0]] * 4 + [d[1]] * 3 + [d[2]] * 2 + [d[3]],
        "2025-03-10",
        "jinhua-reviewer",
        track="pilot",
        level=3,
        n_software=D("1000000"),
    )
    AwardDecision.objects.create(
        program=program,
        application=made[7],  # one of d2's
        kind="chain-case",
        amount=D("300000"),
        reference="金经信〔2025〕9号",
        decided_on=date(2025, 4, 20),
        granted_by=user("jinhua-reviewer"),
    )
    first, second = quarter(program, "2025-02-01"), quarter(program, "2025-05-01")
    return {"program": program, "d": d, "first": first, "second": second}


# Township progress --------------------------------------------------------------------------------------------


def test_the_township_page_shows_rates_and_ranks_in_order_with_the_unranked_after(client, townships):
    a, b, c, d, june = townships["a"], townships["b"], townships["c"], townships["d"], townships["june"]
    response = as_user(client, "wuyi-reviewer").get(page("townships", WUYI))
    assert response.status_code == 200 and response.context["snapshot"] == june  # the latest month by default
    html = response.content.decode()
    table = rows(html, "township-table")
    ranked = [row for row in table if "region-unranked" not in row[1]]
    unranked = [row for row in table if "region-unranked" in row[1]]
    assert [subject for subject, _css, _cells in ranked] == [a.pk, b.pk, c.pk]
    assert table[: len(ranked)] == ranked  # every unranked township comes after the ranked ones
    assert d.pk in [subject for subject, _css, _cells in unranked]
    assert len(table) == len(children(townships["program"]))
    # rank, name, planned, filed, approved, completed, accepted, completion rate, change since last month
    cells = {subject: row for subject, _css, row in table}
    assert cells[a.pk][0] == ["1"] and cells[a.pk][2:8] == [["4"], ["3"], ["3"], ["3"], ["3"], ["75.00"]]
    assert cells[b.pk][0] == ["2"] and cells[b.pk][7] == ["50.00"]
    assert cells[c.pk][0] == ["3"] and cells[c.pk][2] == ["5"] and cells[c.pk][7] == ["20.00"]
    assert cells[d.pk][2:4] == [["0"], ["1"]] and cells[d.pk][7] == ["—"]  # filed, but nothing planned
    assert "↑" in cells[a.pk][8] and "1" in cells[a.pk][8] and "+50.00" in " ".join(cells[a.pk][8])
    assert "↓" in cells[b.pk][8] and "=" in cells[c.pk][8] and "+20.00" in " ".join(cells[c.pk][8])
    # the bar chart of completion rates, on a scale of 100, the ranked townships only
    chart = str(response.context["chart"])
    assert chart.startswith("<svg") and ">75.00<" in chart and ">20.00<" in chart and d.name not in chart
    assert [item.pk for item in response.context["snapshots"]] == [june.pk, townships["may"].pk]

    earlier = client.get(page("townships", WUYI, snapshot=townships["may"].pk))
    first = rows(earlier.content.decode(), "township-table")
    assert [subject for subject, css, _cells in first if "region-unranked" not in css] == [b.pk, a.pk, c.pk]
    assert shown("No earlier month to compare with.") in earlier.content.decode()
    assert client.get(page("townships", WUYI, snapshot="x")).status_code == 404


def test_a_program_without_the_ranking_is_404_and_a_kept_one_without_snapshots_says_so(client):
    as_user(client, "yongkang-reviewer")
    assert client.get(page("townships", YONGKANG)).status_code == 404
    assert client.get(page("districts", YONGKANG)).status_code == 404
    assert client.get(api("township", YONGKANG)).status_code == 404
    assert client.get(api("district", YONGKANG)).status_code == 404
    as_user(client, "wuyi-reviewer")
    assert client.get(page("districts", WUYI)).status_code == 404  # Wuyi ranks townships, not districts
    empty = client.get(page("townships", WUYI))
    assert empty.status_code == 200 and empty.context.get("snapshot") is None
    main = empty.content.decode().split('id="main"')[1]
    assert 'method="post"' not in main and "<svg" not in main
    assert shown("Monthly") in main


def test_a_snapshot_of_another_kind_is_404_on_a_region_page(client, townships, districts):
    as_user(client, "wuyi-reviewer")
    foreign = districts["second"]  # Jinhua's
    assert client.get(page("townships", WUYI, snapshot=foreign.pk)).status_code == 404
    for name in ("publish", "bulletin-request"):  # under Wuyi's own path, and under Jinhua's
        assert (
            client.post(reverse(f"rankings:{name}", kwargs={"program": WUYI, "snapshot": foreign.pk})).status_code
            == 404
        )
        assert client.post(route(name, foreign)).status_code == 404
    assert RankingSnapshot.objects.get(pk=foreign.pk).status == "computed"
    assert not BulletinJob.objects.filter(snapshot=foreign).exists()
    as_user(client, "jinhua-reviewer")
    assert client.get(page("districts", JINHUA, snapshot=districts["first"].pk)).status_code == 200
    horse = services.snapshot_make(
        program=districts["program"],
        period=periods.period_containing("monthly", districts["program"].starts_on, date(2025, 5, 1)),
    )
    assert client.get(page("districts", JINHUA, snapshot=horse.pk)).status_code == 404  # a horse-race period


# District ranking --------------------------------------------------------------------------------------------


def test_the_district_page_commends_exactly_the_top_three(client, districts):
    d, second = districts["d"], districts["second"]
    response = as_user(client, "jinhua-reviewer").get(page("districts", JINHUA))
    assert response.status_code == 200 and response.context["snapshot"] == second
    html = response.content.decode()
    table = rows(html, "district-table")
    ranked = [(subject, css, cells) for subject, css, cells in table if "region-unranked" not in css]
    assert [subject for subject, _css, _cells in ranked] == [d[0].pk, d[2].pk, d[1].pk, d[3].pk]
    assert [cells[0] for _subject, _css, cells in ranked] == [["1"], ["2"], ["3"], ["4"]]
    commended = [subject for subject, css, _cells in table if "region-commended" in css]
    assert commended == [d[0].pk, d[2].pk, d[1].pk]
    assert html.count(f">{shown('Commended')}</span>") == 3
    assert d[4].pk in [subject for subject, css, _cells in table if "region-unranked" in css]
    cells = {subject: row for subject, _css, row in table}
    # rank, name (+ badge), signed, progress, accepted, honours, score, change
    assert cells[d[0].pk][2:7] == [["4"], ["—"], ["4"], ["0"], ["50.00"]]
    assert cells[d[2].pk][5:7] == [["1"], ["41.67"]] and "↑" in cells[d[2].pk][7]
    assert "↓" in cells[d[1].pk][7] and cells[d[1].pk][6] == ["33.34"]
    weights = response.context["weights"]
    assert [weight for _label, weight in weights] == [D("25")] * 4
    trend = str(response.context["trend"])
    assert "<polyline" in trend and ">25Q1<" in trend and ">25Q2<" in trend
    assert d[0].name in trend and d[4].name not in trend  # never ranked: no line, no legend
    chart = str(response.context["chart"])
    assert chart.count('fill="#c8102e"') == 3  # the commended bars in the accent colour
    assert second.entries.filter(flagged=True).count() == 3


# Publishing and the bulletin ----------------------------------------------------------------------------------


def test_a_township_period_is_published_by_the_reviewer_and_not_by_the_auditor(client, townships):
    june = townships["june"]
    auditor = as_user(client, "wuyi-auditor").get(page("townships", WUYI))
    assert auditor.status_code == 200 and route("publish", june) not in auditor.content.decode()
    assert client.post(route("publish", june)).status_code == 403
    assert RankingSnapshot.objects.get(pk=june.pk).status == "computed"

    as_user(client, "wuyi-reviewer")
    assert route("publish", june) in client.get(page("townships", WUYI)).content.decode()
    response = client.post(route("publish", june))
    assert response.status_code == 302 and response["Location"] == page("townships", WUYI, snapshot=june.pk)
    june.refresh_from_db()
    assert june.status == "published" and june.published_by == user("wuyi-reviewer")
    assert route("publish", june) not in client.get(page("townships", WUYI)).content.decode()


@pytest.mark.parametrize(
    ("who", "slug", "kind", "title"),
    [("wuyi-reviewer", WUYI, "township", TOWNSHIP_TITLE), ("jinhua-reviewer", JINHUA, "district", DISTRICT_TITLE)],
)
def test_the_bulletin_of_a_region_period_is_made_followed_and_downloaded(
    client, townships, districts, django_capture_on_commit_callbacks, who, slug, kind, title
):
    snapshot = townships["june"] if kind == "township" else districts["second"]
    first = townships["a"] if kind == "township" else districts["d"][0]
    name = "townships" if kind == "township" else "districts"
    as_user(client, who)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(route("bulletin-request", snapshot))
    job = BulletinJob.objects.get(snapshot=snapshot)
    assert response["Location"] == page(name, slug, snapshot=snapshot.pk, bulletin_job=job.pk) + "#bulletin"
    state = client.get(route("bulletin-job", snapshot, bulletin_job=job.pk)).json()
    download = route("bulletin-download", snapshot, bulletin=job.bulletin_id)
    assert (state["status"], state["download"]) == ("done", download)
    assert download in client.get(page(name, slug, snapshot=snapshot.pk)).content.decode()
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(part.extract_text() for part in PdfReader(BytesIO(b"".join(pdf.streaming_content))).pages)
    assert title in text and first.name in text
    assert BulletinFile.objects.filter(snapshot=snapshot).count() == 1


def test_a_queued_region_bulletin_shows_its_progress_bar(client, townships):
    june = townships["june"]
    job = BulletinJob.objects.create(snapshot=june, requested_by=user("wuyi-reviewer"))
    html = as_user(client, "wuyi-reviewer").get(page("townships", WUYI, bulletin_job=job.pk)).content.decode()
    assert f'data-job-url="{route("bulletin-job", june, bulletin_job=job.pk)}"' in html
    assert client.get(route("bulletin-job", townships["may"], bulletin_job=job.pk)).status_code == 404


# The KPI board ------------------------------------------------------------------------------------------------


@pytest.fixture
def kpi_data():
    """Approved in 2025 (accepted 10 September, approved 110 days earlier): two Jinhua projects, one Wuyi and one
    Yongkang."""
    jinhua, wuyi, yongkang = (Program.objects.get(slug=slug) for slug in (JINHUA, WUYI, YONGKANG))
    projects(jinhua, children(jinhua, 1) * 2, "2025-09-10", "jinhua-reviewer", track="pilot", level=4)
    projects(wuyi, children(wuyi, 1), "2025-09-10", "wuyi-reviewer", prefix=SECRET, batch=2, n_software=D("1"))
    projects(yongkang, children(yongkang, 1), "2025-09-10", "yongkang-reviewer", n_software=D("1"))
    return jinhua


def test_the_kpi_board_shows_the_seed_targets_beside_the_counts(client, kpi_data):
    response = as_user(client, "jinhua-reviewer").get(page("kpi", JINHUA))
    assert response.status_code == 200
    html = response.content.decode()
    assert "拟改造规上工业中小企业数量" in html and len(response.context["board"].rows) == 14
    cells = kpi_cells(html, "above-transformed")
    assert cells["kpi-target"] == ["93", "242", "226", "561"]
    assert [value.split()[0] for value in cells["kpi-actual"]] == ["0", "2", "0", "2"]
    assert "kpi-rollup" not in cells and shown("With sub-regions") not in html  # a reviewer: no roll-up
    level4 = kpi_cells(html, "level4")
    assert [value.split()[0] for value in level4["kpi-actual"]] == ["0", "2", "0", "2"]
    assert "66.7%" in level4["kpi-actual"][1]  # 2 of the 2025 target of 3
    cloud = kpi_cells(html, "cloud")  # not counted by the portal
    assert cloud["kpi-target"] == ["83", "219", "203", "505"] and set(cloud["kpi-actual"]) == {"—"}
    assert shown("Not kept in the portal") in html
    charts = dict(response.context["board"].charts)
    assert sorted(charts) == [2024, 2025, 2026] and all(str(chart).startswith("<svg") for chart in charts.values())
    assert ">66.7<" in str(charts[2025]) and ">66.7<" not in str(charts[2024])
    assert SECRET not in html


def test_a_program_without_kpi_targets_shows_an_empty_board(client):
    response = as_user(client, "wuyi-reviewer").get(page("kpi", WUYI))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["board"].rows == []
    assert shown("No KPI targets") in html and "kpi-table" not in html
    assert as_user(client, "wuyi-provider").get(page("kpi", WUYI)).status_code == 403


def test_the_jinhua_supervisor_reads_the_sub_regions_totals_and_never_their_records(client, kpi_data):
    as_user(client, "jinhua-supervisor")
    html = client.get(page("kpi", JINHUA)).content.decode()
    cells = kpi_cells(html, "above-transformed")
    assert [value.split()[0] for value in cells["kpi-actual"]] == ["0", "2", "0", "2"]
    rollup = [int(value) for value in cells["kpi-rollup"]]
    assert rollup[:2] == [0, 4] and rollup[3] == sum(rollup[:3])  # 2025: with the Wuyi and Yongkang projects
    assert kpi_cells(html, "cloud")["kpi-rollup"] == ["—"] * 4
    body = client.get(kpi_api(JINHUA)).json()
    row = next(item for item in body["indicators"] if item["code"] == "above-transformed")
    assert body["includes_rollup"] is True and body["years"] == [2024, 2025, 2026]
    assert row["years"][1] == {"year": 2025, "target": "242.00", "actual": 2, "rollup": 4}
    assert row["total_rollup"] == sum(year["rollup"] for year in row["years"]) and row["total_actual"] == 2

    board = client.get(dashboard(JINHUA)).content.decode()
    rollup = client.get(dashboard(JINHUA)).context["rollup"]
    figures = {row.slug: row for row in rollup}
    assert set(figures) == {WUYI, YONGKANG}
    assert (figures[WUYI].accepted_count, figures[YONGKANG].accepted_count) == (1, 1)  # kpi_data's projects
    for page_html in (html, board, str(body)):
        assert SECRET not in page_html
        assert f"/p/{WUYI}/" not in page_html and f"/p/{YONGKANG}/" not in page_html

    reviewer = as_user(client, "jinhua-reviewer").get(kpi_api(JINHUA)).json()
    row = next(item for item in reviewer["indicators"] if item["code"] == "above-transformed")
    assert reviewer["includes_rollup"] is False and "total_rollup" not in row
    assert row["years"][1] == {"year": 2025, "target": "242.00", "actual": 2}


# The supervisor's roll-up on the dashboard --------------------------------------------------------------------


def subsidy_runs(program, totals):
    reviewer, other = user("wuyi-reviewer"), user("wuyi-admin")
    for number, (status, total) in enumerate(totals, start=1):
        CalculationRun.objects.create(
            program=program,
            number=900 + number,
            status=status,
            total=D(total),
            created_by=reviewer,
            approved_by=other if status in ("approved", "paid") else None,
        )


def filings(program, count, submitted=True):
    """`count` filings of one enterprise of the program, submitted or draft."""
    enterprise = Application.objects.filter(program=program).first().enterprise
    for n in range(count):
        Application.objects.create(
            program=program,
            enterprise=enterprise,
            track="lightweight",
            title=f"汇总计数申报{n}",
            status="submitted" if submitted else "draft",
            submitted_at=at("2025-07-01") if submitted else None,
            created_by=user("wuyi-reviewer"),
        )


def rollup_cells(html, slug):
    row = re.search(rf'<tr data-program="{slug}">(.*?)</tr>', html, flags=re.S).group(1)
    return {
        css.split()[-1]: " ".join(re.sub(r"<[^>]+>", " ", body).split())
        for css, body in re.findall(r'<td class="(num rollup-[a-z]+)">(.*?)</td>', row, flags=re.S)
    }


def test_the_dashboard_rolls_up_each_sub_region_programs_figures(client):
    wuyi = Program.objects.get(slug=WUYI)
    as_user(client, "jinhua-supervisor")
    before = {
        key: int(value)
        for key, value in rollup_cells(client.get(dashboard(JINHUA)).content.decode(), WUYI).items()
        if key != "rollup-subsidy"
    }
    region = children(wuyi, 1)
    made = projects(wuyi, region * 3, "2025-06-25", "wuyi-reviewer", prefix=SECRET, batch=2, n_software=D("1"))
    Application.objects.filter(pk=made[0].pk).update(completed_at=None)  # approved, not completed
    made[0].acceptance_reviews.update(status="requested")  # so not accepted either
    made[1].acceptance_reviews.update(status="failed")
    filings(wuyi, 2)  # submitted, not decided
    filings(wuyi, 1, submitted=False)  # a draft is not filed
    subsidy_runs(wuyi, [("approved", "350000.00"), ("paid", "150000.50"), ("draft", "999.00"), ("reviewed", "7")])

    html = client.get(dashboard(JINHUA)).content.decode()
    cells = rollup_cells(html, WUYI)
    added = {key: int(cells[key]) - before[key] for key in before}
    assert added == {"rollup-filed": 5, "rollup-approved": 3, "rollup-completed": 2, "rollup-accepted": 1}
    assert "500,000.50" in cells["rollup-subsidy"]  # the session DB has no approved run
    assert rollup_cells(html, YONGKANG)["rollup-filed"] == "0"
    assert SECRET not in html and "汇总计数申报" not in html
    # the Wuyi supervisor has no sub-region program; a reviewer sees no roll-up at all
    assert as_user(client, "wuyi-supervisor").get(dashboard(WUYI)).context["rollup"] == []
    assert as_user(client, "jinhua-reviewer").get(dashboard(JINHUA)).context.get("rollup") is None


# Who may read what -------------------------------------------------------------------------------------------


def test_other_programs_users_get_404_and_providers_403(client, townships, districts):
    june, second = townships["june"], districts["second"]
    as_user(client, "wuyi-reviewer")
    for path in (
        page("townships", YONGKANG),
        page("districts", JINHUA),
        page("kpi", JINHUA),
        page("kpi", YONGKANG),
        api("district", JINHUA),
        api("district", JINHUA, second),
        api("township", WUYI, second),  # Jinhua's snapshot under Wuyi
        kpi_api(JINHUA),
        route("bulletin-job", second, bulletin_job=1),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(route("bulletin-request", second)).status_code == 404
    assert not BulletinJob.objects.filter(snapshot=second).exists()

    as_user(client, "wuyi-provider")
    for path in (page("townships", WUYI), page("districts", WUYI), page("kpi", WUYI)):
        assert client.get(path).status_code == 403, path
    for path in (api("township", WUYI), api("township", WUYI, june), kpi_api(WUYI)):
        assert client.get(path).status_code == 403, path
    assert client.get(api("horse_race", WUYI)).status_code == 200  # the horse race stays theirs to read
    provider = program_access(user=user("wuyi-provider"), slug=WUYI)
    for kind in ("township", "district"):  # the selectors refuse too, whichever way they are reached
        with pytest.raises(NotAllowed):
            selectors.snapshot_list(access=provider, kind=kind)
    with pytest.raises(Http404):
        selectors.snapshot_get(access=provider, pk=june.pk)
    assert client.post(route("bulletin-request", june)).status_code == 403
    RankingSnapshot.objects.filter(pk=june.pk).update(status="published")
    assert client.get(api("township", WUYI, june)).status_code == 403  # published or not: not a provider's


# The API -----------------------------------------------------------------------------------------------------


def test_the_api_lists_a_kinds_periods_and_gives_one_with_its_entries(client, townships, districts):
    may, june, a, d = townships["may"], townships["june"], townships["a"], townships["d"]
    as_user(client, "wuyi-auditor")
    listed = client.get(api("township", WUYI)).json()
    assert listed["count"] == 2 and [item["id"] for item in listed["results"]] == [june.pk, may.pk]
    body = client.get(api("township", WUYI, june)).json()
    assert body["kind"] == "township" and body["scheme"]["period"] == "monthly"
    entries = body["groups"][0]["entries"]
    assert [entry["subject_id"] for entry in entries[:3]] == [a.pk, townships["b"].pk, townships["c"].pk]
    assert entries[0]["subject"] == a.name
    assert entries[0]["values"]["completion_rate"] == "75.00" and entries[0]["previous_rank"] == 2
    assert entries[-1]["rank"] is None and d.pk in [entry["subject_id"] for entry in entries[3:]]
    assert client.get(api("township", WUYI, may)).json()["groups"][0]["entries"][0]["subject_id"] == townships["b"].pk
    assert client.get(api("horse_race", WUYI, june)).status_code == 404  # a township period is no horse race
    assert (
        client.get(reverse("api:horse-race-detail", kwargs={"program": WUYI, "snapshot": june.pk})).status_code == 404
    )
    assert client.get(f"/api/v1/programs/{WUYI}/rankings/bogus/").status_code == 404
    assert client.get(f"/api/v1/programs/{WUYI}/rankings/district/").status_code == 404  # not kept by Wuyi

    as_user(client, "jinhua-reviewer")
    body = client.get(api("district", JINHUA, districts["second"])).json()
    flagged = [entry["subject_id"] for entry in body["groups"][0]["entries"] if entry["flagged"]]
    assert flagged == [districts["d"][0].pk, districts["d"][2].pk, districts["d"][1].pk]


# Navigation --------------------------------------------------------------------------------------------------


def test_the_ranking_pages_link_the_rankings_the_program_keeps(client, townships):
    links = {name: page(name, WUYI) for name in ("townships", "districts", "kpi")}
    html = as_user(client, "wuyi-auditor").get(page("horse-race", WUYI)).content.decode()
    assert links["townships"] in html and links["districts"] not in html and links["kpi"] not in html
    jinhua = {name: page(name, JINHUA) for name in ("townships", "districts", "kpi")}
    html = as_user(client, "jinhua-reviewer").get(page("kpi", JINHUA)).content.decode()
    assert jinhua["districts"] in html and jinhua["kpi"] in html and jinhua["townships"] not in html
    provider = as_user(client, "wuyi-provider").get(page("horse-race", WUYI)).content.decode()
    assert links["townships"] not in provider
    supervisor = as_user(client, "jinhua-supervisor").get(dashboard(JINHUA)).content.decode()
    assert jinhua["kpi"] in supervisor  # from the roll-up of its sub-region programs
    wuyi_supervisor = as_user(client, "wuyi-supervisor").get(dashboard(WUYI)).content.decode()
    assert links["kpi"] not in wuyi_supervisor  # no sub-region program, no KPI targets


# Query counts ------------------------------------------------------------------------------------------------


def more_regions(program, count, level):
    for n in range(count):
        RegionFactory(
            code=f"{program.region.code}-X{n:02d}", name=f"计数新增区域{n}", parent=program.region, level=level
        )


@pytest.mark.parametrize(
    ("who", "slug", "name", "make", "days", "level", "pinned"),
    [
        ("wuyi-reviewer", WUYI, "townships", month, ("2025-04-15", "2025-05-15", "2025-06-15"), "township", 10),
        ("jinhua-reviewer", JINHUA, "districts", quarter, ("2025-02-01", "2025-05-01", "2025-08-01"), "county", 12),
    ],
)
def test_a_region_page_costs_the_same_queries_for_few_or_many_regions(
    client, who, slug, name, make, days, level, pinned
):
    program = Program.objects.get(slug=slug)
    few = len(children(program))
    make(program, days[0])
    small = make(program, days[1])  # both compared periods have a period before them
    more_regions(program, 12, level)
    large = make(program, days[2])
    assert small.entries.count() == few and large.entries.count() == few + 12
    as_user(client, who)
    page_queries_sql(client, page(name, slug, snapshot=small.pk))  # warm the session
    queries_small, _sql = page_queries_sql(client, page(name, slug, snapshot=small.pk))
    queries_large, sql = page_queries_sql(client, page(name, slug, snapshot=large.pk))
    assert queries_small == queries_large, f"{queries_small} queries for {few} regions, {queries_large} for more\n{sql}"
    assert queries_large == pinned, sql


PINNED_DASHBOARD = 17  # the page shell, own counts and lists, the pilot tile (2), the roll-up in one query


def test_the_dashboard_roll_up_costs_the_same_queries_for_few_or_many_filings(client):
    wuyi, yongkang = Program.objects.get(slug=WUYI), Program.objects.get(slug=YONGKANG)
    projects(wuyi, children(wuyi, 1), "2025-06-25", "wuyi-reviewer", batch=2, n_software=D("1"))
    subsidy_runs(wuyi, [("approved", "1000.00")])
    as_user(client, "jinhua-supervisor")
    page_queries_sql(client, dashboard(JINHUA))
    few, _sql = page_queries_sql(client, dashboard(JINHUA))
    filed = client.get(dashboard(JINHUA)).context["rollup"]
    projects(wuyi, children(wuyi, 4) * 5, "2025-06-25", "wuyi-reviewer", batch=2, n_software=D("1"))
    projects(yongkang, children(yongkang, 3) * 3, "2025-06-25", "yongkang-reviewer", n_software=D("1"))
    subsidy_runs(yongkang, [("approved", "2000.00"), ("paid", "3000.00")])
    filings(wuyi, 10)
    many, sql = page_queries_sql(client, dashboard(JINHUA))
    assert few == many, f"{few} queries with 1 filing, {many} with 40\n{sql}"
    rollup = {row.slug: row for row in client.get(dashboard(JINHUA)).context["rollup"]}
    before = {row.slug: row.filed_count for row in filed}
    assert rollup[WUYI].filed_count == before[WUYI] + 30 and rollup[YONGKANG].subsidy_total == D("5000.00")
    assert many == PINNED_DASHBOARD, sql
