"""Providers of a program: the pool's decisions and selections, cases and documents, sign-ups, selection rounds
with their committee, and the solution library."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from organisations.models import OrganisationKind
from providers.models import (
    CommitteeSeat,
    CommitteeSheet,
    ConflictDeclaration,
    PoolDecision,
    ProviderCase,
    ProviderDocument,
    ProviderSelection,
    ProviderSignup,
    RoundApplication,
    RoundResult,
    SelectionRound,
    Solution,
    SolutionAward,
)
from tests.factories.base import (
    IndustryFactory,
    OrganisationFactory,
    PoolMembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tests.factories.files import StoredFileFactory
from tests.factories.scoring import SheetTemplateFactory


class PoolDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolDecision

    membership = factory.SubFactory(PoolMembershipFactory)
    kind = "warn"
    reason = "警告理由"
    decided_on = date(2024, 3, 1)
    decided_by = factory.SubFactory(UserFactory)
    status_before = "selected"
    status_after = "warned"


class ProviderSelectionFactory(factory.django.DjangoModelFactory):
    """A provider selected for an industry by a decision of the bureau (a selection comes from a round or one)."""

    class Meta:
        model = ProviderSelection

    membership = factory.SubFactory(PoolMembershipFactory)
    industry = factory.LazyAttribute(lambda o: IndustryFactory(program=o.membership.program))
    decision = factory.LazyAttribute(
        lambda o: PoolDecisionFactory(
            membership=o.membership, kind="admit", status_before="pool", status_after="selected"
        )
    )
    selected_on = date(2024, 6, 1)


class ProviderCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderCase

    membership = factory.SubFactory(PoolMembershipFactory)
    title = factory.Sequence(lambda n: f"案例{n}")
    client = "客户"
    year = 2023


class ProviderDocumentFactory(StoredFileFactory):
    class Meta:
        model = ProviderDocument

    membership = factory.SubFactory(PoolMembershipFactory)
    kind = "qualification"
    original_name = "资质证明.pdf"


class ProviderSignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderSignup

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PROVIDER)
    local_support_staff = 2


class SelectionRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelectionRound
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"遴选{n}")
    opens_on = date(2024, 1, 1)
    closes_on = date(2024, 2, 1)
    template = factory.LazyAttribute(lambda o: SheetTemplateFactory(program=o.program, purpose="selection"))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.industries.set(extracted)


class CommitteeSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSeat

    round = factory.SubFactory(SelectionRoundFactory)
    member = factory.SubFactory(UserFactory)


class RoundApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundApplication
        skip_postgeneration_save = True

    round = factory.SubFactory(SelectionRoundFactory)
    membership = factory.LazyAttribute(lambda o: PoolMembershipFactory(program=o.round.program))
    team = "团队"
    solution = "方案"
    local_support_staff = 1
    applied_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.industries.set(extracted)


class ConflictDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    application = factory.SubFactory(RoundApplicationFactory)
    round = factory.LazyAttribute(lambda o: o.application.round)
    member = factory.SubFactory(UserFactory)
    kind = "other"


class CommitteeSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSheet

    application = factory.SubFactory(RoundApplicationFactory)
    round = factory.LazyAttribute(lambda o: o.application.round)
    member = factory.SubFactory(UserFactory)


class RoundResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundResult

    application = factory.SubFactory(RoundApplicationFactory)
    round = factory.LazyAttribute(lambda o: o.application.round)
    industry = factory.LazyAttribute(lambda o: IndustryFactory(program=o.round.program))


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    membership = factory.LazyAttribute(lambda o: PoolMembershipFactory(program=o.program))
    name = factory.Sequence(lambda n: f"方案{n}")
    description = factory.LazyAttribute(lambda o: f"{o.name}说明")
    deployment = "saas"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.industries.set(extracted)

    @factory.post_generation
    def modules(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.modules.set(extracted)


class SolutionAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolutionAward

    solution = factory.SubFactory(SolutionFactory)
    amount = Decimal("1")
    reference = "r"
    decided_on = date(2025, 1, 1)
    granted_by = factory.SubFactory(UserFactory)
