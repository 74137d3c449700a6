"""The workflows kept as data (acceptance reviews, selection rounds, calculation runs with their corrections and
awards, filings): every state a step names is one of the object's states and every role one of the program's;
where each step leads and who may take it, pinned here for whoever reads the spec; what a person may do now
(`available`) for concrete roles and states; and the template tag pages read it through.

That each service refuses a step out of turn, and leaves the object in one of the step's targets when it takes
it, is tests/test_state_matrix.py's and tests/test_run_state_matrix.py's work (every state × every action)."""

import pytest
from django.template import Context, Template

from acceptance.models import ReviewStatus
from acceptance.workflow import REVIEW
from filings.models import Status
from filings.workflow import ACTIONS, FILING, available_actions
from portal.core.roles import Role
from portal.core.workflow import Workflow, step, workflow_named
from programs.access import ProgramAccess
from providers.models import RoundStatus
from providers.workflow import NEXT_STATUS, ROUND
from samples.models import LIVE_SAMPLE_STATUSES
from samples.models import SampleStatus as P
from samples.workflow import SAMPLE
from subsidies.models import RunStatus
from subsidies.workflow import AWARD, CORRECTION, RUN, Standing

S, R, U = ReviewStatus, RoundStatus, RunStatus
WORKFLOWS = {
    "acceptance": REVIEW,
    "round": ROUND,
    "run": RUN,
    "correction": CORRECTION,
    "award": AWARD,
    "filing": FILING,
    "sample": SAMPLE,
}
BUREAU = {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}


def names(steps):
    return [spec.name for spec in steps]


@pytest.mark.parametrize("workflow", WORKFLOWS.values(), ids=WORKFLOWS.keys())
def test_every_state_and_role_a_step_names_is_real(workflow):
    states, roles = set(workflow.choices.values), set(Role.values)
    for action, spec in workflow.steps.items():
        assert spec.name == action
        assert spec.sources and spec.sources <= states, action
        assert spec.targets and spec.targets <= states, action
        assert spec.roles <= roles, action


def test_a_table_naming_an_unknown_state_or_role_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(noun="x", choices=U, steps={"go": step("Go", [U.DRAFT], to=["nowhere"], roles=[])})
    with pytest.raises(ValueError, match="unknown roles"):
        Workflow(noun="x", choices=U, steps={"go": step("Go", [U.DRAFT], to=[U.REVIEWED], roles=["mayor"])})
    with pytest.raises(ValueError, match="already declared"):
        Workflow(name="run", noun="x", choices=U, steps={})


def test_the_pages_find_each_workflow_by_its_name():
    assert [workflow_named(name) for name in ("acceptance", "round", "run", "filing", "sample")] == [
        REVIEW,
        ROUND,
        RUN,
        FILING,
        SAMPLE,
    ]
    with pytest.raises(LookupError, match="no workflow named 'pilot'"):
        workflow_named("pilot")


# Where each step leads and who takes it: the tables, pinned ----------------------------------------------------


@pytest.mark.parametrize(
    ("workflow", "expected"),
    [
        (
            REVIEW,
            {
                "request": ({S.REQUESTED}, {Role.ENTERPRISE}),
                "cosign": ({S.REQUESTED}, {Role.PROVIDER}),
                "panel_assign": ({S.PANEL}, {Role.BUREAU_REVIEWER}),
                "conflict_declare": ({S.PANEL, S.SCORING}, {Role.EXPERT}),
                "panel_replace": ({S.PANEL, S.SCORING}, {Role.BUREAU_REVIEWER}),
                "sheet_save": ({S.SCORING, S.AUDITED}, {Role.EXPERT}),
                "audit_record": ({S.PANEL, S.SCORING, S.AUDITED}, {Role.FINANCIAL_AUDITOR}),
                "close": ({S.PASSED, S.FAILED}, {Role.BUREAU_REVIEWER}),
                "announce": ({S.ANNOUNCING}, {Role.BUREAU_REVIEWER}),
                "objection_record": ({S.ON_HOLD}, {Role.BUREAU_REVIEWER}),
                "objection_resolve": ({S.ON_HOLD, S.ANNOUNCING, S.ANNOUNCED, S.FAILED}, {Role.BUREAU_REVIEWER}),
                "conclude": ({S.ANNOUNCED}, {Role.BUREAU_REVIEWER}),
            },
        ),
        (
            ROUND,
            {
                "update": ({R.DRAFT, R.OPEN}, BUREAU),
                "seat": ({R.DRAFT, R.OPEN, R.SCORING}, BUREAU),
                "unseat": ({R.DRAFT, R.OPEN}, BUREAU),
                "advance": ({R.OPEN, R.SCORING}, BUREAU),
                "apply": ({R.OPEN}, {Role.PROVIDER}),
                "withdraw": ({R.OPEN}, {Role.PROVIDER}),
                "conflict_declare": ({R.OPEN, R.SCORING}, {Role.COMMITTEE_MEMBER}),
                "sheet_save": ({R.SCORING}, {Role.COMMITTEE_MEMBER}),
                "confirm": ({R.CONFIRMED}, BUREAU),
                "publish": ({R.PUBLISHED}, BUREAU),
            },
        ),
        (
            RUN,
            {
                "calculate": ({U.DRAFT}, set()),  # the background task's: no one takes it by hand
                "recalculate": ({U.DRAFT}, {Role.BUREAU_REVIEWER}),
                "review": ({U.REVIEWED}, {Role.BUREAU_REVIEWER}),
                "return": ({U.DRAFT}, {Role.BUREAU_REVIEWER}),
                "approve": ({U.APPROVED}, {Role.BUREAU_REVIEWER}),
                "pay": ({U.APPROVED, U.PAID}, {Role.BUREAU_REVIEWER}),
                "correct": ({U.DRAFT}, {Role.BUREAU_REVIEWER}),
            },
        ),
        (CORRECTION, {"withdraw": ({Standing.WITHDRAWN}, {Role.BUREAU_REVIEWER})}),
        (AWARD, {"withdraw": ({Standing.WITHDRAWN}, {Role.BUREAU_REVIEWER})}),
        (
            FILING,
            {
                "submit": ({Status.SUBMITTED}, {Role.ENTERPRISE}),
                "resubmit": ({Status.RESUBMITTED}, {Role.ENTERPRISE}),
                "withdraw": ({Status.WITHDRAWN}, {Role.ENTERPRISE}),
                "approve": ({Status.APPROVED}, {Role.BUREAU_REVIEWER}),
                "return": ({Status.RETURNED}, {Role.BUREAU_REVIEWER}),
                "reject": ({Status.REJECTED}, {Role.BUREAU_REVIEWER}),
            },
        ),
        (
            SAMPLE,
            {
                "cosign": ({P.COSIGNED}, {Role.PROVIDER}),
                "check_record": ({P.CHECKED}, {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
                "designate": ({P.DESIGNATED}, {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
                "decline": ({P.DECLINED}, {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
                "withdraw": ({P.WITHDRAWN}, {Role.ENTERPRISE, Role.PROVIDER}),
                "photo_add": (set(LIVE_SAMPLE_STATUSES), {Role.ENTERPRISE}),
                "photo_remove": (set(LIVE_SAMPLE_STATUSES), {Role.ENTERPRISE}),
            },
        ),
    ],
    ids=["acceptance", "round", "run", "correction", "award", "filing", "sample"],
)
def test_where_each_step_leads_and_who_takes_it(workflow, expected):
    assert {action: (set(spec.targets), set(spec.roles)) for action, spec in workflow.steps.items()} == expected


def test_advancing_a_round_goes_where_the_table_says():
    assert set(NEXT_STATUS) == ROUND.sources("advance")
    assert set(NEXT_STATUS.values()) == ROUND.targets("advance")


def test_the_steps_that_need_a_comment():
    needs = {name: sorted(a for a, spec in w.steps.items() if spec.needs_comment) for name, w in WORKFLOWS.items()}
    assert needs == {
        "acceptance": ["objection_record", "objection_resolve"],
        "round": ["unseat"],
        "run": ["correct", "return"],
        "correction": [],
        "award": ["withdraw"],
        "filing": ["reject", "return"],
        "sample": ["decline", "withdraw"],
    }


# What a person may do now ---------------------------------------------------------------------------------------


def test_what_each_person_may_do_on_an_acceptance_review():
    assert names(REVIEW.available(S.REQUESTED, {Role.BUREAU_REVIEWER})) == ["panel_assign"]
    assert names(REVIEW.available(S.REQUESTED, {Role.PROVIDER})) == ["cosign"]
    assert names(REVIEW.available(S.REQUESTED, {Role.ENTERPRISE})) == []
    assert names(REVIEW.available(S.FAILED, {Role.ENTERPRISE})) == ["request"]
    assert names(REVIEW.available(S.SCORING, {Role.EXPERT})) == ["conflict_declare", "sheet_save"]
    assert names(REVIEW.available(S.SCORING, {Role.EXPERT, Role.BUREAU_REVIEWER})) == [
        "conflict_declare",
        "panel_replace",
        "sheet_save",
    ]
    assert names(REVIEW.available(S.ON_HOLD, {Role.BUREAU_REVIEWER})) == ["objection_record", "objection_resolve"]
    assert names(REVIEW.available(S.AUDITED, {Role.BUREAU_ADMIN, Role.SUPERVISOR, Role.AUDITOR})) == []


def test_what_each_person_may_do_on_a_selection_round():
    assert names(ROUND.available(R.OPEN, {Role.BUREAU_ADMIN})) == ["update", "seat", "unseat", "advance"]
    assert names(ROUND.available(R.OPEN, {Role.PROVIDER})) == ["apply", "withdraw"]
    assert names(ROUND.available(R.OPEN, {Role.COMMITTEE_MEMBER})) == ["conflict_declare"]
    assert names(ROUND.available(R.SCORING, {Role.BUREAU_REVIEWER})) == ["seat", "confirm"]
    assert names(ROUND.available(R.SCORING, {Role.COMMITTEE_MEMBER})) == ["conflict_declare", "sheet_save"]
    assert names(ROUND.available(R.PUBLISHED, {Role.BUREAU_REVIEWER, Role.COMMITTEE_MEMBER})) == []


def test_what_each_person_may_do_on_a_calculation_run():
    assert names(RUN.available(U.DRAFT, {Role.BUREAU_REVIEWER})) == ["recalculate", "review", "correct"]
    assert names(RUN.available(U.REVIEWED, {Role.BUREAU_REVIEWER})) == ["return", "approve"]
    assert names(RUN.available(U.APPROVED, {Role.BUREAU_REVIEWER})) == ["pay"]
    assert names(RUN.available(U.PAID, {Role.BUREAU_REVIEWER})) == []
    assert names(RUN.available(U.REVIEWED, {Role.BUREAU_ADMIN, Role.AUDITOR})) == []
    assert names(CORRECTION.available(Standing.ACTIVE, {Role.BUREAU_REVIEWER})) == ["withdraw"]
    assert names(AWARD.available(Standing.WITHDRAWN, {Role.BUREAU_REVIEWER})) == []


def test_what_each_person_may_do_on_a_filing():
    assert ACTIONS is FILING.steps
    assert names(available_actions(Status.SUBMITTED, {Role.BUREAU_REVIEWER})) == ["approve", "return", "reject"]
    assert names(available_actions(Status.SUBMITTED, {Role.ENTERPRISE})) == ["withdraw"]
    assert names(available_actions(Status.DRAFT, {Role.ENTERPRISE})) == ["submit", "withdraw"]
    assert names(available_actions(Status.APPROVED, set(Role.values))) == []
    assert ACTIONS["return"].target == Status.RETURNED and ACTIONS["return"].needs_comment


def test_a_page_reads_the_actions_through_the_template_tag():
    page = Template('{% load workflow %}{% workflow_actions run "run" as actions %}{{ actions|join:"," }}')

    def shown(status, *roles):
        access = ProgramAccess(program=None, user=None, roles=frozenset(roles))
        return page.render(Context({"access": access, "run": RunStatusHolder(status)}))

    assert shown(U.REVIEWED, Role.BUREAU_REVIEWER) == "return,approve"
    assert shown(U.REVIEWED, Role.AUDITOR) == ""


class RunStatusHolder:
    def __init__(self, status):
        self.status = status
