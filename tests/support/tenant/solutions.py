"""Program A's solution library objects for the isolation walker."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from providers.models import SolutionStatus
from tests.factories import SolutionAwardFactory, SolutionFactory


def solution_objects(program, provider, industry, module, actor) -> list[str]:
    """A published solution of `program` by `provider`, for `industry` and `module`, holding an active
    excellent-product award; returns the strings a leak of either would show."""
    solution = SolutionFactory(
        program=program,
        membership=provider,
        name="ZZA方案",
        description="ZZA方案说明：小快轻准",
        price_min=Decimal("1000.00"),
        price_max=Decimal("2000.00"),
        deployment="saas",
        cases="ZZA客户",
        status=SolutionStatus.PUBLISHED,
        published_at=timezone.now(),
        created_by=actor,
        industries=[industry],
        modules=[module],
    )
    SolutionAwardFactory(
        solution=solution,
        amount=Decimal("50000.00"),
        reference="ZZA产品奖励文号",
        decided_on=date(2025, 6, 1),
        reason="ZZA优秀产品",
        granted_by=actor,
    )
    return ["ZZA方案", "ZZA方案说明", "ZZA产品奖励文号"]
