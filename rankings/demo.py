"""Demo history for the horse race: the demo's published selection rounds dated to each program's first month,
projects of the selected providers accepted since (with ratings and a complaint), and every ended period's
ranking made by the same catch-up the beat job runs; all but the latest period published. Built by `seed_demo`."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from implementation.models import Complaint, ComplaintStatus, ProviderRating
from programs.access import program_access
from programs.models import Program
from providers.models import ProviderSelection, RoundStatus, SelectionRound
from rankings import services
from rankings.models import RankingKind, RankingSnapshot, SnapshotStatus
from subsidies.accepted import ProjectSpec, accepted_projects_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
PREFIX = {"wuyi-2024": "wuyi", "yongkang-2024": "yongkang", "jinhua-pilot": "jinhua"}
TRACK = {"wuyi-2024": {"track": "lightweight", "batch": 2}, "jinhua-pilot": {"track": "pilot", "level": 3}}
SCORES = (Decimal("92.5"), Decimal("86"), Decimal("78.5"), Decimal("71"))


def demo_rankings_build() -> None:
    """Idempotent: a program that has rankings already is left as it is."""
    User = get_user_model()
    today = timezone.localdate()
    for slug, prefix in PREFIX.items():
        program = Program.objects.get(slug=slug)
        if RankingSnapshot.objects.filter(program=program, kind=RankingKind.HORSE_RACE).exists():
            continue
        selected_on = program.starts_on + timedelta(days=30)
        SelectionRound.objects.filter(program=program, status=RoundStatus.PUBLISHED).update(
            opens_on=selected_on - timedelta(days=20), closes_on=selected_on, published_on=selected_on
        )
        ProviderSelection.objects.filter(membership__program=program, round__isnull=False).update(
            selected_on=selected_on
        )
        reviewer = User.objects.get(username=f"{prefix}-reviewer")
        enterprise = User.objects.get(username=f"{prefix}-enterprise")
        span = (today - selected_on).days - 60
        specs, ratings = [], []
        selections = list(
            ProviderSelection.objects.filter(membership__program=program, is_active=True)
            .select_related("membership__organisation", "industry")
            .order_by("membership_id", "industry__code")
        )
        for number, selection in enumerate(selections):
            for index in range(2 + number % 3):
                accepted = selected_on + timedelta(days=45 + (span * (index + 1)) // (4 + number % 3))
                specs.append(
                    ProjectSpec(
                        f"{selection.industry.name}示范企业{number + 1}-{index + 1}",
                        selection.industry.code,
                        datetime(accepted.year, accepted.month, accepted.day, 10, tzinfo=SHANGHAI),
                        provider=selection.membership,
                        score=SCORES[(number + index) % len(SCORES)],
                        n_software=Decimal("200000"),
                        **TRACK.get(slug, {"track": "lightweight"}),
                    )
                )
                ratings.append((accepted, 5 - (number + index) % 3))
        projects = accepted_projects_create(program, specs, actor=reviewer)
        for project, (day, score) in zip(projects, ratings, strict=True):
            rating = ProviderRating.objects.create(application=project, score=score, rated_by=enterprise)
            ProviderRating.objects.filter(pk=rating.pk).update(created_at=_noon(day + timedelta(days=3)))
        if projects:
            complaint = Complaint.objects.create(
                application=projects[-1], text="驻场工程师更换频繁，培训未按合同完成", filed_by=enterprise
            )
            Complaint.objects.filter(pk=complaint.pk).update(
                status=ComplaintStatus.CONFIRMED, decided_by=reviewer, decided_at=_noon(ratings[-1][0])
            )
    services.snapshots_catch_up()
    for slug, prefix in PREFIX.items():
        access = program_access(user=get_user_model().objects.get(username=f"{prefix}-reviewer"), slug=slug)
        earlier = RankingSnapshot.objects.filter(
            program=access.program, kind=RankingKind.HORSE_RACE, status=SnapshotStatus.COMPUTED
        ).order_by("-period_start")[1:]
        for snapshot in earlier:
            services.snapshot_publish(access=access, snapshot=snapshot)


def _noon(day):
    return datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)
