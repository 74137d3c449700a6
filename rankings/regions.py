"""Region rankings, read set-based from a program's data as of a cut-off (scoring.md §4):

- township progress (每月晾晒, Wuyi monthly): per township of the program's county, enterprises planned (the
  target list), filed, approved, completed and accepted, and the completion rate (completed ÷ planned), ranked
  by the completion rate;
- district ranking (季度晾晒, Jinhua quarterly): per county or district of the city, signed pilot projects,
  implementation progress (mean confirmed milestone completion), accepted projects and honours (awards
  granted), normalised and weighted (program weights, equal by default); the top three are marked.

A project counts in the region of its enterprise's township (a township under a district counts for the
district).
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from acceptance.models import PASSED_STATUSES, AcceptanceReview
from enterprises.models import TargetEnterprise
from filings.models import Application, Status
from implementation.models import Milestone
from programs.models import Region
from rankings.horse_race import Group, milestones_reached
from rankings.ranking import Indicator, Subject

OVERALL = ""


def _regions(program):
    """The program region's children, and a function from a township's path to the child holding it."""
    children = list(Region.objects.filter(parent=program.region).order_by("sort_order", "code"))
    by_length = sorted(children, key=lambda region: -len(region.path))

    def holder(path):
        if not path:
            return None
        return next((region.pk for region in by_length if path.startswith(region.path)), None)

    return children, holder


def _rate(part, whole):
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Township:
    INDICATORS = (
        Indicator("planned", "progress", _("Planned (target list)")),
        Indicator("filed", "progress", _("Filed")),
        Indicator("approved", "progress", _("Approved")),
        Indicator("completed", "progress", _("Completed")),
        Indicator("accepted", "progress", _("Accepted")),
        Indicator("completion_rate", "rate", _("Completion rate (%)")),
    )
    DEFAULT_WEIGHTS = {"completion_rate": Decimal(100)}
    OVERALL_NAME = _("All townships")

    @staticmethod
    def groups_as_of(program, cutoff) -> list[Group]:
        children, holder = _regions(program)
        counts = defaultdict(lambda: defaultdict(int))
        for path in TargetEnterprise.objects.filter(program=program, is_active=True, created_at__lt=cutoff).values_list(
            "township__path", flat=True
        ):
            counts[holder(path)]["planned"] += 1
        applications = Application.objects.filter(program=program, submitted_at__lt=cutoff)
        for path, status, decided_at, completed_at in applications.values_list(
            "enterprise__township__path", "status", "decided_at", "completed_at"
        ):
            tally = counts[holder(path)]
            tally["filed"] += 1
            if status == Status.APPROVED and decided_at is not None and decided_at < cutoff:
                tally["approved"] += 1
                tally["completed"] += completed_at is not None and completed_at < cutoff
        for path in AcceptanceReview.objects.filter(
            application__in=applications, status__in=PASSED_STATUSES, decided_at__lt=cutoff
        ).values_list("application__enterprise__township__path", flat=True):
            counts[holder(path)]["accepted"] += 1
        subjects = []
        for region in children:
            tally = counts.get(region.pk, {})
            values = {
                code: Decimal(tally.get(code, 0)) for code in ("planned", "filed", "approved", "completed", "accepted")
            }
            values["completion_rate"] = _rate(values["completed"], values["planned"])
            subjects.append(Subject(region.pk, region.name, values, ranked=bool(values["planned"])))
        return [Group(OVERALL, str(Township.OVERALL_NAME), subjects)]

    @staticmethod
    def marks(placed, scheme, earlier_bottoms) -> dict:
        return {}


class District:
    INDICATORS = (
        Indicator("signed", "district", _("Signed pilot projects")),
        Indicator("progress", "district", _("Implementation progress (%)")),
        Indicator("accepted", "district", _("Accepted projects")),
        Indicator("honours", "district", _("Honours (awards granted)")),
    )
    DEFAULT_WEIGHTS = {"signed": Decimal(25), "progress": Decimal(25), "accepted": Decimal(25), "honours": Decimal(25)}
    OVERALL_NAME = _("All districts")
    COMMENDED = 3

    @staticmethod
    def groups_as_of(program, cutoff) -> list[Group]:
        from subsidies.models import AwardDecision

        children, holder = _regions(program)
        counts = defaultdict(lambda: defaultdict(int))
        percents = defaultdict(list)
        signed = Application.objects.filter(program=program, status=Status.APPROVED, decided_at__lt=cutoff)
        for path in signed.values_list("enterprise__township__path", flat=True):
            counts[holder(path)]["signed"] += 1
        reached = milestones_reached(signed, cutoff)
        for milestone, path in Milestone.objects.filter(application__in=signed, is_active=True).values_list(
            "pk", "application__enterprise__township__path"
        ):
            percents[holder(path)].append(Decimal(reached.get(milestone, 0)))
        for path in AcceptanceReview.objects.filter(
            application__in=signed, status__in=PASSED_STATUSES, decided_at__lt=cutoff
        ).values_list("application__enterprise__township__path", flat=True):
            counts[holder(path)]["accepted"] += 1
        for path in AwardDecision.objects.filter(
            program=program, is_active=True, decided_on__lt=cutoff.date()
        ).values_list("application__enterprise__township__path", flat=True):
            counts[holder(path)]["honours"] += 1
        subjects = []
        for region in children:
            tally = counts.get(region.pk, {})
            found = percents.get(region.pk)
            values = {
                "signed": Decimal(tally.get("signed", 0)),
                "progress": (sum(found) / len(found)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                if found
                else None,
                "accepted": Decimal(tally.get("accepted", 0)),
                "honours": Decimal(tally.get("honours", 0)),
            }
            subjects.append(Subject(region.pk, region.name, values, ranked=bool(values["signed"])))
        return [Group(OVERALL, str(District.OVERALL_NAME), subjects)]

    @staticmethod
    def marks(placed, scheme, earlier_bottoms) -> dict:
        reason = str(_("Top three: commended in the bulletin."))
        return {item.subject.id: reason for item in placed if item.rank is not None and item.rank <= District.COMMENDED}
