"""What the money pages share: labels, how many rows they show, their URLs, a line's payment state."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy

from subsidies.calculation import Stage
from subsidies.models import FUNDING_SOURCES, FundingSource, JobStatus
from subsidies.selectors import payment_state

ZERO = Decimal("0.00")
BUSY = (JobStatus.QUEUED, JobStatus.RUNNING)
EXCLUSIONS_SHOWN = 100
CARRIED_SHOWN = 200
WHAT_IF_ROWS = 100
LEDGER_JOBS_SHOWN = 10

STAGE_LABELS = {
    Stage.NOT_ANNOUNCED: gettext_lazy("Not announced yet"),
    Stage.ANNOUNCING: gettext_lazy("In public announcement"),
    Stage.ON_HOLD: gettext_lazy("On hold"),
    Stage.NO_AUDIT: gettext_lazy("No financial audit"),
    Stage.POLICY: gettext_lazy("The policy cannot evaluate it"),
    Stage.INELIGIBLE: gettext_lazy("Not eligible"),
}
ACTION_LABELS = {
    "create": gettext_lazy("Created"),
    "review": gettext_lazy("Marked as reviewed"),
    "return": gettext_lazy("Returned to draft"),
    "approve": gettext_lazy("Approved"),
    "paid": gettext_lazy("Paid in full"),
}
AMOUNT_LABELS = {
    "subsidy": gettext_lazy("Subsidy"),
    "awards": gettext_lazy("Awards"),
    "total": gettext_lazy("Total"),
    **{source: FundingSource(source).label for source in FUNDING_SOURCES},
}


def run_url(access, run, name="subsidies:run") -> str:
    return reverse(name, kwargs={"program": access.program.slug, "run": run.pk})


def line_url(access, line) -> str:
    return reverse("subsidies:line", kwargs={"program": access.program.slug, "run": line.run_id, "line": line.pk})


def payment_status(line) -> tuple[str, str]:
    """(code, label) of what has been paid on a line, as the ledger says it: against what the pools funded, at
    the line's approval and later."""
    return payment_state(line.total - line.unfunded + line.funded_later, line.paid)


def money_text(value):
    return None if value in (None, "") else Decimal(value)
