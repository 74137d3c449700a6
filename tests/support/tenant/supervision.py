"""Program A's supervision records for the isolation walker."""

from datetime import date

from organisations.models import OrganisationKind
from portal.core.roles import Role
from tests.factories import (
    InspectionFactory,
    InspectionPhotoFactory,
    OrganisationFactory,
    RectificationEventFactory,
    RectificationFactory,
    SupervisionAssignmentFactory,
    user_with_role,
)


def supervision_objects(program, application, provider, actor) -> list[str]:
    """Program A's supervision assignment, inspection with a photo, and rectification; returns the strings a
    leak shows."""
    firm = OrganisationFactory(name="ZZA监理有限公司", kind=OrganisationKind.SUPERVISION_FIRM)
    inspector = user_with_role(program, Role.SUPERVISION_FIRM, username="zza-supervision", display_name="ZZA监理员")
    inspector.organisation = firm
    inspector.save()
    assignment = SupervisionAssignmentFactory(
        program=program, application=application, organisation=firm, note="ZZA监理委派说明", assigned_by=actor
    )
    inspection = InspectionFactory(
        assignment=assignment,
        application=application,
        inspected_on=date(2024, 6, 1),
        findings="ZZA巡查发现",
        recorded_by=inspector,
    )
    photo = InspectionPhotoFactory(
        inspection=inspection,
        original_name="ZZA巡查照片.png",
        content_type="image/png",
        size=19,
        sha256="0" * 64,
        uploaded_by=inspector,
        filename="zza-inspection.png",
        content=b"\x89PNG\r\n\x1a\nZZAINSPECT",
    )
    rectification = RectificationFactory(
        inspection=inspection,
        application=application,
        request="ZZA整改要求",
        due_on=date(2024, 6, 15),
        requested_by=inspector,
    )
    RectificationEventFactory(rectification=rectification, kind="requested", text="ZZA整改要求", actor=inspector)
    return [
        firm.name,
        firm.uscc,
        inspector.display_name,
        assignment.note,
        inspection.findings,
        photo.original_name,
        "ZZAINSPECT",
        rectification.request,
    ]
