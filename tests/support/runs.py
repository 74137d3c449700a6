"""Calculation runs through the services: the accepted projects they pay, a run created and calculated."""

from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from programs.models import Program
from subsidies import runs
from subsidies.accepted import ProjectSpec, accepted_projects_create
from tests.support.clock import SHANGHAI, at
from tests.support.people import access_of

D = Decimal


def jinhua_worked_examples():
    """The worked examples: level 3 accepted in the pilot's first year, a level 2 in its second, a level 4 above
    its cap, and a level 1 that is not eligible."""
    program = Program.objects.get(slug="jinhua-pilot")
    actor = get_user_model().objects.get(username="jinhua-reviewer")
    specs = [
        ProjectSpec("三级甲", "power-tools", at("2025-03-10"), track="pilot", n_software=D("1200000"), level=3),
        ProjectSpec("二级乙", "garments", at("2025-10-20"), track="pilot", n_software=D("1500000"), level=2),
        ProjectSpec("四级丙", "magnetic-materials", at("2025-08-31"), track="pilot", x_hardware=D("3000000"), level=4),
        ProjectSpec("一级丁", "garments", at("2025-05-01"), track="pilot", n_software=D("2000000"), level=1),
    ]
    return accepted_projects_create(program, specs, actor=actor)


def pilot_projects(program, actor, label, days, *, n_software="1200000", level=3):
    """Pilot projects in power tools accepted on `days` of January 2025, `n_software` invested in year 1 at
    `level`; by default level 3 and 1,200,000: 600,000 of subsidy each, central 40 % = 240,000, local 360,000."""
    specs = [
        ProjectSpec(
            f"{label}{n}",
            "power-tools",
            datetime(2025, 1, day, 10, tzinfo=SHANGHAI),
            track="pilot",
            n_software=D(n_software),
            level=level,
        )
        for n, day in enumerate(days)
    ]
    return accepted_projects_create(program, specs, actor=actor)


def create_and_calculate(slug, creator="{}-reviewer"):
    """In tests Celery runs eagerly: the queued calculation has run when the transaction commits."""
    access = access_of(creator.format(slug.split("-")[0]), slug)
    run = runs.run_create(access=access, title="测试批次")
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    return access, run


def calculated_run(slug="jinhua-pilot", creator="jinhua-reviewer"):
    """A run created and calculated through the services (the API's own creation is tested end to end)."""
    run = runs.run_create(access=access_of(creator, slug), title="服务批次")
    return runs.run_calculate(run_id=run.pk)
