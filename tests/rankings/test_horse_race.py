"""The horse race: the ranking arithmetic on worked data (normalisation, weights, ties, unranked, the dynamic
list), periods in Asia/Shanghai, indicators read from a program's data, one snapshot per period however often the
job runs, catch-up of missed periods, and the bulletin PDF."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from providers.models import ProviderSelection
from rankings import horse_race, periods, ranking, services
from rankings.models import RankingEntry, RankingSnapshot
from tests.support.clock import SHANGHAI

D = Decimal
TWO = (ranking.Indicator("done", "progress", "完成数"), ranking.Indicator("complaints", "quality", "投诉", False))


# --- the arithmetic ---------------------------------------------------------------------------------------


def test_min_max_normalisation_weights_and_ties():
    subjects = [
        ranking.Subject(1, "甲", {"done": D(10), "complaints": D(0)}),
        ranking.Subject(2, "乙", {"done": D(5), "complaints": D(2)}),
        ranking.Subject(3, "丙", {"done": D(0), "complaints": D(4)}),
        ranking.Subject(4, "丁", {"done": D(5), "complaints": D(2)}),
        ranking.Subject(5, "戊", {"done": D(0), "complaints": D(0)}, ranked=False),
    ]
    placed = ranking.rank(TWO, subjects, {"done": D(60), "complaints": D(40)})
    table = [(p.subject.name, p.rank, p.score) for p in placed]
    # 甲: 60×1 + 40×1 = 100; 乙 and 丁: 60×0.5 + 40×0.5 = 50 (tied, 2nd); 丙: 0; 戊 unranked, listed last
    assert table == [
        ("甲", 1, D("100.00")),
        ("丁", 2, D("50.00")),
        ("乙", 2, D("50.00")),
        ("丙", 4, D("0.00")),
        ("戊", None, None),
    ]
    assert placed[0].normalised == {"done": D("1.0000"), "complaints": D("1.0000")}
    assert placed[3].normalised == {"done": D("0.0000"), "complaints": D("0.0000")}


def test_equal_values_all_score_full_and_missing_values_score_nothing():
    subjects = [
        ranking.Subject(1, "甲", {"done": D(3), "complaints": None}),
        ranking.Subject(2, "乙", {"done": D(3), "complaints": D(1)}),
    ]
    placed = ranking.rank(TWO, subjects, {"done": D(50), "complaints": D(50)})
    scores = {p.subject.name: p.score for p in placed}
    assert scores == {"甲": D("50.00"), "乙": D("100.00")}


def test_default_weights_spread_each_group_equally_and_add_up_to_100():
    weights = ranking.default_weights(horse_race.INDICATORS, horse_race.GROUP_SHARES)
    assert weights["contracts"] == D("8.3333") and weights["on_time"] == D("8.3335")
    # quality: pass rate, mean score, satisfaction, complaints and open rectifications, 10 each
    assert weights["pass_rate"] == weights["complaints"] == weights["rectifications"] == D("10.0000")
    assert sum(weights.values()) == 100


def test_the_dynamic_list_flags_the_bottom_after_m_consecutive_periods():
    now = ranking.bottom([(1, 1), (2, 2), (3, 3), (4, 3)], 1)
    assert now == {3, 4}  # tied for last place: both
    assert ranking.flagged({3}, [{3}, {3, 4}], 3) == {3}
    assert ranking.flagged({3}, [{3}], 3) == set()  # only two periods so far
    assert ranking.flagged({3}, [{4}, {3}], 3) == set()  # not consecutive
    assert ranking.flagged({3, 4}, [], 1) == {3, 4}


# --- periods ----------------------------------------------------------------------------------------------


def test_biweekly_periods_count_from_the_program_start_in_shanghai():
    start = date(2024, 4, 29)  # Wuyi starts on a Monday
    assert periods.period_containing("biweekly", start, date(2024, 5, 12)) == periods.Period(start, date(2024, 5, 12))
    second = periods.period_containing("biweekly", start, date(2024, 5, 13))
    assert second == periods.Period(date(2024, 5, 13), date(2024, 5, 26))
    assert second.cutoff == datetime(2024, 5, 27, tzinfo=SHANGHAI)
    assert second.cutoff.astimezone(ZoneInfo("UTC")) == datetime(2024, 5, 26, 16, tzinfo=ZoneInfo("UTC"))
    # a program starting on a Thursday counts from that week's Monday
    assert periods.period_containing("biweekly", date(2024, 6, 6), date(2024, 6, 6)).start == date(2024, 6, 3)
    # 23:30 UTC on Sunday 26 May is already Monday 27 May in Shanghai: the next period
    late = datetime(2024, 5, 26, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert periods.period_containing("biweekly", start, periods.today_in_shanghai(late)).start == date(2024, 5, 27)
    assert periods.period_containing("monthly", start, date(2025, 12, 31)) == periods.Period(
        date(2025, 12, 1), date(2025, 12, 31)
    )
    ended = periods.ended_periods("monthly", date(2024, 9, 1), date(2024, 12, 1))
    assert [p.start for p in ended] == [date(2024, 9, 1), date(2024, 10, 1), date(2024, 11, 1)]


# --- from the program's data ------------------------------------------------------------------------------


def test_indicators_come_from_the_data_and_one_snapshot_is_made_per_period(wuyi_race):
    program, selections, _projects = wuyi_race
    period = periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    snapshot = services.snapshot_make(program=program, period=period)
    again = services.snapshot_make(program=program, period=period)
    assert again.pk == snapshot.pk and RankingSnapshot.objects.filter(program=program).count() == 1
    overall = {entry.subject_id: entry for entry in snapshot.entries.filter(group="")}
    kitchen = overall[selections["kitchenware"].pk]
    tools = overall[selections["power-tools"].pk]
    assert kitchen.values["contracts"] == "2" and kitchen.values["accepted"] == "2"
    assert kitchen.values["mean_score"] == "85.00" and kitchen.values["satisfaction"] == "4.50"
    assert tools.values["complaints"] == "1" and tools.values["pass_rate"] == "100.00"
    assert kitchen.rank == 1 and tools.rank == 2 and kitchen.score > tools.score
    industry = snapshot.entries.get(group="power-tools", subject_id=tools.subject_id)
    assert industry.rank == 1 and industry.group_name == "电动工具"
    assert snapshot.scheme["period"] == "biweekly" and sum(D(w) for w in snapshot.scheme["weights"].values()) == 100
    assert snapshot.cutoff == period.cutoff


def test_catch_up_makes_every_missed_period_once_and_flags_the_last_place(wuyi_race):
    program, selections, _projects = wuyi_race
    now = datetime(2024, 8, 20, 9, tzinfo=SHANGHAI)
    made = services.snapshots_catch_up(now=now)
    wuyi = [s for s in made if s.program_id == program.pk and s.kind == "horse_race"]
    assert [s.period_start for s in wuyi][-3:] == [date(2024, 7, 8), date(2024, 7, 22), date(2024, 8, 5)]
    assert services.snapshots_catch_up(now=now) == []  # twice: nothing new
    # the power-tools provider has been last since July: flagged once three ranked periods are behind it
    tools = selections["power-tools"].pk
    flags = list(
        RankingEntry.objects.filter(snapshot__program=program, group="", subject_id=tools)
        .order_by("snapshot__period_start")
        .values_list("rank", "flagged")
    )
    ranked = [flag for rank, flag in flags if rank is not None]
    assert ranked[:2] == [False, False] and ranked[2] is True
    latest = RankingEntry.objects.get(snapshot=wuyi[-1], group="", subject_id=tools)
    assert latest.previous_rank == 2 and "3" in latest.flag_reason


def test_providers_without_projects_are_listed_unranked(wuyi_race):
    from tests.factories import PoolMembershipFactory

    program, selections, _projects = wuyi_race
    newcomer = PoolMembershipFactory(program=program, organisation__name="新晋服务商有限公司")
    published = ProviderSelection.objects.filter(membership__program=program).first().round
    ProviderSelection.objects.create(
        membership=newcomer,
        industry=program.industries.get(code="doors"),
        round=published,
        selected_on=date(2024, 6, 1),
    )
    period = periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    snapshot = services.snapshot_make(program=program, period=period)
    overall = {entry.subject_name: entry for entry in snapshot.entries.filter(group="")}
    assert overall["新晋服务商有限公司"].rank is None and overall["新晋服务商有限公司"].score is None
    assert overall["新晋服务商有限公司"].values["contracts"] == "0"
    assert sorted(entry.rank for entry in overall.values() if entry.rank) == [1, 2]
    doors = snapshot.entries.get(group="doors")
    assert doors.subject_id == newcomer.pk and doors.rank is None


def test_the_bulletin_pdf_has_the_chinese_names_and_the_chart(wuyi_race, tmp_path):
    from pypdf import PdfReader

    from rankings.documents import bulletin_data, bulletin_pdf

    program, selections, _projects = wuyi_race
    snapshot = services.snapshot_make(
        program=program, period=periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    )
    data = bulletin_data(snapshot)
    assert "<svg" in str(data["trend"]) and all("<svg" in str(group["chart"]) for group in data["groups"])
    rendered = bulletin_pdf(data)
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(rendered.content)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    for membership in selections.values():
        assert membership.organisation.name in text
    assert "服务商赛马通报" in text and "综合得分走势" in text
    import pypdfium2

    from tests.support.paths import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = pypdfium2.PdfDocument(str(path))[0]
    page.render(scale=1.5).to_pil().save(SHOTS / "50-horse-race-bulletin-page1.png")
    assert (SHOTS / "50-horse-race-bulletin-page1.png").stat().st_size > 10_000


@pytest.mark.django_db
def test_the_beat_schedule_is_kept_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="rankings.catch_up")
    assert task.enabled and task.crontab.hour == "1" and str(task.crontab.timezone) == "Asia/Shanghai"


def test_bulletin_jobs_make_one_file_per_snapshot(wuyi_race):
    from programs.access import program_access
    from rankings.models import BulletinFile

    program, _selections, _projects = wuyi_race
    snapshot = services.snapshot_make(
        program=program, period=periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    )
    access = program_access(user=get_user_model().objects.get(username="wuyi-reviewer"), slug=program.slug)
    first = services.bulletin_render(job=services.bulletin_request(access=access, snapshot=snapshot))
    second = services.bulletin_render(job=services.bulletin_request(access=access, snapshot=snapshot))
    assert first.pk == second.pk and BulletinFile.objects.filter(snapshot=snapshot).count() == 1
    assert first.file.open("rb").read(5) == b"%PDF-" and first.pages >= 2


@pytest.mark.django_db
def test_the_schedule_is_visible_in_admin(client):
    client.force_login(get_user_model().objects.get(username="platform"))
    page = client.get("/admin/django_celery_beat/periodictask/")
    assert page.status_code == 200 and "rankings: make the rankings of ended periods" in page.content.decode()
