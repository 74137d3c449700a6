"""Enterprises of a program: sign-up requests, the target list and pilots."""

from datetime import date

import factory

from enterprises.models import (
    PilotDesignation,
    PilotListPublication,
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
