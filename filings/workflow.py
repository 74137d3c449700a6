"""The filing workflow as data: each action, the states it leaves, the state it reaches, who may take it."""

from django.utils.translation import gettext_lazy as _

from filings.models import Status
from portal.core.roles import Role
from portal.core.workflow import Step, Workflow, step

OPEN_FOR_REVIEW = frozenset({Status.SUBMITTED, Status.RESUBMITTED})
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
ENTERPRISE, REVIEWER = {Role.ENTERPRISE}, {Role.BUREAU_REVIEWER}

FILING = Workflow(
    name="filing",
    noun=_("The filing"),
    choices=Status,
    steps={
        "submit": step(_("Submit"), {Status.DRAFT}, to={Status.SUBMITTED}, roles=ENTERPRISE),
        "resubmit": step(_("Resubmit"), {Status.RETURNED}, to={Status.RESUBMITTED}, roles=ENTERPRISE),
        "withdraw": step(_("Withdraw"), EDITABLE | OPEN_FOR_REVIEW, to={Status.WITHDRAWN}, roles=ENTERPRISE),
        "approve": step(_("Approve"), OPEN_FOR_REVIEW, to={Status.APPROVED}, roles=REVIEWER),
        "return": step(
            _("Return for revision"), OPEN_FOR_REVIEW, to={Status.RETURNED}, roles=REVIEWER, needs_comment=True
        ),
        "reject": step(_("Reject"), OPEN_FOR_REVIEW, to={Status.REJECTED}, roles=REVIEWER, needs_comment=True),
    },
)
ACTIONS = FILING.steps


def available_actions(status: str, roles) -> list[Step]:
    """The actions a person with `roles` may take on a filing in `status` (ownership is checked apart)."""
    return FILING.available(status, roles)
