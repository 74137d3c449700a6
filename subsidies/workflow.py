"""The calculation run's workflow as data, with those of the corrections and awards it carries: for each step, the
states it may start from. Every service of `subsidies.runs` (and the calculation) that changes a run, a payment, a
correction or an award checks here first, under the row's lock (`subsidies.locks`), so a step taken out of turn is
a Conflict naming the state, with nothing written.

    draft  --calculate, recalculate, correct (raise or withdraw a correction in it)-->  draft
    draft  --review-->   reviewed  --return-->  draft
    reviewed  --approve (not by its creator; draws the pools)-->  approved
    approved  --pay (a payment, or the whole remainder)-->  approved | paid (once every funded amount is paid)

A correction is raised active and withdrawn once; an award is granted active and withdrawn once (a project holds
one active award of a kind).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.workflow import Workflow
from subsidies.models import RunStatus as S


class Standing(models.TextChoices):
    """Where a correction or an award stands (its `is_active`)."""

    ACTIVE = "active", pgettext_lazy("correction or award standing", "Active")
    WITHDRAWN = "withdrawn", pgettext_lazy("correction or award standing", "Withdrawn")


def standing(item) -> str:
    return Standing.ACTIVE if item.is_active else Standing.WITHDRAWN


RUN = Workflow(
    noun=_("The calculation run"),
    choices=S,
    steps={
        "calculate": (_("Calculate"), (S.DRAFT,)),
        "recalculate": (_("Calculate again"), (S.DRAFT,)),
        "review": (_("Mark as reviewed"), (S.DRAFT,)),
        "return": (_("Return to draft"), (S.REVIEWED,)),
        "approve": (_("Approve"), (S.REVIEWED,)),
        "pay": (_("Record a payment"), (S.APPROVED,)),
        "correct": (_("Correct an approved line"), (S.DRAFT,)),
    },
)

CORRECTION = Workflow(
    noun=_("The correction"),
    choices=Standing,
    steps={"withdraw": (_("Withdraw the correction"), (Standing.ACTIVE,))},
)

AWARD = Workflow(
    noun=_("The award"),
    choices=Standing,
    steps={"withdraw": (_("Withdraw the award"), (Standing.ACTIVE,))},
)
