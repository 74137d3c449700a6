"""Policy versions as data: a version, its tracks and their parameters."""

from decimal import Decimal

import factory

from policies.models import PolicyParameter, PolicyTrack, PolicyVersion
from tests.factories.base import ProgramFactory


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyVersion

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"policy-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.program.slug} 政策版本 {o.code}")


class PolicyTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyTrack

    version = factory.SubFactory(PolicyVersionFactory)
    code = factory.Sequence(lambda n: f"track-{n}")
    kind = "tiered_total"
    name = factory.LazyAttribute(lambda o: f"申报类型 {o.code}")


class PolicyParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyParameter

    version = factory.SubFactory(PolicyVersionFactory)
    track = factory.SubFactory(PolicyTrackFactory, version=factory.SelfAttribute("..version"))
    key = factory.Sequence(lambda n: f"key-{n}")
    value = Decimal("1")
