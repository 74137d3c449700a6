"""Program A's pilot enterprise for the isolation walker."""

from datetime import date

from enterprises.models import OutputBand
from policies.models import Scale
from tests.factories import (
    BatchFactory,
    PilotDesignationFactory,
    PilotListPublicationFactory,
    TargetEnterpriseFactory,
    valid_uscc,
)


def pilot_objects(program, industry, actor) -> list[str]:
    """A target enterprise of `program` designated an active pilot of `industry` in a batch whose pilot list is
    published; returns the strings a leak shows."""
    target = TargetEnterpriseFactory(
        program=program,
        uscc=valid_uscc(),
        name="ZZA试点企业",
        township=program.region,
        industry=industry,
        scale=Scale.ABOVE,
    )
    batch = BatchFactory(
        program=program, number=77, name="ZZA试点批次", opens_on=date(2024, 9, 1), closes_on=date(2024, 12, 31)
    )
    pilot = PilotDesignationFactory(
        program=program,
        target=target,
        industry=industry,
        batch=batch,
        output_band=OutputBand.FROM_100M_TO_200M,
        reason="ZZA试点理由",
        designated_by=actor,
    )
    PilotListPublicationFactory(
        program=program,
        batch=batch,
        starts_on=date(2024, 9, 30),
        ends_on=date(2024, 10, 14),
        published_by=actor,
        designations=[pilot],
    )
    return [target.name, target.uscc, pilot.reason, batch.name]
