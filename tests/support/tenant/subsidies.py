"""Program A's subsidy records for the isolation walker."""

from decimal import Decimal

from django.utils import timezone

from acceptance.models import AcceptanceReview
from tests.factories import (
    AwardDecisionFactory,
    CalculationRunFactory,
    CarriedFundingFactory,
    FundingPoolFactory,
    LedgerFileFactory,
    LedgerJobFactory,
    PaymentFactory,
    PoolAllocationFactory,
    RunCorrectionFactory,
    RunExclusionFactory,
    RunLineFactory,
)


def subsidy_objects(application, actor) -> list[str]:
    """A calculation run of program A (approved, with a line, a project left out, a correction in a draft run),
    an award, a funding pool with its allocation and a shortfall carried by a later run, a payment and a ledger
    job with its file. Returns markers."""
    program = application.program
    review = AcceptanceReview.objects.get(application=application)
    run = CalculationRunFactory(program=program, number=1, title="ZZA核算批次", created_by=actor)
    inputs = {
        "enterprise": "ZZA企业有限公司",
        "uscc": application.enterprise.organisation.uscc,
        "township": "ZZA乡镇",
        "industry": "zza-industry",
        "industry_name": "ZZA行业",
        "scale": "above",
        "track": "zza-track",
        "provider": "ZZA服务商有限公司",
        "filing_number": "ZZA-FILING-1",
        "title": "ZZA申报项目",
        "batch": None,
        "level": None,
        "accepted_on": "2024-07-10",
        **dict.fromkeys(("n_software", "n_hardware", "x_software", "x_hardware", "automation"), "0.00"),
        "awards": [],
    }
    inputs["n_software"] = "123457.00"
    result = {"subsidy_lines": [], "subsidy_subtotal": "0.00", "cap": None, "trace": ["ZZA计算过程"]}
    money = {"subsidy": Decimal("123457.00"), "awards": Decimal("0"), "total": Decimal("123457.00")}
    line = RunLineFactory(
        run=run,
        generation=1,
        position=1,
        application=application,
        review=review,
        accepted_at=timezone.now(),
        inputs=inputs,
        result=result,
        county=Decimal("123457.00"),
        frozen=True,
        **money,
    )
    RunExclusionFactory(
        run=run, generation=1, application=application, review=review, stage="policy", reason="ZZA剔除原因"
    )
    run.generation, run.line_count, run.status = 1, 1, "approved"
    run.save()
    draft = CalculationRunFactory(program=program, number=2, title="ZZA更正批次", created_by=actor)
    RunCorrectionFactory(run=draft, corrects=line, reason="ZZA更正原因", requested_by=actor)
    AwardDecisionFactory(
        program=program,
        application=application,
        kind="sample",
        amount=Decimal("123457"),
        reference="ZZA决定文号",
        decided_on=timezone.localdate(),
        granted_by=actor,
    )
    pool = FundingPoolFactory(program=program, source="county", budget=Decimal("9123457"), note="ZZA资金池")
    PoolAllocationFactory(  # short by 4,321.00, carried by a later run
        pool=pool, line=line, sequence=1, requested=line.total, allocated=line.total - Decimal("4321.00")
    )
    later = CalculationRunFactory(
        program=program, number=3, title="ZZA补拨批次", created_by=actor, status="approved", generation=1
    )
    CarriedFundingFactory(pool=pool, line=line, run=later, sequence=1, amount=Decimal("4321.00"), allocated_by=actor)
    PaymentFactory(
        line=line,
        source="county",
        amount=Decimal("1234.57"),
        paid_on=timezone.localdate(),
        voucher="ZZA凭证号",
        recorded_by=actor,
    )
    job = LedgerJobFactory(program=program, run=run, requested_by=actor, status="done", progress=100)
    LedgerFileFactory(
        job=job,
        original_name="ZZA台账.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size=13,
        sha256="0" * 64,
        uploaded_by=actor,
        filename="zza-ledger.xlsx",
        content=b"PK\x03\x04ZZALEDGER",
    )
    return [
        "ZZA核算批次",
        "ZZA计算过程",
        "ZZA剔除原因",
        "ZZA更正原因",
        "ZZA决定文号",
        "ZZA资金池",
        "ZZA凭证号",
        "ZZA台账",
        "ZZALEDGER",
    ]
