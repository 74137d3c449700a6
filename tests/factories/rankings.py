"""Rankings: a program's schemes, snapshots of a period with their entries, bulletins, KPI targets."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from rankings.models import BulletinFile, BulletinJob, KpiTarget, RankingEntry, RankingScheme, RankingSnapshot
from tests.factories.base import ProgramFactory, UserFactory
from tests.factories.files import StoredFileFactory


class RankingSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingScheme
        django_get_or_create = ("program", "kind")

    program = factory.SubFactory(ProgramFactory)
    kind = "horse_race"
    period = "monthly"
    weights = factory.LazyFunction(lambda: {"contracts": "100"})


class RankingSnapshotFactory(factory.django.DjangoModelFactory):
    """A horse race of July 2024, monthly, cut off on 1 August."""

    class Meta:
        model = RankingSnapshot

    program = factory.SubFactory(ProgramFactory)
    kind = "horse_race"
    period_start = date(2024, 7, 1)
    period_end = date(2024, 7, 31)
    cutoff = datetime(2024, 8, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    scheme = factory.LazyFunction(
        lambda: {"period": "monthly", "weights": {"contracts": "100"}, "publish_details": False}
    )


class RankingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingEntry

    snapshot = factory.SubFactory(RankingSnapshotFactory)
    group = ""
    group_name = "全部行业"
    subject_id = factory.Sequence(lambda n: n + 1)
    subject_name = factory.LazyAttribute(lambda o: f"服务商{o.subject_id}")
    values = factory.LazyFunction(lambda: {"contracts": "1"})
    normalised = factory.LazyFunction(lambda: {"contracts": "1.0000"})
    score = Decimal("100.00")
    rank = 1


class BulletinJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BulletinJob

    snapshot = factory.SubFactory(RankingSnapshotFactory)
    requested_by = factory.SubFactory(UserFactory)


class BulletinFileFactory(StoredFileFactory):
    class Meta:
        model = BulletinFile

    snapshot = factory.SubFactory(RankingSnapshotFactory)
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    original_name = "赛马通报.pdf"


class KpiTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiTarget

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"kpi-{n}")
    label = factory.LazyAttribute(lambda o: f"绩效指标 {o.code}")
    unit = "家"
    year = 2025
    target = Decimal("9")
