"""Subsidies: calculation runs and their lines, exclusions and corrections, awards, funding pools with their
allocations, payments, and the ledger's jobs and files."""

from decimal import Decimal

import factory
from django.utils import timezone

from subsidies.models import (
    AwardDecision,
    CalculationRun,
    CarriedFunding,
    FundingPool,
    LedgerFile,
    LedgerJob,
    Payment,
    PoolAllocation,
    RunCorrection,
    RunExclusion,
    RunLine,
)
from tests.factories.base import ProgramFactory, UserFactory
from tests.factories.files import StoredFileFactory
from tests.factories.filings import ApplicationFactory


class CalculationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalculationRun

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"核算批次 {o.number}")
    created_by = factory.SubFactory(UserFactory)


class RunLineFactory(factory.django.DjangoModelFactory):
    """A project's line of a run: 1,000.00 of subsidy, no award."""

    class Meta:
        model = RunLine

    run = factory.SubFactory(CalculationRunFactory)
    generation = 1
    position = factory.Sequence(lambda n: n + 1)
    application = factory.LazyAttribute(lambda o: ApplicationFactory(program=o.run.program, status="approved"))
    accepted_at = factory.LazyFunction(timezone.now)
    inputs = factory.LazyAttribute(lambda o: {"enterprise": o.application.title, "track": o.application.track})
    result = factory.LazyFunction(dict)
    subsidy = Decimal("1000.00")
    awards = Decimal("0.00")
    total = factory.LazyAttribute(lambda o: o.subsidy + o.awards)


class RunExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunExclusion

    run = factory.SubFactory(CalculationRunFactory)
    generation = 1
    application = factory.LazyAttribute(lambda o: ApplicationFactory(program=o.run.program, status="approved"))
    stage = "policy"
    reason = "剔除原因"


class RunCorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunCorrection

    corrects = factory.SubFactory(RunLineFactory, frozen=True)
    run = factory.LazyAttribute(lambda o: CalculationRunFactory(program=o.corrects.run.program))
    reason = "更正原因"
    requested_by = factory.SubFactory(UserFactory)


class AwardDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardDecision

    application = factory.SubFactory(ApplicationFactory, status="approved")
    program = factory.LazyAttribute(lambda o: o.application.program)
    kind = "sample"
    amount = Decimal("100000")
    reference = "决定文号"
    decided_on = factory.LazyFunction(timezone.localdate)
    granted_by = factory.SubFactory(UserFactory)


class FundingPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingPool

    program = factory.SubFactory(ProgramFactory)
    source = "county"
    budget = Decimal("1000000")


class PoolAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolAllocation

    line = factory.SubFactory(RunLineFactory)
    pool = factory.LazyAttribute(lambda o: FundingPoolFactory(program=o.line.run.program))
    sequence = factory.Sequence(lambda n: n + 1)
    requested = factory.LazyAttribute(lambda o: o.line.total)
    allocated = factory.LazyAttribute(lambda o: o.requested)


class CarriedFundingFactory(factory.django.DjangoModelFactory):
    """A frozen line's shortfall in a pool, funded by a later approved run."""

    class Meta:
        model = CarriedFunding

    line = factory.SubFactory(RunLineFactory, frozen=True)
    pool = factory.LazyAttribute(lambda o: FundingPoolFactory(program=o.line.run.program))
    run = factory.LazyAttribute(
        lambda o: CalculationRunFactory(program=o.line.run.program, status="approved", generation=1)
    )
    sequence = factory.Sequence(lambda n: n + 1)
    amount = Decimal("100.00")
    allocated_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Without an allocation of the line in the pool, one short by `amount` (the database refuses to carry
        more than a shortfall)."""
        line, pool, amount = kwargs["line"], kwargs["pool"], kwargs["amount"]
        if not PoolAllocation.objects.filter(line=line, pool=pool).exists():
            PoolAllocationFactory(pool=pool, line=line, requested=line.total, allocated=line.total - amount)
        return super()._create(model_class, *args, **kwargs)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    line = factory.SubFactory(RunLineFactory)
    source = "county"
    amount = Decimal("10.00")
    paid_on = factory.LazyFunction(timezone.localdate)
    voucher = factory.Sequence(lambda n: f"V{n}")
    recorded_by = factory.SubFactory(UserFactory)


class LedgerJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerJob

    program = factory.SubFactory(ProgramFactory)
    requested_by = factory.SubFactory(UserFactory)


class LedgerFileFactory(StoredFileFactory):
    class Meta:
        model = LedgerFile

    class Params:
        content = b"PK\x03\x04ledger"

    job = factory.SubFactory(LedgerJobFactory)
    original_name = "台账.xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
