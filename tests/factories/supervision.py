"""Supervision of a project: the firm's assignment, its inspections, rectifications and their events."""

from datetime import date

import factory

from organisations.models import OrganisationKind
from supervision.models import Inspection, InspectionPhoto, Rectification, RectificationEvent, SupervisionAssignment
from tests.factories.base import OrganisationFactory, UserFactory
from tests.factories.files import StoredFileFactory
from tests.factories.filings import ApplicationFactory


class SupervisionAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionAssignment

    application = factory.SubFactory(ApplicationFactory, status="approved")
    program = factory.LazyAttribute(lambda o: o.application.program)
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.SUPERVISION_FIRM)
    assigned_by = factory.SubFactory(UserFactory)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    assignment = factory.SubFactory(SupervisionAssignmentFactory)
    application = factory.LazyAttribute(lambda o: o.assignment.application)
    inspected_on = date(2024, 7, 2)
    findings = "巡查发现"
    recorded_by = factory.SubFactory(UserFactory)


class InspectionPhotoFactory(StoredFileFactory):
    class Meta:
        model = InspectionPhoto

    class Params:
        content = b"\x89PNG\r\n\x1a\nphoto"

    inspection = factory.SubFactory(InspectionFactory)
    original_name = "巡查照片.png"
    content_type = "image/png"


class RectificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rectification

    inspection = factory.SubFactory(InspectionFactory)
    application = factory.LazyAttribute(lambda o: o.inspection.application)
    request = "整改"
    due_on = date(2024, 7, 12)
    requested_by = factory.SubFactory(UserFactory)


class RectificationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationEvent

    rectification = factory.SubFactory(RectificationFactory)
    kind = "requested"
    actor = factory.SubFactory(UserFactory)
