"""Program A's pilot enterprise for the isolation walker (wired into `tenant_pair` in conftest by the lead)."""

from datetime import date

from enterprises.models import OutputBand, PilotDesignation, PilotListPublication, TargetEnterprise
from policies.models import Scale
from programs.models import Batch
from tests.factories import valid_uscc


def pilot_objects(program, industry, actor) -> list[str]:
    """A target enterprise of `program` designated an active pilot of `industry` in a batch whose pilot list is
    published; returns the strings a leak shows."""
    target = TargetEnterprise.objects.create(
        program=program,
        uscc=valid_uscc(),
        name="ZZA试点企业",
        township=program.region,
        industry=industry,
        scale=Scale.ABOVE,
    )
    batch = Batch.objects.create(
        program=program, number=77, name="ZZA试点批次", opens_on=date(2024, 9, 1), closes_on=date(2024, 12, 31)
    )
    pilot = PilotDesignation.objects.create(
        program=program,
        target=target,
        industry=industry,
        batch=batch,
        output_band=OutputBand.FROM_100M_TO_200M,
        reason="ZZA试点理由",
        designated_by=actor,
    )
    publication = PilotListPublication.objects.create(
        program=program,
        batch=batch,
        starts_on=date(2024, 9, 30),
        ends_on=date(2024, 10, 14),
        published_by=actor,
    )
    publication.designations.set([pilot])
    return [target.name, target.uscc, pilot.reason, batch.name]
