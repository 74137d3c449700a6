"""The filing workflow as data: each action, the states it leaves, the state it reaches, who may take it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from filings.models import Status
from portal.core.roles import Role

OPEN_FOR_REVIEW = frozenset({Status.SUBMITTED, Status.RESUBMITTED})
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    needs_comment: bool = False


ACTIONS = {
    action.name: action
    for action in (
        Action("submit", _("Submit"), frozenset({Status.DRAFT}), Status.SUBMITTED, frozenset({Role.ENTERPRISE})),
        Action(
            "resubmit", _("Resubmit"), frozenset({Status.RETURNED}), Status.RESUBMITTED, frozenset({Role.ENTERPRISE})
        ),
        Action("withdraw", _("Withdraw"), EDITABLE | OPEN_FOR_REVIEW, Status.WITHDRAWN, frozenset({Role.ENTERPRISE})),
        Action("approve", _("Approve"), OPEN_FOR_REVIEW, Status.APPROVED, frozenset({Role.BUREAU_REVIEWER})),
        Action(
            "return",
            _("Return for revision"),
            OPEN_FOR_REVIEW,
            Status.RETURNED,
            frozenset({Role.BUREAU_REVIEWER}),
            needs_comment=True,
        ),
        Action(
            "reject",
            _("Reject"),
            OPEN_FOR_REVIEW,
            Status.REJECTED,
            frozenset({Role.BUREAU_REVIEWER}),
            needs_comment=True,
        ),
    )
}


def available_actions(status: str, roles) -> list[Action]:
    """The actions a person with `roles` may take on a filing in `status` (ownership is checked apart)."""
    return [action for action in ACTIONS.values() if status in action.sources and action.roles & set(roles)]
