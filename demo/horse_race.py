"""Demo history for the horse race: projects of each program's selected providers, filed, approved, implemented,
accepted and announced through the services as their people (`demo.runs.accepted_through_services`) since the
program's first selection round published, each rated by its own enterprise after acceptance and one per program
complained about and the complaint confirmed by the bureau, each step on its day; then every ended period's ranking
made by the same catch-up the beat job runs, all but the latest period published. Built by `seed_demo`."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.activity import SHANGHAI, demo_day
from demo.runs import FILED, PREFIX, accepted_through_services, demo_townships
from filings.models import Application, Status
from implementation.models import Complaint, ProviderRating
from implementation.services import complaint_decide, complaint_file, rating_give
from policies.models import Scale
from programs.access import program_access
from programs.models import Program
from providers.models import ProviderSelection
from rankings import services
from rankings.models import RankingKind, RankingSnapshot, SnapshotStatus
from subsidies.accepted import ProjectSpec

D = Decimal
CITY = {"wuyi-2024": "武义", "yongkang-2024": "永康", "jinhua-pilot": "金华"}
TRADE = {
    "kitchenware": "厨具",
    "power-tools": "电动工具",
    "hardware": "五金",
    "doors": "门业",
    "security-doors": "防盗门",
    "thermos-cups": "保温杯",
    "health-leisure": "健康器材",
    "magnetic-materials": "磁材",
    "garments": "服饰",
}
# What the projects file: the program's main track and amounts (Yongkang's lightweight track takes 300,000 yuan
# or more from enterprises above scale in its three industries; its power-tool makers below scale file SaaS; the
# Jinhua pilot's projects commit to level 3).
FILING = {
    "wuyi-2024": {"track": "lightweight", "n_software": D("200000"), "x_hardware": D("60000")},
    "yongkang-2024": {"track": "lightweight", "n_software": D("300000"), "x_hardware": D("60000")},
    "jinhua-pilot": {"track": "pilot", "n_software": D("600000"), "level": 3},
}
INDUSTRY_FILING = {("yongkang-2024", "power-tools"): {"track": "saas", "scale": Scale.BELOW, "n_software": D("200000")}}
SCORES = (D("92.5"), D("86"), D("78.5"), D("71"))
LOGIN = "race"  # `<prefix>-race<n>`: apart from the calculation runs' `-accepted<n>` and the demo's `-enterprise`
# Days after acceptance: rated, the complaint filed, decided; the latest acceptance is SETTLED days before today,
# so its announcement (30 days) and all these lie in the past.
RATED, COMPLAINED, DECIDED, SETTLED = 3, 4, 9, 40


def _filing_days(program, first: date, last: date) -> list[date]:
    """The days from `first` to `last` on which a filing window of the program is open."""
    windows = [(batch.opens_on, batch.closes_on) for batch in program.batches.all()]
    days = ((first + timedelta(days=n)) for n in range((last - first).days + 1))
    return [day for day in days if any(opens <= day <= closes for opens, closes in windows)]


def _specs(program) -> list[ProjectSpec]:
    """Two projects for every other active selection and one for the rest (with the calculation runs' projects,
    each provider has several), taken in turns so each provider's projects spread over the program's filing
    windows, from a week after its selection to the last day whose acceptance, rating and complaint are past
    today."""
    selections = list(
        ProviderSelection.objects.filter(membership__program=program, is_active=True)
        .select_related("membership", "industry")
        .order_by("membership_id", "industry__code")
    )
    if not selections:
        return []
    counts = [2 - number % 2 for number in range(len(selections))]
    turns = [
        (number, selection)
        for index in range(max(counts))
        for number, selection in enumerate(selections)
        if index < counts[number]
    ]
    first = max(selection.selected_on for selection in selections) + timedelta(days=7)
    days = _filing_days(program, first, timezone.localdate() - timedelta(days=FILED + SETTLED))
    if not days:
        return []
    townships = demo_townships(program)
    specs = []
    for order, (number, selection) in enumerate(turns):
        filed = days[order * (len(days) - 1) // max(len(turns) - 1, 1)]
        industry = selection.industry
        filing = {**FILING[program.slug], **INDUSTRY_FILING.get((program.slug, industry.code), {})}
        specs.append(
            ProjectSpec(
                f"{CITY[program.slug]}{TRADE.get(industry.code, industry.name)}示范{order + 1}号有限公司",
                industry.code,
                datetime.combine(filed + timedelta(days=FILED), time(10), tzinfo=SHANGHAI),
                provider=selection.membership,
                score=SCORES[(number + order) % len(SCORES)],
                township=townships[order % len(townships)],
                **filing,
            )
        )
    return specs


def _race(program) -> None:
    """The program's horse-race projects, rated and one complained about; a project built already (a run that
    stopped half-way) is taken as it is."""
    prefix = PREFIX[program.slug]
    reviewer = program_access(user=get_user_model().objects.get(username=f"{prefix}-reviewer"), slug=program.slug)
    specs = _specs(program)
    for order, spec in enumerate(specs, start=1):
        project = Application.objects.filter(
            program=program, enterprise__organisation__name=spec.enterprise, status=Status.APPROVED
        ).first() or accepted_through_services(program, spec, order, login=LOGIN)
        accepted = spec.decided_at.date()
        enterprise = program_access(user=project.created_by, slug=program.slug)
        complained = order == len(specs)  # the latest project: its enterprise is unhappy with the training
        if not ProviderRating.objects.filter(application=project).exists():
            with demo_day(accepted + timedelta(days=RATED)):
                score = 2 if complained else 5 - order % 3
                comment = "按期上线，服务响应及时" if score >= 4 else "上线略有延迟，培训有待加强"
                rating_give(access=enterprise, application=project, score=score, comment=comment)
        if complained and not Complaint.objects.filter(application=project).exists():
            with demo_day(accepted + timedelta(days=COMPLAINED)):
                complaint = complaint_file(
                    access=enterprise, application=project, text="驻场工程师更换频繁，培训未按合同完成"
                )
            with demo_day(accepted + timedelta(days=DECIDED)):
                complaint_decide(
                    access=reviewer,
                    complaint=complaint,
                    confirm=True,
                    note="经核实，培训课时不足合同约定，计入服务商质量评价",
                )


def demo_rankings_build() -> None:
    """Idempotent: a program that has rankings already is left as it is."""
    for slug in PREFIX:
        program = Program.objects.get(slug=slug)
        if not RankingSnapshot.objects.filter(program=program, kind=RankingKind.HORSE_RACE).exists():
            _race(program)
    services.snapshots_catch_up()
    for slug, prefix in PREFIX.items():
        access = program_access(user=get_user_model().objects.get(username=f"{prefix}-reviewer"), slug=slug)
        earlier = RankingSnapshot.objects.filter(
            program=access.program, kind=RankingKind.HORSE_RACE, status=SnapshotStatus.COMPUTED
        ).order_by("-period_start")[1:]
        for snapshot in earlier:
            services.snapshot_publish(access=access, snapshot=snapshot)
