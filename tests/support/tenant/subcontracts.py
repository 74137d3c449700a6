"""Program A's subcontracts for the isolation walker."""

from datetime import date
from decimal import Decimal

from organisations.models import OrganisationKind
from tests.factories import (
    MilestoneFactory,
    OrganisationFactory,
    PoolMembershipFactory,
    ProgressPostFactory,
    SubcontractFactory,
)


def subcontract_objects(program, application, actor) -> list[str]:
    """A subcontract of program A's filing, and a progress post on its part; returns the strings a leak shows."""
    organisation = OrganisationFactory(name="ZZA分包商有限公司", kind=OrganisationKind.PROVIDER)
    membership = PoolMembershipFactory(program=program, organisation=organisation)
    subcontract = SubcontractFactory(
        application=application,
        membership=membership,
        scope="ZZA分包范围",
        work_share=Decimal("30.00"),
        amount=Decimal("30000.00"),
        percent=40,
    )
    milestone = application.milestones.order_by("number").first() or MilestoneFactory(
        application=application, number=1, name="ZZA分包里程碑", due_on=date(2024, 6, 1)
    )
    ProgressPostFactory(
        application=application,
        milestone=milestone,
        subcontract=subcontract,
        percent=40,
        text="ZZA分包进度说明",
        posted_by=actor,
    )
    return [organisation.name, organisation.uscc, subcontract.scope, "ZZA分包进度说明"]
