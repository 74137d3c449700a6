"""The horse race's indicators per selected provider, read set-based from the program's data as of a cut-off:
a handful of bulk queries, aggregated per (provider, industry) in memory. None is typed in by hand.

progress (进度): contracts signed (approved filings), in implementation, completed, accepted, mean milestone
completion (confirmed progress), share of projects not overdue;
quality (质量): acceptance pass rate, mean acceptance score, enterprise satisfaction (1–5), confirmed complaints,
rectification requests of the supervision firm open at the cut-off (requested before it, not closed before it).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from acceptance.models import PASSED_STATUSES, AcceptanceReview, ReviewStatus
from filings.models import Application, Status
from implementation.models import ComplaintStatus, Milestone, PostStatus, ProgressPost
from providers.models import ProviderSelection
from rankings import ranking
from rankings.ranking import Indicator, Subject
from supervision.models import Rectification

INDICATORS = (
    Indicator("contracts", "progress", _("Contracts signed")),
    Indicator("implementing", "progress", _("In implementation")),
    Indicator("completed", "progress", _("Completed")),
    Indicator("accepted", "progress", _("Accepted")),
    Indicator("milestones", "progress", _("Mean milestone completion (%)")),
    Indicator("on_time", "progress", _("Not overdue (%)")),
    Indicator("pass_rate", "quality", _("Acceptance pass rate (%)")),
    Indicator("mean_score", "quality", _("Mean acceptance score")),
    Indicator("satisfaction", "quality", _("Enterprise satisfaction (1–5)")),
    Indicator("complaints", "quality", _("Confirmed complaints"), higher_is_better=False),
    Indicator("rectifications", "quality", _("Open rectification requests"), higher_is_better=False),
)
GROUP_SHARES = {"progress": Decimal("50"), "quality": Decimal("50")}
OVERALL = ""


def _mean(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class _Tally:
    contracts: int = 0
    implementing: int = 0
    completed: int = 0
    overdue: int = 0
    accepted: int = 0
    failed: int = 0
    scores: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    ratings: list = field(default_factory=list)
    complaints: int = 0
    rectifications: int = 0

    def values(self) -> dict:
        return {
            "contracts": Decimal(self.contracts),
            "implementing": Decimal(self.implementing),
            "completed": Decimal(self.completed),
            "accepted": Decimal(self.accepted),
            "milestones": _mean(self.milestones),
            "on_time": _share(self.contracts - self.overdue, self.contracts),
            "pass_rate": _share(self.accepted, self.accepted + self.failed),
            "mean_score": _mean(self.scores),
            "satisfaction": _mean(self.ratings),
            "complaints": Decimal(self.complaints),
            "rectifications": Decimal(self.rectifications),
        }


@dataclass(frozen=True)
class Group:
    code: str  # industry code, or "" for the overall ranking
    name: str
    subjects: list


def groups_as_of(program, cutoff, overall_name) -> list[Group]:
    """The overall group and one group per industry, each with the providers selected for it (a provider's
    figures in an industry group count its projects of that industry)."""
    selections = list(
        ProviderSelection.objects.filter(membership__program=program, is_active=True, selected_on__lt=cutoff.date())
        .values_list("membership_id", "membership__organisation__name", "industry__code", "industry__name")
        .order_by("industry__code", "membership__organisation__name")
    )
    tallies = _tallies(program, cutoff)
    industries = {}
    names = {}
    for membership, name, code, industry_name in selections:
        industries.setdefault(code, (industry_name, []))[1].append(membership)
        names[membership] = name
    groups = [Group(OVERALL, overall_name, _subjects(sorted(names), names, tallies, OVERALL))]
    for code, (industry_name, members) in industries.items():
        groups.append(Group(code, industry_name, _subjects(members, names, tallies, code)))
    return groups


def _subjects(members, names, tallies, code):
    subjects = []
    for membership in members:
        tally = tallies.get((membership, code), _Tally())
        subjects.append(Subject(membership, names[membership], tally.values(), ranked=tally.contracts > 0))
    return subjects


def milestones_reached(applications, cutoff) -> dict:
    """{milestone id: the highest progress the enterprise confirmed before `cutoff`} for `applications`: the lead
    contractor's posts on the whole project, not a subcontractor's on its part."""
    confirmed = ProgressPost.objects.filter(status=PostStatus.CONFIRMED, responded_at__lt=cutoff)
    return dict(
        confirmed.filter(application__in=applications, subcontract__isnull=True)
        .values("milestone_id")
        .annotate(best=Max("percent"))
        .values_list("milestone_id", "best")
    )


def _tallies(program, cutoff) -> dict:
    """{(provider membership id, industry code or OVERALL): _Tally} as of `cutoff`."""
    tallies = defaultdict(_Tally)

    def add(membership, industry, apply):
        for key in ((membership, industry), (membership, OVERALL)):
            apply(tallies[key])

    signed = Application.objects.filter(
        program=program, provider__isnull=False, status=Status.APPROVED, decided_at__lt=cutoff
    )
    today = cutoff.date()
    for membership, industry, completed_at, deadline in signed.values_list(
        "provider_id", "enterprise__industry__code", "completed_at", "implementation_deadline"
    ):
        done = completed_at is not None and completed_at < cutoff
        late = not done and deadline is not None and deadline < today

        def count(tally, done=done, late=late):
            tally.contracts += 1
            tally.completed += done
            tally.implementing += not done
            tally.overdue += late

        add(membership, industry, count)

    reached = milestones_reached(signed, cutoff)
    for milestone, membership, industry in Milestone.objects.filter(application__in=signed, is_active=True).values_list(
        "pk", "application__provider_id", "application__enterprise__industry__code"
    ):
        percent = Decimal(reached.get(milestone, 0))
        add(membership, industry, lambda tally, percent=percent: tally.milestones.append(percent))

    for membership, industry, status, score in (
        AcceptanceReview.objects.filter(application__in=signed, decided_at__lt=cutoff)
        .filter(Q(status__in=PASSED_STATUSES) | Q(status=ReviewStatus.FAILED))
        .values_list("application__provider_id", "application__enterprise__industry__code", "status", "score")
    ):

        def review(tally, passed=status in PASSED_STATUSES, score=score):
            tally.accepted += passed
            tally.failed += not passed
            if score is not None:
                tally.scores.append(score)

        add(membership, industry, review)

    for membership, industry, score in Application.objects.filter(
        pk__in=signed.values("pk"), rating__created_at__lt=cutoff
    ).values_list("provider_id", "enterprise__industry__code", "rating__score"):
        add(membership, industry, lambda tally, score=score: tally.ratings.append(Decimal(score)))

    for membership, industry in Application.objects.filter(
        pk__in=signed.values("pk"),
        complaints__status=ComplaintStatus.CONFIRMED,
        complaints__decided_at__lt=cutoff,
    ).values_list("provider_id", "enterprise__industry__code"):

        def complain(tally):
            tally.complaints += 1

        add(membership, industry, complain)

    # Open at the cut-off: requested before it and not closed before it (closing is final, so `closed_at` says when).
    for membership, industry in (
        Rectification.objects.filter(application__in=signed.values("pk"), created_at__lt=cutoff)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
        .values_list("application__provider_id", "application__enterprise__industry__code")
    ):

        def rectify(tally):
            tally.rectifications += 1

        add(membership, industry, rectify)
    return tallies


class HorseRace:
    """The horse race as a ranking kind: its indicators, default weights, groups and marks (the dynamic list)."""

    INDICATORS = INDICATORS
    OVERALL_NAME = _("All industries")
    DEFAULT_WEIGHTS = ranking.default_weights(INDICATORS, GROUP_SHARES)

    @staticmethod
    def groups_as_of(program, cutoff) -> list[Group]:
        return groups_as_of(program, cutoff, str(HorseRace.OVERALL_NAME))

    @staticmethod
    def marks(placed, scheme, earlier_bottoms) -> dict:
        """{provider: why} for the providers in the last places for the scheme's number of periods running."""
        ranks = [(item.subject.id, item.rank) for item in placed if item.rank is not None]
        found = ranking.flagged(ranking.bottom(ranks, scheme.bottom_n), earlier_bottoms, scheme.bottom_periods)
        reason = str(_("In the last %(places)s places for %(periods)s periods running.")) % {
            "places": scheme.bottom_n,
            "periods": scheme.bottom_periods,
        }
        return dict.fromkeys(found, reason)
