"""The selection round's workflow as data (scoring.md §1): for each action on a round, the states it may start
from, the states it may reach and who may take it. Every service of `providers.services` that changes a round, its
committee, its applications or its sheets checks it here first (`ROUND.require`), so a step taken out of turn is a
Conflict naming the round's state; the round's page and the API list what the caller may do now
(`ROUND.available`).

    draft  --advance-->  open  --advance-->  scoring  --confirm-->  confirmed  --publish-->  published
"""

from django.utils.translation import gettext_lazy as _

from portal.core.roles import CAPABILITIES, Capability
from portal.core.workflow import Workflow, step
from providers.models import RoundStatus as S

SET_UP = (S.DRAFT, S.OPEN)

# Who may act: the roles of the capability each service requires.
BUREAU = CAPABILITIES[Capability.RUN_SELECTION]
PROVIDER = CAPABILITIES[Capability.APPLY_SELECTION]
MEMBER = CAPABILITIES[Capability.SCORE_SELECTION]

# Where `advance` takes a round.
NEXT_STATUS = {S.DRAFT: S.OPEN, S.OPEN: S.SCORING}

ROUND = Workflow(
    name="round",
    noun=_("The selection round"),
    choices=S,
    steps={
        "update": step(_("Change the round"), SET_UP, to=SET_UP, roles=BUREAU),
        "seat": step(_("Seat a committee member"), (*SET_UP, S.SCORING), to=(*SET_UP, S.SCORING), roles=BUREAU),
        "unseat": step(_("Unseat a committee member"), SET_UP, to=SET_UP, roles=BUREAU, needs_comment=True),
        "advance": step(_("Move the round on"), SET_UP, to=NEXT_STATUS.values(), roles=BUREAU),
        "apply": step(_("Apply"), (S.OPEN,), to=(S.OPEN,), roles=PROVIDER),
        "withdraw": step(_("Withdraw the application"), (S.OPEN,), to=(S.OPEN,), roles=PROVIDER),
        "conflict_declare": step(
            _("Declare a conflict of interest"), (S.OPEN, S.SCORING), to=(S.OPEN, S.SCORING), roles=MEMBER
        ),
        "sheet_save": step(_("Score an applicant"), (S.SCORING,), to=(S.SCORING,), roles=MEMBER),
        "confirm": step(_("Confirm the result"), (S.SCORING,), to=(S.CONFIRMED,), roles=BUREAU),
        "publish": step(_("Publish the result"), (S.CONFIRMED,), to=(S.PUBLISHED,), roles=BUREAU),
    },
)
