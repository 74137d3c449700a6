"""Program A's pilot enterprise for the isolation walker (wired into `tenant_pair` in conftest by the lead)."""

from enterprises.models import PilotDesignation, Scale, TargetEnterprise
from tests.factories import valid_uscc


def pilot_objects(program, industry, actor) -> list[str]:
    """A target enterprise of `program` designated an active pilot of `industry`; returns the strings a leak shows."""
    target = TargetEnterprise.objects.create(
        program=program,
        uscc=valid_uscc(),
        name="ZZA试点企业",
        township=program.region,
        industry=industry,
        scale=Scale.ABOVE,
    )
    pilot = PilotDesignation.objects.create(
        program=program, target=target, industry=industry, reason="ZZA试点理由", designated_by=actor
    )
    return [target.name, target.uscc, pilot.reason]
