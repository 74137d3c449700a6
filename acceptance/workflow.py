"""The acceptance review's workflow as data (scoring.md §2): for each action, the states it may start from, the
states it may reach and who may take it. Every service of `acceptance.services` that changes a review checks it
here first (`REVIEW.require`), so a step taken out of turn is a Conflict naming the review's state, with nothing
written; the review's page and the API list what the caller may do now (`REVIEW.available`).

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
from portal.core.roles import CAPABILITIES, Capability
from portal.core.workflow import Workflow, step

SCORING_OPEN = (S.PANEL, S.SCORING)
IN_ANNOUNCEMENT = (S.ANNOUNCING, S.ON_HOLD)

# Who may act: the roles of the capability each service requires.
ENTERPRISE = CAPABILITIES[Capability.REQUEST_ACCEPTANCE]
PROVIDER = CAPABILITIES[Capability.COSIGN_ACCEPTANCE]
BUREAU = CAPABILITIES[Capability.RUN_ACCEPTANCE]
EXPERT = CAPABILITIES[Capability.SCORE_ACCEPTANCE]
AUDITOR = CAPABILITIES[Capability.AUDIT_ACCEPTANCE]

REVIEW = Workflow(
    name="acceptance",
    noun=_("The acceptance review"),
    choices=S,
    steps={
        # the state of the project's latest review that lets the enterprise request acceptance again; the new
        # review starts requested
        "request": step(_("Request acceptance"), (S.FAILED,), to=(S.REQUESTED,), roles=ENTERPRISE),
        "cosign": step(_("Co-sign the request"), (S.REQUESTED,), to=(S.REQUESTED,), roles=PROVIDER),
        "panel_assign": step(_("Assign the panel"), (S.REQUESTED,), to=(S.PANEL,), roles=BUREAU),
        "conflict_declare": step(_("Declare a conflict of interest"), SCORING_OPEN, to=SCORING_OPEN, roles=EXPERT),
        "panel_replace": step(_("Seat another expert"), SCORING_OPEN, to=SCORING_OPEN, roles=BUREAU),
        # the last sheet or the audit, whichever comes last, makes the review audited
        "sheet_save": step(_("Score on the rubric"), SCORING_OPEN, to=(S.SCORING, S.AUDITED), roles=EXPERT),
        "audit_record": step(_("Record the audit"), SCORING_OPEN, to=(*SCORING_OPEN, S.AUDITED), roles=AUDITOR),
        "close": step(_("Close the review"), (S.AUDITED,), to=(S.PASSED, S.FAILED), roles=BUREAU),
        "announce": step(_("Open the announcement"), (S.PASSED,), to=(S.ANNOUNCING,), roles=BUREAU),
        "objection_record": step(
            _("Record an objection"), IN_ANNOUNCEMENT, to=(S.ON_HOLD,), roles=BUREAU, needs_comment=True
        ),
        # upheld: failed; dismissed: on hold while another objection is open, else announcing (announced once
        # its last day is past)
        "objection_resolve": step(
            _("Resolve an objection"),
            (S.ON_HOLD,),
            to=(S.ON_HOLD, S.ANNOUNCING, S.ANNOUNCED, S.FAILED),
            roles=BUREAU,
            needs_comment=True,
        ),
        "conclude": step(_("End the announcement"), (S.ANNOUNCING,), to=(S.ANNOUNCED,), roles=BUREAU),
    },
)
