"""Program A's rankings for the isolation walker."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.factories import (
    BulletinFileFactory,
    BulletinJobFactory,
    KpiTargetFactory,
    RankingEntryFactory,
    RankingSnapshotFactory,
)


def ranking_objects(program, provider, actor) -> list[str]:
    """A horse-race snapshot of program A with an entry, a bulletin job and its PDF, and a KPI target."""
    snapshot = RankingSnapshotFactory(
        program=program,
        kind="horse_race",
        period_start=date(2024, 7, 1),
        period_end=date(2024, 7, 31),
        cutoff=datetime(2024, 8, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
        scheme={"period": "monthly", "weights": {"contracts": "100"}, "publish_details": False},
        status="published",
    )
    RankingEntryFactory(
        snapshot=snapshot,
        group="",
        group_name="ZZA全部行业",
        subject_id=provider.pk,
        subject_name=provider.organisation.name,
        values={"contracts": "7"},
        normalised={"contracts": "1.0000"},
        score=Decimal("77.77"),
        rank=1,
        flag_reason="ZZA动态管理原因",
        flagged=True,
    )
    job = BulletinJobFactory(snapshot=snapshot, requested_by=actor, status="done", progress=100)
    bulletin = BulletinFileFactory(
        snapshot=snapshot,
        fingerprint="0" * 64,
        original_name="ZZA赛马通报.pdf",
        content_type="application/pdf",
        size=17,
        sha256="0" * 64,
        uploaded_by=actor,
        filename="zza-bulletin.pdf",
        content=b"%PDF-ZZABULLETIN\n",
    )
    job.bulletin = bulletin
    job.save()
    KpiTargetFactory(program=program, code="zza-kpi", label="ZZA绩效指标", unit="家", year=2025, target=9)
    return ["ZZA全部行业", "ZZA动态管理原因", "ZZA赛马通报", "ZZABULLETIN", "ZZA绩效指标"]
