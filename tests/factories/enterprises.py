"""Enterprises of a program: sign-up requests, the target list, pilots and samples."""

from datetime import date

import factory

from enterprises.models import (
    PilotDesignation,
    PilotListPublication,
    SampleApplication,
    SampleCopy,
    SampleDesignation,
    SamplePhoto,
    SampleSiteCheck,
    SignupRequest,
    TargetEnterprise,
)
from policies.models import Scale
from tests.factories.base import (
    BatchFactory,
    EnterpriseProfileFactory,
    IndustryFactory,
    ProgramFactory,
    RegionFactory,
    UserFactory,
    valid_uscc,
)
from tests.factories.files import StoredFileFactory
from tests.factories.filings import ApplicationFactory


class SignupRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignupRequest

    program = factory.SubFactory(ProgramFactory)
    profile = factory.LazyAttribute(lambda o: EnterpriseProfileFactory(program=o.program))
    user = factory.SubFactory(UserFactory)


class TargetEnterpriseFactory(factory.django.DjangoModelFactory):
    """An enterprise of the program's target list, in a township of the program's region."""

    class Meta:
        model = TargetEnterprise

    program = factory.SubFactory(ProgramFactory)
    uscc = factory.LazyFunction(valid_uscc)
    name = factory.Sequence(lambda n: f"摸底企业{n}")
    township = factory.LazyAttribute(lambda o: RegionFactory(parent=o.program.region, level="township"))
    industry = factory.LazyAttribute(lambda o: IndustryFactory(program=o.program))
    scale = Scale.ABOVE


class PilotDesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotDesignation

    program = factory.SubFactory(ProgramFactory)
    target = factory.LazyAttribute(lambda o: TargetEnterpriseFactory(program=o.program))
    industry = factory.LazyAttribute(lambda o: o.target.industry)
    reason = "试点"
    designated_by = factory.SubFactory(UserFactory)


class PilotListPublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotListPublication
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    batch = factory.LazyAttribute(lambda o: BatchFactory(program=o.program))
    starts_on = date(2024, 6, 1)
    ends_on = date(2024, 6, 7)
    published_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def designations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.designations.set(extracted)


class SampleApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SampleApplication

    application = factory.SubFactory(ApplicationFactory)
    program = factory.LazyAttribute(lambda o: o.application.program)
    industry = factory.LazyAttribute(lambda o: o.application.enterprise.industry)
    statement = "成效说明"
    applied_by = factory.SubFactory(UserFactory)


class SamplePhotoFactory(StoredFileFactory):
    class Meta:
        model = SamplePhoto

    class Params:
        content = b"\x89PNG\r\n\x1a\nphoto"

    sample_application = factory.SubFactory(SampleApplicationFactory)
    original_name = "现场.png"
    content_type = "image/png"


class SampleSiteCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SampleSiteCheck

    sample_application = factory.SubFactory(SampleApplicationFactory)
    checked_on = date(2025, 2, 1)
    experts = "专家"
    association_representatives = "协会代表"
    findings = "与申报一致"
    recommends = True
    recorded_by = factory.SubFactory(UserFactory)


class SampleDesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SampleDesignation

    sample_application = factory.SubFactory(SampleApplicationFactory)
    program = factory.LazyAttribute(lambda o: o.sample_application.program)
    application = factory.LazyAttribute(lambda o: o.sample_application.application)
    industry = factory.LazyAttribute(lambda o: o.sample_application.industry)
    reason = "成效显著"
    designated_by = factory.SubFactory(UserFactory)


class SampleCopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SampleCopy

    sample = factory.SubFactory(SampleDesignationFactory)
    application = factory.LazyAttribute(lambda o: ApplicationFactory(program=o.sample.program))
    copied_by = factory.SubFactory(UserFactory)
