"""The selection round's workflow as data (scoring.md §1): the states each action on a round may start from.
Every service of `providers.services` that changes a round, its committee, its applications or its sheets checks
it here first (`ROUND.require`), so a step taken out of turn is a Conflict naming the round's state.

    draft  --advance-->  open  --advance-->  scoring  --confirm-->  confirmed  --publish-->  published
"""

from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Workflow
from providers.models import RoundStatus as S

SET_UP = (S.DRAFT, S.OPEN)

ROUND = Workflow(
    noun=_("The selection round"),
    choices=S,
    steps={
        "update": (_("Change the round"), SET_UP),
        "seat": (_("Seat a committee member"), (*SET_UP, S.SCORING)),
        "unseat": (_("Unseat a committee member"), SET_UP),
        "advance": (_("Move the round on"), SET_UP),
        "apply": (_("Apply"), (S.OPEN,)),
        "withdraw": (_("Withdraw the application"), (S.OPEN,)),
        "conflict_declare": (_("Declare a conflict of interest"), (S.OPEN, S.SCORING)),
        "sheet_save": (_("Score an applicant"), (S.SCORING,)),
        "confirm": (_("Confirm the result"), (S.SCORING,)),
        "publish": (_("Publish the result"), (S.CONFIRMED,)),
    },
)

# Where `advance` takes a round.
NEXT_STATUS = {S.DRAFT: S.OPEN, S.OPEN: S.SCORING}
