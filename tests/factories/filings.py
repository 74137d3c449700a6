"""Filings: an application, its N+X lines, its attachments and its subcontracted parts."""

from decimal import Decimal

import factory

from filings.models import Application, ApplicationLine, Attachment, Subcontract
from tests.factories.base import EnterpriseProfileFactory, PoolMembershipFactory, ProgramFactory, UserFactory
from tests.factories.files import StoredFileFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft of the lightweight track, filed by a new enterprise of the program."""

    class Meta:
        model = Application

    program = factory.SubFactory(ProgramFactory)
    enterprise = factory.LazyAttribute(lambda o: EnterpriseProfileFactory(program=o.program))
    track = "lightweight"
    title = factory.Sequence(lambda n: f"申报项目{n}")
    created_by = factory.SubFactory(UserFactory)


class ApplicationLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationLine

    application = factory.SubFactory(ApplicationFactory)
    part = "N"
    category = "software"
    amount = Decimal("1000")


class AttachmentFactory(StoredFileFactory):
    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = "contract"
    original_name = "合同.pdf"


class SubcontractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subcontract

    application = factory.SubFactory(ApplicationFactory)
    membership = factory.LazyAttribute(lambda o: PoolMembershipFactory(program=o.application.program))
    scope = "分包"
    work_share = Decimal("10")
    amount = Decimal("100")
