"""`manage.py seed_scale`: counts per state and per program as asked, valid credit codes, reproducible."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from demo.scale import SLUG_PREFIX, STAGE_SHARES, STATE_SHARES, scale_build, split
from filings.models import Application, ApplicationLine
from organisations import uscc
from organisations.models import Organisation
from subsidies.models import CalculationRun, RunLine
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def fingerprint():
    """Everything the seed decides, in a stable order."""
    applications = Application.objects.filter(program__slug__startswith=SLUG_PREFIX).order_by(
        "program__slug", "submitted_at", "filing_number", "enterprise__organisation__uscc"
    )
    return (
        list(
            applications.values_list(
                "program__slug",
                "filing_number",
                "status",
                "submitted_at",
                "enterprise__organisation__uscc",
                "enterprise__organisation__name",
                "enterprise__industry__code",
                "provider__organisation__uscc",
            )
        ),
        list(
            ApplicationLine.objects.filter(application__program__slug__startswith=SLUG_PREFIX)
            .order_by("application__program__slug", "application__filing_number", "application__submitted_at", "amount")
            .values_list("part", "category", "amount", "module__code")
        ),
        sorted(RunLine.objects.filter(run__program__slug__startswith=SLUG_PREFIX).values_list("total", flat=True)),
    )


def built(seed):
    try:
        with transaction.atomic():
            scale_build(applications=230, programs=3, seed=seed)
            result = fingerprint()
            raise Rollback
    except Rollback:
        return result


def test_counts_per_state_and_program_are_as_asked_and_every_code_is_valid():
    summary = scale_build(applications=230, programs=3, seed=5)
    programs = sorted(summary.programs)
    assert programs == ["scale-001", "scale-002", "scale-003"]
    per_program = dict(
        Application.objects.filter(program__slug__in=programs).values_list("program__slug").annotate(n=Count("id"))
    )
    assert per_program == {"scale-001": 77, "scale-002": 77, "scale-003": 76}
    for slug, count in per_program.items():
        wanted = split(count, STATE_SHARES)
        found = dict(Application.objects.filter(program__slug=slug).values_list("status").annotate(n=Count("id")))
        assert found == {status: n for status, n in wanted.items() if n}
        stages = split(wanted["approved"], STAGE_SHARES)
        run = CalculationRun.objects.get(program__slug=slug)
        assert run.status == "paid"
        assert RunLine.objects.filter(run=run).count() == stages["paid"]
        assert run.total == sum(RunLine.objects.filter(run=run).values_list("total", flat=True), Decimal("0"))
    assert summary.applications == 230
    assert sum(summary.by_status.values()) == 230
    codes = list(Organisation.objects.filter(uscc__startswith="91330700G").values_list("uscc", flat=True))
    assert len(codes) >= 230 * 0.8
    for code in codes:
        assert uscc.validate(code) == code


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    first, again, other = built(3), built(3), built(4)
    assert first == again
    assert len(first[0]) == 230 and len(first[1]) > 460
    assert first[0] != other[0]


def test_split_adds_up_exactly():
    for total in (1, 7, 99, 1000, 100_001):
        assert sum(split(total, STATE_SHARES).values()) == total


def test_the_command_refuses_a_database_with_other_data_unless_told():
    ProgramFactory(slug="real-program")
    with pytest.raises(CommandError, match="seed_scale did not make"):
        call_command("seed_scale", "--applications", "10")
    assert not Application.objects.filter(program__slug__startswith=SLUG_PREFIX).exists()
    call_command("seed_scale", "--applications", "10", "--seed", "2", "--allow-existing-data")
    assert Application.objects.filter(program__slug="scale-001").count() == 10
    with pytest.raises(CommandError, match="已有生成的数据集|already holds a generated data set"):
        call_command("seed_scale", "--applications", "10", "--allow-existing-data")


def test_a_failure_half_way_leaves_no_generated_data(monkeypatch):
    from demo import scale

    calls = []
    original = scale.ScaleBuilder._runs

    def runs_then_fail(self, program, users):
        calls.append(program.slug)
        if len(calls) == 2:
            raise RuntimeError("the calculation service stopped")
        return original(self, program, users)

    monkeypatch.setattr(scale.ScaleBuilder, "_runs", runs_then_fail)
    with pytest.raises(RuntimeError):
        scale_build(applications=60, programs=3, seed=6)
    assert calls == ["scale-001", "scale-002"]
    assert not Application.objects.filter(program__slug__startswith=SLUG_PREFIX).exists()
    assert not Organisation.objects.filter(uscc__startswith="91330700G").exists()
