"""Every (state × action) pair of the workflows kept as data: acceptance reviews, selection rounds, sample
applications, supervision (projects and rectification requests) and ranking snapshots.

Each object is first made ready for the action in every other respect (the actor's role and seat, the rows the
action needs), then put in the state under test. An allowed pair writes, and leaves an acceptance review or a
selection round in one of the states its step names as targets; a refused pair raises Conflict (409) and leaves the
object, its history and its related rows exactly as they were. Taking a state check out of a service makes the
refused pairs of that action fail here; widening a table makes the pinned tables below fail."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acceptance import services as acceptance
from acceptance.models import (
    AcceptanceReview,
    ExpertConflict,
    ExpertSeat,
    ExpertSheet,
    FinancialAudit,
    Objection,
    ReviewStatus,
    ReviewTransition,
)
from acceptance.workflow import REVIEW
from demo.activity import demo_png
from filings.models import Application, Status
from portal.core.errors import Conflict
from portal.core.roles import Role
from programs.models import Industry, Program
from providers import services as providers
from providers.models import (
    CommitteeSeat,
    CommitteeSheet,
    ConflictDeclaration,
    RoundApplication,
    RoundResult,
    RoundStatus,
    SelectionRound,
)
from providers.workflow import ROUND
from rankings import periods
from rankings import services as rankings
from rankings.models import RankingSnapshot, SnapshotStatus
from samples import services as samples
from samples.models import SampleApplication, SampleDesignation, SamplePhoto, SampleSiteCheck, SampleStatus
from samples.workflow import SAMPLE
from scoring.models import SheetItem
from supervision import services as supervision
from supervision.models import Inspection, Rectification, RectificationEvent, RectificationStatus, SupervisionAssignment
from supervision.workflow import PROJECT, RECTIFICATION
from tests.factories import PoolMembershipFactory, user_with_role
from tests.support.acceptance import AMOUNTS, fill, requested
from tests.support.people import access_in, user
from tests.support.samples import accepted

pytestmark = pytest.mark.django_db
D = Decimal
SLUG = "wuyi-2024"
access_of = access_in(SLUG)


def pairs(workflow):
    return [(status, action) for status in workflow.choices.values for action in workflow.steps]


def run_pair(*, allowed: bool, perform, footprint):
    """Allowed: the action writes. Refused: Conflict, and nothing of the object changed."""
    before = footprint()
    if allowed:
        perform()
        assert footprint() != before
    else:
        with pytest.raises(Conflict) as refused:
            perform()
        assert refused.value.status == 409
        assert footprint() == before


def history(model, pk) -> int:
    return model.history.filter(id=pk).count()


# The tables, pinned: who reads the spec can check them here ---------------------------------------------------

S, R, P = ReviewStatus, RoundStatus, SampleStatus


@pytest.mark.parametrize(
    ("workflow", "expected"),
    [
        (
            REVIEW,
            {
                "request": {S.FAILED},
                "cosign": {S.REQUESTED},
                "panel_assign": {S.REQUESTED},
                "conflict_declare": {S.PANEL, S.SCORING},
                "panel_replace": {S.PANEL, S.SCORING},
                "sheet_save": {S.PANEL, S.SCORING},
                "audit_record": {S.PANEL, S.SCORING},
                "close": {S.AUDITED},
                "announce": {S.PASSED},
                "objection_record": {S.ANNOUNCING, S.ON_HOLD},
                "objection_resolve": {S.ON_HOLD},
                "conclude": {S.ANNOUNCING},
            },
        ),
        (
            ROUND,
            {
                "update": {R.DRAFT, R.OPEN},
                "seat": {R.DRAFT, R.OPEN, R.SCORING},
                "unseat": {R.DRAFT, R.OPEN},
                "advance": {R.DRAFT, R.OPEN},
                "apply": {R.OPEN},
                "withdraw": {R.OPEN},
                "conflict_declare": {R.OPEN, R.SCORING},
                "sheet_save": {R.SCORING},
                "confirm": {R.SCORING},
                "publish": {R.CONFIRMED},
            },
        ),
        (
            SAMPLE,
            {
                "cosign": {P.APPLIED},
                "check_record": {P.COSIGNED},
                "designate": {P.CHECKED},
                "decline": {P.APPLIED, P.COSIGNED, P.CHECKED},
                "withdraw": {P.APPLIED, P.COSIGNED, P.CHECKED},
                "photo_add": {P.APPLIED, P.COSIGNED, P.CHECKED, P.DESIGNATED},
                "photo_remove": {P.APPLIED, P.COSIGNED, P.CHECKED, P.DESIGNATED},
            },
        ),
        (PROJECT, {"assign": {Status.APPROVED}, "inspect": {Status.APPROVED}}),
        (
            RECTIFICATION,
            {
                "answer": {RectificationStatus.OPEN},
                "close": {RectificationStatus.ANSWERED},
                "reopen": {RectificationStatus.ANSWERED},
                "waive": {RectificationStatus.OPEN, RectificationStatus.ANSWERED},
            },
        ),
        (rankings.SNAPSHOT, {"publish": {SnapshotStatus.COMPUTED}}),
    ],
    ids=["acceptance", "round", "sample", "project", "rectification", "snapshot"],
)
def test_the_tables_say_what_the_spec_says(workflow, expected):
    assert {action: set(step.sources) for action, step in workflow.steps.items()} == expected


def test_a_refusal_names_the_state_and_the_action(completed, panel_people):
    review = requested(completed)
    AcceptanceReview.objects.filter(pk=review.pk).update(status=S.ANNOUNCED, cosigned_at=None, cosigned_by=None)
    with pytest.raises(Conflict) as refused:
        acceptance.acceptance_cosign(access=access_of("wuyi-provider"), review=review)
    assert refused.value.fields["status"] == [refused.value.message]
    assert str(S.ANNOUNCED.label) in refused.value.message
    assert str(REVIEW.steps["cosign"].label) in refused.value.message


# Finding 4: a provider co-signed an announced review (200, the review changed) ----------------------------------


def test_cosigning_an_announced_review_is_refused_and_changes_nothing(client, completed):
    review = requested(completed)
    AcceptanceReview.objects.filter(pk=review.pk).update(cosigned_at=None, cosigned_by=None)
    client.force_login(user("wuyi-provider"))
    page, cosign = f"/p/{SLUG}/acceptance/{review.pk}/", f"/p/{SLUG}/acceptance/{review.pk}/cosign/"
    assert cosign in client.get(page).content.decode()  # requested: the provider is asked to co-sign

    AcceptanceReview.objects.filter(pk=review.pk).update(status=S.ANNOUNCED)
    before = review_footprint(review)
    response = client.post(f"/api/v1/programs/{SLUG}/acceptance-reviews/{review.pk}/cosign/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert review_footprint(review) == before
    assert cosign not in client.get(page).content.decode()
    assert client.post(cosign).status_code == 302  # the page says why, and nothing changes
    assert review_footprint(review) == before
    assert AcceptanceReview.objects.get(pk=review.pk).cosigned_at is None


# Acceptance reviews -------------------------------------------------------------------------------------------


def review_footprint(review):
    return {
        "row": AcceptanceReview.objects.filter(pk=review.pk).values().get(),
        "history": history(AcceptanceReview, review.pk),
        "transitions": ReviewTransition.objects.filter(review=review).count(),
        "seats": sorted(ExpertSeat.objects.filter(review=review).values_list("expert_id", "is_active")),
        "sheets": sorted(ExpertSheet.objects.filter(review=review).values_list("expert_id", "status", "total")),
        "audits": FinancialAudit.objects.filter(review=review).count(),
        "objections": sorted(Objection.objects.filter(review=review).values_list("pk", "status")),
        "conflicts": ExpertConflict.objects.filter(review=review).count(),
        "reviews": AcceptanceReview.objects.filter(application_id=review.application_id).count(),
    }


def _seat(review, people, count=3):
    reviewer = user("wuyi-reviewer")
    for expert in people["experts"][:count]:
        ExpertSeat.objects.create(review=review, expert=expert, assigned_by=reviewer)
    AcceptanceReview.objects.filter(pk=review.pk).update(financial_auditor=people["auditor"])


def _scored_and_audited(review, people):
    acceptance.panel_assign(
        access=access_of("wuyi-reviewer"),
        review=review,
        experts=people["experts"][:3],
        financial_auditor=people["auditor"],
    )
    for expert in people["experts"][:3]:
        fill(review, expert, lambda item: item.max_points * D("0.8"))
    acceptance.audit_record(access=access_of(people["auditor"]), review=review, amounts=AMOUNTS, conclusion="账实相符")


def _announced(review, ends_on):
    AcceptanceReview.objects.filter(pk=review.pk).update(
        announcement_starts_on=ends_on - timedelta(days=9), announcement_ends_on=ends_on
    )


def review_action(action, review, project, people):
    """Make `review` ready for `action` in every respect but its state; return the call."""
    reviewer = access_of("wuyi-reviewer")
    today = timezone.localdate()
    if action == "request":
        return lambda: acceptance.acceptance_request(
            access=access_of("wuyi-enterprise2"), application=project, deliverables="MES", amounts=AMOUNTS
        )
    if action == "cosign":
        AcceptanceReview.objects.filter(pk=review.pk).update(cosigned_at=None, cosigned_by=None)
        return lambda: acceptance.acceptance_cosign(access=access_of("wuyi-provider"), review=review)
    if action == "panel_assign":
        return lambda: acceptance.panel_assign(
            access=reviewer, review=review, experts=people["experts"][:3], financial_auditor=people["auditor"]
        )
    if action == "conflict_declare":
        _seat(review, people)
        return lambda: acceptance.expert_conflict_declare(
            access=access_of(people["experts"][0]), review=review, kind="employment", note="曾任职"
        )
    if action == "panel_replace":
        _seat(review, people)
        return lambda: acceptance.panel_replace(access=reviewer, review=review, expert=people["experts"][3])
    if action == "sheet_save":
        _seat(review, people)
        return lambda: fill(review, people["experts"][0], lambda item: item.max_points / 2, submit=False)
    if action == "audit_record":
        _seat(review, people)
        return lambda: acceptance.audit_record(
            access=access_of(people["auditor"]), review=review, amounts=AMOUNTS, conclusion="账实相符"
        )
    if action == "close":
        _scored_and_audited(review, people)
        return lambda: acceptance.review_close(access=reviewer, review=review)
    if action == "announce":
        return lambda: acceptance.announcement_open(access=reviewer, review=review, starts_on=today)
    if action == "objection_record":
        _announced(review, today + timedelta(days=5))
        return lambda: acceptance.objection_record(
            access=reviewer, review=review, raised_by="同行企业", text="数据不实"
        )
    if action == "objection_resolve":
        _announced(review, today + timedelta(days=5))
        objection = Objection.objects.create(
            review=review, raised_by="同行企业", text="数据不实", recorded_by=user("wuyi-reviewer")
        )
        return lambda: acceptance.objection_resolve(
            access=reviewer, objection=objection, upheld=False, resolution="经核实不成立"
        )
    if action == "conclude":
        _announced(review, today - timedelta(days=1))
        return lambda: acceptance.announcements_conclude(access=reviewer, today=today)
    raise AssertionError(action)


@pytest.mark.parametrize(("status", "action"), pairs(REVIEW))
def test_every_acceptance_step_in_every_state(status, action, completed, panel_people):
    review = requested(completed)
    perform = review_action(action, review, completed, panel_people)
    AcceptanceReview.objects.filter(pk=review.pk).update(status=status)
    allowed = REVIEW.allows(action, status)
    if action == "conclude":  # a sweep over the program: it passes over the reviews it may not end
        before = review_footprint(review)
        perform()
        after = review_footprint(review)
        assert (after["row"]["status"] == S.ANNOUNCED) if allowed else (after == before)
    else:
        run_pair(allowed=allowed, perform=perform, footprint=lambda: review_footprint(review))
    if allowed:  # where the step went (a request makes a new review of the project)
        reached = AcceptanceReview.objects.filter(application=completed).latest("pk").status
        assert reached in REVIEW.targets(action), (action, reached)


# Selection rounds ---------------------------------------------------------------------------------------------


@pytest.fixture
def open_round():
    """A doors round open today: two members seated, two providers applied, a third provider and a third member
    ready to join."""
    program = Program.objects.get(slug=SLUG)
    staff = access_of("wuyi-reviewer")
    doors = Industry.objects.get(program=program, code="doors")
    today = timezone.localdate()
    selection_round = providers.round_create(
        access=staff,
        fields={
            "title": "门业服务商遴选",
            "opens_on": today,
            "closes_on": today,
            "places": 1,
            "template": program.sheet_templates.get(code="provider-selection"),
        },
        industries=[doors],
    )
    members = [user_with_role(program, Role.COMMITTEE_MEMBER, username=f"matrix-member-{n}") for n in range(3)]
    for member in members[:2]:
        providers.round_seat(access=staff, selection_round=selection_round, member=member)
    providers.round_advance(access=staff, selection_round=selection_round)
    users, entries = [], []
    for n in range(3):
        membership = PoolMembershipFactory(program=program, organisation__name=f"矩阵门业服务商{n}", status="pool")
        users.append(
            user_with_role(
                program, Role.PROVIDER, username=f"matrix-provider-{n}", organisation=membership.organisation
            )
        )
    for provider in users[:2]:
        entries.append(
            providers.round_apply(
                access=access_of(provider),
                selection_round=selection_round,
                industries=[doors],
                team="团队",
                solution="方案",
                local_support_staff=3,
            )
        )
    return {
        "round": selection_round,
        "staff": staff,
        "members": members,
        "providers": users,
        "entries": entries,
        "industry": doors,
        "item": SheetItem.objects.filter(section__template=selection_round.template).first(),
    }


def round_footprint(selection_round):
    return {
        "row": SelectionRound.objects.filter(pk=selection_round.pk).values().get(),
        "history": history(SelectionRound, selection_round.pk),
        "seats": sorted(CommitteeSeat.objects.filter(round=selection_round).values_list("member_id", "is_active")),
        "entries": sorted(
            RoundApplication.objects.filter(round=selection_round).values_list("pk", "status", "updated_at")
        ),
        "conflicts": ConflictDeclaration.objects.filter(round=selection_round).count(),
        "sheets": CommitteeSheet.objects.filter(round=selection_round).count(),
        "results": RoundResult.objects.filter(round=selection_round).count(),
    }


def round_action(action, ctx):
    r, staff, member, entry = ctx["round"], ctx["staff"], ctx["members"][0], ctx["entries"][0]
    calls = {
        "update": lambda: providers.round_update(
            access=staff, selection_round=r, fields={"title": "门业服务商遴选（修订）"}, industries=[ctx["industry"]]
        ),
        "seat": lambda: providers.round_seat(access=staff, selection_round=r, member=ctx["members"][2]),
        "unseat": lambda: providers.round_unseat(
            access=staff, seat=r.seats.get(member=ctx["members"][1]), reason="回避"
        ),
        "advance": lambda: providers.round_advance(access=staff, selection_round=r),
        "apply": lambda: providers.round_apply(
            access=access_of(ctx["providers"][2]),
            selection_round=r,
            industries=[ctx["industry"]],
            team="团队",
            solution="方案",
            local_support_staff=2,
        ),
        "withdraw": lambda: providers.round_withdraw(access=access_of(ctx["providers"][0]), entry=entry),
        "conflict_declare": lambda: providers.conflict_declare(
            access=access_of(member), selection_round=r, entry=entry, kind="kinship", note="亲属任职"
        ),
        "sheet_save": lambda: providers.sheet_save(
            access=access_of(member), selection_round=r, entry=entry, scores={str(ctx["item"].pk): "10"}
        ),
        "confirm": lambda: providers.round_confirm(access=staff, selection_round=r, reason="部分委员缺席"),
        "publish": lambda: providers.round_publish(access=staff, selection_round=r, published_on=timezone.localdate()),
    }
    return calls[action]


@pytest.mark.parametrize(("status", "action"), pairs(ROUND))
def test_every_round_step_in_every_state(status, action, open_round):
    perform = round_action(action, open_round)
    SelectionRound.objects.filter(pk=open_round["round"].pk).update(status=status)
    run_pair(
        allowed=ROUND.allows(action, status), perform=perform, footprint=lambda: round_footprint(open_round["round"])
    )
    if ROUND.allows(action, status):
        reached = SelectionRound.objects.get(pk=open_round["round"].pk).status
        assert reached in ROUND.targets(action), (action, reached)


# Sample applications ------------------------------------------------------------------------------------------


@pytest.fixture
def sample_application():
    ((project, owner),) = accepted(name="矩阵样本")
    item = samples.sample_apply(
        access=access_of(owner), application=project, statement="交付周期缩短", photos=[photo()]
    )
    return {"item": item, "owner": owner}


def photo(name="现场.png"):
    return SimpleUploadedFile(name, demo_png(), content_type="image/png")


def sample_footprint(item):
    return {
        "row": SampleApplication.objects.filter(pk=item.pk).values().get(),
        "history": history(SampleApplication, item.pk),
        "photos": sorted(SamplePhoto.objects.filter(sample_application=item).values_list("pk", "is_active")),
        "checks": SampleSiteCheck.objects.filter(sample_application=item).count(),
        "designations": SampleDesignation.objects.filter(sample_application=item).count(),
    }


def sample_action(action, ctx):
    item, owner, bureau = ctx["item"], access_of(ctx["owner"]), access_of("wuyi-reviewer")
    calls = {
        "cosign": lambda: samples.sample_cosign(
            access=access_of("wuyi-provider"), sample_application=item, statement="按清单交付"
        ),
        "check_record": lambda: samples.sample_check_record(
            access=bureau,
            sample_application=item,
            checked_on=timezone.localdate(),
            experts="张工",
            association_representatives="李会长",
            findings="看板在用",
            recommends=True,
        ),
        "designate": lambda: samples.sample_designate(access=bureau, sample_application=item, reason="示范效果好"),
        "decline": lambda: samples.sample_decline(access=bureau, sample_application=item, reason="材料不足"),
        "withdraw": lambda: samples.sample_withdraw(access=owner, sample_application=item, reason="暂缓申请"),
        "photo_add": lambda: samples.sample_photo_add(access=owner, sample_application=item, upload=photo("新.png")),
        "photo_remove": lambda: samples.sample_photo_remove(access=owner, photo=item.photos.get()),
    }
    return calls[action]


@pytest.mark.parametrize(("status", "action"), pairs(SAMPLE))
def test_every_sample_step_in_every_state(status, action, sample_application):
    item = sample_application["item"]
    perform = sample_action(action, sample_application)
    SampleApplication.objects.filter(pk=item.pk).update(status=status)
    allowed = SAMPLE.allows(action, status)
    run_pair(allowed=allowed, perform=perform, footprint=lambda: sample_footprint(item))
    if allowed:  # where the step went
        item.refresh_from_db()
        assert item.status in SAMPLE.targets(action), (action, item.status)


# Supervision ------------------------------------------------------------------------------------------------


@pytest.fixture
def project():
    return Application.objects.get(program__slug=SLUG, title="炊具车间轻量化数字化改造")


def firm_access():
    return access_of("wuyi-supervision")


def _assign(project):
    return supervision.assignment_create(
        access=access_of("wuyi-reviewer"), application=project, organisation=user("wuyi-supervision").organisation
    )


def _inspect(project, *requests):
    on = timezone.localdate() - timedelta(days=2)
    return supervision.inspection_record(
        access=firm_access(),
        application=project,
        inspected_on=on,
        findings="冲压机未接入采集",
        rectifications=[(text, on + timedelta(days=10)) for text in requests],
    )


def project_footprint(project):
    return {
        "row": Application.objects.filter(pk=project.pk).values().get(),
        "assignments": sorted(SupervisionAssignment.objects.filter(application=project).values_list("pk", "is_active")),
        "inspections": Inspection.objects.filter(application=project).count(),
        "rectifications": Rectification.objects.filter(application=project).count(),
    }


@pytest.mark.parametrize(("status", "action"), pairs(PROJECT))
def test_every_supervision_step_on_a_project_in_every_state(status, action, project):
    if action == "assign":
        perform = lambda: _assign(project)  # noqa: E731
    else:
        _assign(project)
        perform = lambda: _inspect(project, "接入数据采集")  # noqa: E731
    Application.objects.filter(pk=project.pk).update(status=status)
    run_pair(allowed=PROJECT.allows(action, status), perform=perform, footprint=lambda: project_footprint(project))


def rectification_footprint(item):
    return {
        "row": Rectification.objects.filter(pk=item.pk).values().get(),
        "history": history(Rectification, item.pk),
        "events": RectificationEvent.objects.filter(rectification=item).count(),
    }


@pytest.mark.parametrize(("status", "action"), pairs(RECTIFICATION))
def test_every_rectification_step_in_every_state(status, action, project):
    _assign(project)
    item = _inspect(project, "接入数据采集").rectifications.get()
    calls = {
        "answer": lambda: supervision.rectification_answer(
            access=access_of("wuyi-provider"), rectification=item, answer="已接入"
        ),
        "close": lambda: supervision.rectification_close(access=firm_access(), rectification=item, conclusion="已核实"),
        "reopen": lambda: supervision.rectification_reopen(access=firm_access(), rectification=item, reason="仍未接入"),
        "waive": lambda: supervision.rectification_waive(
            access=access_of("wuyi-reviewer"), rectification=item, reason="不影响验收"
        ),
    }
    Rectification.objects.filter(pk=item.pk).update(status=status)
    run_pair(
        allowed=RECTIFICATION.allows(action, status),
        perform=calls[action],
        footprint=lambda: rectification_footprint(item),
    )


# Ranking snapshots ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "action"), pairs(rankings.SNAPSHOT))
def test_publishing_a_ranking_in_every_state(status, action):
    program = Program.objects.get(slug=SLUG)
    period = periods.period_containing("biweekly", program.starts_on, date(2024, 7, 10))
    snapshot = rankings.snapshot_make(program=program, period=period)
    RankingSnapshot.objects.filter(pk=snapshot.pk).update(status=status)

    def footprint():
        return {
            "row": RankingSnapshot.objects.filter(pk=snapshot.pk).values().get(),
            "history": history(RankingSnapshot, snapshot.pk),
        }

    run_pair(
        allowed=rankings.SNAPSHOT.allows(action, status),
        perform=lambda: rankings.snapshot_publish(access=access_of("wuyi-reviewer"), snapshot=snapshot),
        footprint=footprint,
    )
