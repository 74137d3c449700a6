"""The records every program stands on: regions, programs and their reference data, organisations, users and
their roles, enterprise profiles and pool memberships. Each object gets a unique marker in its name so tests can
look for leaks."""

import itertools
from datetime import date

import factory
from django.conf import settings

from enterprises.models import EnterpriseProfile, OutputBand
from organisations import uscc
from organisations.models import Organisation, OrganisationKind
from policies.models import Scale
from portal.core.roles import Role
from programs.models import (
    Batch,
    CalendarDay,
    CalendarDayKind,
    Industry,
    Program,
    ProgramOrganisation,
    Region,
    ScenarioModule,
)
from programs.services import role_grant
from providers.models import PoolMembership, PoolStatus
from tests.support.environment import PASSWORD

_serial = itertools.count(1)


def valid_uscc(n=None):
    n = next(_serial) if n is None else n
    return uscc.complete(f"91330799MA{n:07d}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试区域{n}")
    level = "county"
    parent = None


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    slug = factory.Sequence(lambda n: f"test-program-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug} 项目全称")
    short_name = factory.LazyAttribute(lambda o: f"{o.slug} 简称")
    region = factory.SubFactory(RegionFactory)
    bureau_name = factory.LazyAttribute(lambda o: f"{o.slug} 经信局")
    starts_on = date(2024, 1, 1)


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.program.slug} 行业 {o.code}")


class ScenarioModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScenarioModule

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"module-{n}")
    kind = "catalogue"
    category = factory.LazyAttribute(lambda o: f"{o.program.slug} 分类")
    name = factory.LazyAttribute(lambda o: f"{o.program.slug} 模块 {o.code}")


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"{o.program.slug} 批次 {o.number}")
    opens_on = date(2024, 1, 1)
    closes_on = date(2024, 6, 30)


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    program = factory.SubFactory(ProgramFactory)
    date = factory.Sequence(lambda n: date(2024, 1 + n % 12, 1 + n % 28))
    kind = CalendarDayKind.HOLIDAY
    name = factory.LazyAttribute(lambda o: f"{o.program.slug} 假日")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    uscc = factory.LazyFunction(valid_uscc)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    kind = OrganisationKind.ENTERPRISE


class ProgramOrganisationFactory(factory.django.DjangoModelFactory):
    """An organisation registered as taking part in a program."""

    class Meta:
        model = ProgramOrganisation

    program = factory.SubFactory(ProgramFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class EnterpriseProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseProfile

    program = factory.SubFactory(ProgramFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    industry = factory.LazyAttribute(lambda o: IndustryFactory(program=o.program))
    scale = Scale.ABOVE
    output_band = OutputBand.UNDER_100M


class PoolMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolMembership

    program = factory.SubFactory(ProgramFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PROVIDER)
    status = PoolStatus.SELECTED
    joined_on = date(2024, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: f"测试用户 {o.username}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(program, role: Role, **fields):
    user = UserFactory(**fields)
    role_grant(program=program, user=user, role=role)
    return user
