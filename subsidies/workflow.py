"""The calculation run's workflow as data, with those of the corrections and awards it carries: for each step, the
states it may start from, the states it may reach and who may take it. Every service of `subsidies.runs` (and the
calculation) that changes a run, a payment, a correction or an award checks here first, under the row's lock
(`subsidies.locks`), so a step taken out of turn is a Conflict naming the state, with nothing written; the run's
page and the API list what the caller may do now (`RUN.available`).

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

from portal.core.roles import CAPABILITIES, Capability
from portal.core.workflow import Workflow, step
from subsidies.models import RunStatus as S


class Standing(models.TextChoices):
    """Where a correction or an award stands (its `is_active`)."""

    ACTIVE = "active", pgettext_lazy("correction or award standing", "Active")
    WITHDRAWN = "withdrawn", pgettext_lazy("correction or award standing", "Withdrawn")


def standing(item) -> str:
    return Standing.ACTIVE if item.is_active else Standing.WITHDRAWN


# Who may act: the roles of the capability each service requires.
BUREAU = CAPABILITIES[Capability.RUN_SUBSIDY]
AWARDING = CAPABILITIES[Capability.GRANT_AWARD]

RUN = Workflow(
    name="run",
    noun=_("The calculation run"),
    choices=S,
    steps={
        # the background task's work, queued by creating, recalculating or correcting the draft: no one takes it
        "calculate": step(_("Calculate"), (S.DRAFT,), to=(S.DRAFT,), roles=()),
        "recalculate": step(_("Calculate again"), (S.DRAFT,), to=(S.DRAFT,), roles=BUREAU),
        "review": step(_("Mark as reviewed"), (S.DRAFT,), to=(S.REVIEWED,), roles=BUREAU),
        "return": step(_("Return to draft"), (S.REVIEWED,), to=(S.DRAFT,), roles=BUREAU, needs_comment=True),
        # a large run is approved by a background job: it stays reviewed until the job is done
        "approve": step(_("Approve"), (S.REVIEWED,), to=(S.APPROVED,), roles=BUREAU),
        "pay": step(_("Record a payment"), (S.APPROVED,), to=(S.APPROVED, S.PAID), roles=BUREAU),
        "correct": step(_("Correct an approved line"), (S.DRAFT,), to=(S.DRAFT,), roles=BUREAU, needs_comment=True),
    },
)

CORRECTION = Workflow(
    noun=_("The correction"),
    choices=Standing,
    steps={"withdraw": step(_("Withdraw the correction"), (Standing.ACTIVE,), to=(Standing.WITHDRAWN,), roles=BUREAU)},
)

AWARD = Workflow(
    noun=_("The award"),
    choices=Standing,
    steps={
        "withdraw": step(
            _("Withdraw the award"), (Standing.ACTIVE,), to=(Standing.WITHDRAWN,), roles=AWARDING, needs_comment=True
        )
    },
)
