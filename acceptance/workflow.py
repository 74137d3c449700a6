"""The acceptance review's workflow as data (scoring.md §2): the states each action may start from. Every service
of `acceptance.services` that changes a review checks it here first (`REVIEW.require`), so a step taken out of
turn is a Conflict naming the review's state, with nothing written.

    requested  --cosign (provider), panel_assign (bureau)-->           panel
    panel, scoring  --sheet_save (expert), audit_record (auditor)-->    scoring → audited
    audited  --close (bureau)-->                                        passed | failed
    passed  --announce (bureau)-->                                      announcing
    announcing, on_hold  --objection_record (bureau)-->                 on_hold
    on_hold  --objection_resolve (bureau)-->                            announcing | failed
    announcing  --conclude (bureau, once the last day is past)-->       announced
    failed  --request (enterprise): a new review of the same project
"""

from django.utils.translation import gettext_lazy as _

from acceptance.models import ReviewStatus as S
from portal.core.workflow import Workflow

SCORING_OPEN = (S.PANEL, S.SCORING)
IN_ANNOUNCEMENT = (S.ANNOUNCING, S.ON_HOLD)

REVIEW = Workflow(
    noun=_("The acceptance review"),
    choices=S,
    steps={
        # the state of the project's latest review that lets the enterprise request acceptance again
        "request": (_("Request acceptance"), (S.FAILED,)),
        "cosign": (_("Co-sign the request"), (S.REQUESTED,)),
        "panel_assign": (_("Assign the panel"), (S.REQUESTED,)),
        "conflict_declare": (_("Declare a conflict of interest"), SCORING_OPEN),
        "panel_replace": (_("Seat another expert"), SCORING_OPEN),
        "sheet_save": (_("Score on the rubric"), SCORING_OPEN),
        "audit_record": (_("Record the audit"), SCORING_OPEN),
        "close": (_("Close the review"), (S.AUDITED,)),
        "announce": (_("Open the announcement"), (S.PASSED,)),
        "objection_record": (_("Record an objection"), IN_ANNOUNCEMENT),
        "objection_resolve": (_("Resolve an objection"), (S.ON_HOLD,)),
        "conclude": (_("End the announcement"), (S.ANNOUNCING,)),
    },
)
