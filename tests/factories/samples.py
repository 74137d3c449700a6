"""Sample enterprises: applications, on-site checks, photos, designations and the filings started from them."""

from datetime import date

import factory

from samples.models import SampleApplication, SampleCopy, SampleDesignation, SamplePhoto, SampleSiteCheck
from tests.factories.base import UserFactory
from tests.factories.files import StoredFileFactory
from tests.factories.filings import ApplicationFactory


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
