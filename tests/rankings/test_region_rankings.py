"""Region rankings and the KPI board from the programs' data: Wuyi's township progress (planned from the target
list, completion rate, rank), Jinhua's district ranking with the top three marked, and the seed 004 targets beside
the counts of the program and of its sub-region programs."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from enterprises.models import TargetEnterprise
from programs.models import Program, Region
from rankings import periods, services
from rankings.kpi import kpi_board
from rankings.models import RankingSnapshot
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.models import AwardDecision
from tests.factories import valid_uscc
from tests.support.clock import SHANGHAI, at

pytestmark = pytest.mark.django_db
D = Decimal


def projects(program, places, day="2025-03-10", **extra):
    actor = get_user_model().objects.get(username="jinhua-reviewer")
    industry = program.industries.order_by("sort_order").first().code
    specs = [
        ProjectSpec(f"{region.name}企业{n}", industry, at(day), township=region, **extra)
        for n, region in enumerate(places)
    ]
    return accepted_projects_create(program, specs, actor=actor)


def test_township_progress_ranks_by_completion_rate_against_the_target_list():
    program = Program.objects.get(slug="wuyi-2024")
    first, second, third = Region.objects.filter(parent=program.region).order_by("sort_order", "code")[:3]
    industry = program.industries.first()
    listed = []
    for region, planned in ((first, 3), (second, 2)):
        for n in range(planned):
            listed.append(
                TargetEnterprise.objects.create(
                    program=program,
                    uscc=valid_uscc(),
                    name=f"{region.name}摸底{n}",
                    township=region,
                    industry=industry,
                    scale="above",
                ).pk
            )
    # The list as imported then; the demo's own list is imported today, after the month ranked.
    TargetEnterprise.objects.filter(pk__in=listed).update(created_at=at("2024-05-06"))
    projects(program, [first, first, second], batch=2, n_software=D("100000"))
    period = periods.period_containing("monthly", program.starts_on, date(2025, 6, 15))
    snapshot = services.snapshot_make(program=program, period=period, kind="township")
    rows = {entry.subject_name: entry for entry in snapshot.entries.all()}
    assert rows[first.name].values["planned"] == "3" and rows[first.name].values["completed"] == "2"
    assert rows[first.name].values["completion_rate"] == "66.67" and rows[first.name].rank == 1
    assert rows[second.name].values["completion_rate"] == "50.00" and rows[second.name].rank == 2
    assert rows[third.name].rank is None and rows[third.name].values["completion_rate"] is None
    assert rows[first.name].values["accepted"] == "2" and rows[second.name].values["filed"] == "1"
    assert services.snapshot_make(program=program, period=period, kind="township").pk == snapshot.pk


def test_district_ranking_marks_the_top_three():
    program = Program.objects.get(slug="jinhua-pilot")
    districts = list(Region.objects.filter(parent=program.region).order_by("sort_order", "code")[:5])
    made = projects(
        program,
        [districts[0]] * 3 + [districts[1]] * 2 + [districts[2], districts[3]],
        track="pilot",
        level=3,
        n_software=D("1000000"),
    )
    reviewer = get_user_model().objects.get(username="jinhua-reviewer")
    AwardDecision.objects.create(
        program=program,
        application=made[-1],
        kind="chain-case",
        amount=D("300000"),
        reference="金经信〔2025〕1号",
        decided_on=date(2025, 3, 20),
        granted_by=reviewer,
    )
    period = periods.period_containing("quarterly", program.starts_on, date(2025, 11, 1))
    snapshot = services.snapshot_make(program=program, period=period, kind="district")
    rows = {entry.subject_name: entry for entry in snapshot.entries.all()}
    top = sorted((entry.rank, entry.subject_name) for entry in rows.values() if entry.rank)
    assert top[0][1] == districts[0].name
    assert {name for rank, name in top if rank <= 3} == {entry.subject_name for entry in rows.values() if entry.flagged}
    assert len([entry for entry in rows.values() if entry.flagged]) >= 3
    assert rows[districts[3].name].values["honours"] == "1"
    assert rows[districts[4].name].rank is None  # no signed project
    assert snapshot.scheme["period"] == "quarterly" and snapshot.scheme["weights"]["signed"] == "25"


def test_the_kpi_board_counts_the_program_and_its_sub_regions():
    jinhua = Program.objects.get(slug="jinhua-pilot")
    wuyi = Program.objects.get(slug="wuyi-2024")
    county = Region.objects.filter(parent=jinhua.region).first()
    projects(jinhua, [county, county], day="2025-09-10", track="pilot", level=4, n_software=D("1000000"))
    projects(wuyi, [Region.objects.filter(parent=wuyi.region).first()], day="2025-09-10", batch=2, n_software=D("1"))
    board = {row.code: row for row in kpi_board(jinhua, [wuyi, Program.objects.get(slug="yongkang-2024")])}
    assert len(board) == 14
    transformed = {year: (target, own, rollup) for year, target, own, rollup in board["above-transformed"].years}
    # accepted on 2025-09-10, approved 110 days earlier: the approvals fall in 2025
    assert transformed[2025] == (D("242"), 2, 3)
    assert board["above-transformed"].total_target == D("561")
    level4 = {year: own for year, _target, own, _rollup in board["level4"].years}
    assert level4[2025] == 2
    assert board["cloud"].total_actual is None and board["cloud"].source == ""


def test_catch_up_makes_the_region_rankings_the_programs_keep():
    services.snapshots_catch_up(now=datetime(2025, 1, 5, 9, tzinfo=SHANGHAI))
    kinds = set(RankingSnapshot.objects.values_list("program__slug", "kind").distinct())
    assert ("wuyi-2024", "township") in kinds and ("jinhua-pilot", "district") in kinds
    assert ("yongkang-2024", "township") not in kinds
    count = RankingSnapshot.objects.count()
    services.snapshots_catch_up(now=datetime(2025, 1, 5, 9, tzinfo=SHANGHAI))
    assert RankingSnapshot.objects.count() == count
