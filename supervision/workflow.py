"""Supervision's workflows as data: the states of the project a firm is assigned to and inspects, and of a
rectification request. Every service of `supervision.services` checks them here before it writes, so a step
taken out of turn is a Conflict naming the state.

    open  --answer (provider)-->  answered  --close (firm)-->  closed
                                  answered  --reopen (firm)-->  open
    open, answered  --waive (bureau): the request stops blocking the acceptance request
"""

from django.utils.translation import gettext_lazy as _

from filings.models import Status
from portal.core.workflow import Workflow
from supervision.models import RectificationStatus as R

# The project (an N+X filing) is supervised while it is approved and being implemented.
PROJECT = Workflow(
    noun=_("The project"),
    choices=Status,
    steps={
        "assign": (_("Assign a supervision firm"), (Status.APPROVED,)),
        "inspect": (_("Record an inspection"), (Status.APPROVED,)),
    },
)

RECTIFICATION = Workflow(
    noun=_("The rectification request"),
    choices=R,
    steps={
        "answer": (_("Answer"), (R.OPEN,)),
        "close": (_("Close"), (R.ANSWERED,)),
        "reopen": (_("Send back"), (R.ANSWERED,)),
        "waive": (_("Waive for the acceptance request"), (R.OPEN, R.ANSWERED)),
    },
)
