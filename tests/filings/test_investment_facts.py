"""One definition of a project's investment facts: what an enterprise is shown when its filing is approved is
what the run pays, for the same items and an audit that confirms them, on every track of every program.

Each project files an automation line in part N or X, the case the estimate once counted into its part while
the audit and the run kept automation apart."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from filings.models import Application, ApplicationLine
from filings.selectors import application_estimate
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program
from subsidies import approvals, runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.selectors import run_lines
from tests.factories import user_with_role
from tests.support.clock import SHANGHAI

pytestmark = pytest.mark.django_db
D = Decimal
# (program, spec as the audit confirmed it, the lines as filed, the amount worked by hand)
CASES = [
    (
        "wuyi-2024",
        ProjectSpec(
            "餐厨事实甲",
            "kitchenware",
            datetime(2024, 9, 2, 10, tzinfo=SHANGHAI),
            batch=1,
            n_software=D("180000"),
            n_hardware=D("100000"),
            x_software=D("60000"),
            automation=D("50000"),
        ),
        # N 280,000 (kitchenware cap 300,000) × 60 % = 168,000; X 60,000 × 40 % = 24,000; automation earns nothing
        D("192000.00"),
    ),
    (
        "yongkang-2024",
        ProjectSpec(
            "防盗门事实乙",
            "security-doors",
            datetime(2024, 10, 8, 10, tzinfo=SHANGHAI),
            track="lightweight",
            n_software=D("300000"),
            x_hardware=D("150000"),
            automation=D("80000"),
        ),
        D("180000.00"),  # T = 450,000 (automation apart) × 40 %
    ),
    (
        "yongkang-2024",
        ProjectSpec(
            "保温杯事实丙",
            "thermos-cups",
            datetime(2024, 10, 9, 10, tzinfo=SHANGHAI),
            track="saas",
            scale="below",
            n_software=D("120000"),
            automation=D("30000"),
        ),
        D("48000.00"),  # T = 120,000 × 40 %
    ),
    (
        "yongkang-2024",
        ProjectSpec(
            "电动工具事实丁",
            "power-tools",
            datetime(2024, 12, 2, 10, tzinfo=SHANGHAI),
            track="midlevel-pilot",
            n_software=D("1500000"),
            n_hardware=D("500000"),
            automation=D("1200000"),
        ),
        D("1416000.00"),  # T 2,000,000 × 60 % = 1,200,000; automation 1,200,000 × 18 % = 216,000
    ),
    (
        "yongkang-2024",
        ProjectSpec(
            "电动工具事实戊",
            "power-tools",
            datetime(2024, 12, 3, 10, tzinfo=SHANGHAI),
            track="midlevel-promotion",
            x_software=D("1000000"),
            x_hardware=D("1000000"),
            automation=D("4000000"),
        ),
        D("1600000.00"),  # T 2,000,000 × 50 % = 1,000,000; automation 4,000,000 × 15 % = 600,000
    ),
    (
        "jinhua-pilot",
        ProjectSpec(
            "磁材事实己",
            "magnetic-materials",
            datetime(2025, 3, 10, 10, tzinfo=SHANGHAI),
            track="pilot",
            level=3,
            n_software=D("700000"),
            n_hardware=D("500000"),
            automation=D("90000"),
        ),
        D("600000.00"),  # year 1: 1,200,000 × 50 % = 600,000, under the level-3 cap of 800,000
    ),
]


def _filed_lines(spec: ProjectSpec, automation_part: str):
    amounts = {
        ("N", "software"): spec.n_software,
        ("N", "hardware"): spec.n_hardware,
        ("X", "software"): spec.x_software,
        ("X", "hardware"): spec.x_hardware,
        (automation_part, "automation"): spec.automation,
    }
    return [(part, category, amount) for (part, category), amount in amounts.items() if amount]


@pytest.mark.parametrize("automation_part", ["N", "X"])
def test_the_estimate_at_approval_is_what_the_run_pays(automation_part):
    estimates, expected = {}, {}
    for slug, spec, amount in CASES:
        program = Program.objects.get(slug=slug)
        actor = get_user_model().objects.get(username=f"{slug.split('-')[0]}-reviewer")
        (application,) = accepted_projects_create(program, [spec], actor=actor)
        for part, category, line_amount in _filed_lines(spec, automation_part):
            ApplicationLine.objects.create(application=application, part=part, category=category, amount=line_amount)
        Application.objects.filter(pk=application.pk).update(target_level=spec.level)
        application.refresh_from_db()
        _version, result = application_estimate(application, on_date=spec.decided_at.date())
        estimates[spec.enterprise] = result.total
        expected[spec.enterprise] = amount
    paid = {}
    for slug in {case[0] for case in CASES}:
        creator = program_access(
            user=get_user_model().objects.get(username=f"{slug.split('-')[0]}-reviewer"), slug=slug
        )
        run = runs.run_create(access=creator, title="投入口径一致性")
        runs.run_calculate(run_id=run.pk)
        run.refresh_from_db()
        approver = user_with_role(Program.objects.get(slug=slug), Role.BUREAU_REVIEWER)
        runs.run_review(access=creator, run=run)
        approvals.run_approve(access=program_access(user=approver, slug=slug), run=run)
        paid.update({line.inputs["enterprise"]: line.total for line in run_lines(run)})
    assert estimates == expected
    assert {name: paid[name] for name in expected} == expected
