"""Demo calculation runs for the three programs: accepted projects, funding pools, an award, and runs in each
state (Jinhua approved with its central pool running short and partly paid; Wuyi paid, then a draft carrying the
award of its designated power-tools sample enterprise; Yongkang reviewed and waiting for approval). Built once by
`seed_demo`; the test suite builds its own."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from enterprises.demo_samples import demo_samples_build
from programs.access import program_access
from programs.models import Program, Region
from subsidies import runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.models import CalculationRun
from subsidies.run_selectors import run_lines

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
PREFIX = {"wuyi-2024": "wuyi", "yongkang-2024": "yongkang", "jinhua-pilot": "jinhua"}
SECOND_REVIEWER = "reviewer"


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


def _access(username, slug):
    return program_access(user=get_user_model().objects.get(username=username), slug=slug)


def _townships(program):
    return list(Region.objects.filter(parent=program.region).order_by("sort_order", "code")[:4]) or [None]


def _specs(slug, townships, first: bool):
    t = townships
    if slug == "wuyi-2024" and first:
        return [
            ProjectSpec(
                "武义炊具示范有限公司",
                "kitchenware",
                _at("2024-09-02"),
                batch=1,
                n_software=D("180000"),
                n_hardware=D("100000"),
                x_software=D("60000"),
                township=t[0],
            ),
            ProjectSpec(
                "武义电动工具样板有限公司",
                "power-tools",
                _at("2024-09-16"),
                batch=1,
                n_software=D("250000"),
                n_hardware=D("90000"),
                x_hardware=D("120000"),
                township=t[1 % len(t)],
            ),
            ProjectSpec(
                "武义五金精工有限公司",
                "hardware",
                _at("2024-10-08"),
                batch=2,
                n_software=D("123456.78"),
                township=t[2 % len(t)],
            ),
            ProjectSpec(
                "武义休闲用品有限公司",
                "leisure",
                _at("2024-10-21"),
                batch=2,
                n_hardware=D("400000"),
                x_hardware=D("800000"),
                township=t[3 % len(t)],
            ),
        ]
    if slug == "wuyi-2024":
        return [
            ProjectSpec(
                "武义门业新材有限公司",
                "doors",
                _at("2025-01-13"),
                batch=3,
                n_software=D("600000"),
                x_software=D("200000"),
                township=t[0],
            ),
            ProjectSpec(
                "武义厨具智造有限公司",
                "kitchenware",
                _at("2025-02-10"),
                batch=3,
                n_software=D("280000"),
                township=t[1 % len(t)],
            ),
        ]
    if slug == "yongkang-2024":
        return [
            ProjectSpec(
                "永康防盗门智造有限公司",
                "security-doors",
                _at("2024-11-05"),
                n_software=D("300000"),
                n_hardware=D("150000"),
                township=t[0],
            ),
            ProjectSpec(
                "永康保温杯数字工厂有限公司",
                "thermos-cups",
                _at("2024-11-20"),
                n_software=D("500000"),
                x_hardware=D("300000"),
                township=t[1 % len(t)],
            ),
            ProjectSpec(
                "永康电动工具中级数智工厂有限公司",
                "power-tools",
                _at("2024-12-12"),
                track="midlevel-pilot",
                n_software=D("1200000"),
                x_hardware=D("800000"),
                automation=D("1200000"),
                township=t[2 % len(t)],
            ),
            ProjectSpec(
                "永康休闲器具有限公司",
                "health-leisure",
                _at("2025-01-08"),
                n_software=D("250000"),
                township=t[3 % len(t)],
            ),
        ]
    return [
        ProjectSpec(
            "金华电动工具试点甲有限公司",
            "power-tools",
            _at("2025-03-10"),
            track="pilot",
            n_software=D("1200000"),
            level=3,
            township=t[0],
        ),
        ProjectSpec(
            "金华磁材试点乙有限公司",
            "magnetic-materials",
            _at("2025-08-31"),
            track="pilot",
            x_hardware=D("3000000"),
            level=4,
            township=t[1 % len(t)],
        ),
        ProjectSpec(
            "金华服装试点丙有限公司",
            "garments",
            _at("2025-10-20"),
            track="pilot",
            n_software=D("1500000"),
            level=2,
            township=t[2 % len(t)],
        ),
        ProjectSpec(
            "金华服装试点丁有限公司",
            "garments",
            _at("2025-05-01"),
            track="pilot",
            n_software=D("2000000"),
            level=1,
            township=t[3 % len(t)],
        ),
    ]


def _calculated(slug, title):
    creator = _access(f"{PREFIX[slug]}-reviewer", slug)
    run = runs.run_create(access=creator, title=title)
    run.refresh_from_db()
    if not run.generation:  # a worker (not eager Celery) will calculate it; the demo needs it now
        runs.run_calculate(run_id=run.pk)
        run.refresh_from_db()
    return creator, run


def _approved(slug, title):
    creator, run = _calculated(slug, title)
    runs.run_review(access=creator, run=run, comment="已核对明细与审计报告")
    return creator, runs.run_approve(access=_access(SECOND_REVIEWER, slug), run=run, comment="同意拨付")


def demo_runs_build() -> None:
    """Idempotent: a program that has runs already is left as it is."""
    for slug in PREFIX:
        program = Program.objects.get(slug=slug)
        if CalculationRun.objects.filter(program=program).exists():
            continue
        actor = get_user_model().objects.get(username=f"{PREFIX[slug]}-reviewer")
        townships = _townships(program)
        accepted_projects_create(program, _specs(slug, townships, first=True), actor=actor)
        admin = _access(f"{PREFIX[slug]}-admin", slug)
        if slug == "jinhua-pilot":
            runs.pool_save(access=admin, source="central", budget="800000", note="2025年度中央财政资金（第一批）")
            runs.pool_save(access=admin, source="local", budget="3000000", note="市县配套资金")
            creator, run = _approved(slug, "2025年第一批试点补助核算")
            first = run_lines(run).first()
            runs.payment_record(
                access=creator,
                line=first,
                source="central",
                amount=first.central,
                paid_on=date(2025, 12, 5),
                voucher="JH-ZY-2025-001",
            )
        elif slug == "wuyi-2024":
            runs.pool_save(access=admin, source="county", budget="5000000", note="2024年度县财政数字化改造专项资金")
            creator, run = _approved(slug, "2024年第一批N+X项目补助核算")
            runs.run_pay_remaining(access=creator, run=run, paid_on=date(2025, 1, 20), voucher="WY-CZ-2025-0012")
            accepted_projects_create(program, _specs(slug, townships, first=False), actor=actor)
            sample = run_lines(run).get(inputs__enterprise="武义电动工具样板有限公司").application
            # The sample award needs the designation: apply, join, check on site and designate first.
            demo_samples_build()
            runs.award_grant(
                access=creator,
                application=sample,
                kind="sample",
                amount="150000",
                reference="武经商〔2025〕8号",
                decided_on=date(2025, 2, 18),
                reason="评为电动工具行业样本企业",
            )
            _calculated(slug, "2025年第一批N+X项目补助核算")
        else:
            creator, run = _calculated(slug, "2024年度学样仿样及中级数智工厂补助核算")
            runs.run_review(access=creator, run=run, comment="待分管领导批准")
