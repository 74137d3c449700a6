"""Acceptance through the services: request and co-signature, the panel with every conflict refused, expert
sheets (bonus included, maxima enforced), the audit, pass/fail at the pass mark, the announcement in working
days, objections, and the project ready for subsidy."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from acceptance import selectors, services
from acceptance.models import ReviewStatus
from organisations.models import Organisation
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Role
from programs.calendar import working_days_end
from programs.models import CalendarDay
from scoring.models import SheetItem
from tests.factories import OrganisationFactory, user_with_role
from tests.support.acceptance import AMOUNTS, access_of, assigned, fill, requested

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
D = Decimal


def test_the_request_needs_a_completed_project_the_owner_and_the_providers_cosignature(completed, panel_people):
    with pytest.raises(NotAllowed):
        services.acceptance_request(
            access=access_of("wuyi-provider"), application=completed, deliverables="x", amounts=AMOUNTS
        )
    review = services.acceptance_request(
        access=access_of("wuyi-enterprise2"), application=completed, deliverables="MES", amounts=AMOUNTS
    )
    assert review.template.code == "acceptance" and review.declared_n_software == D("150000")
    with pytest.raises(Conflict):
        services.acceptance_request(
            access=access_of("wuyi-enterprise2"), application=completed, deliverables="MES", amounts=AMOUNTS
        )
    with pytest.raises(Conflict):  # no co-signature yet
        services.panel_assign(
            access=access_of("wuyi-reviewer"),
            review=review,
            experts=panel_people["experts"][:3],
            financial_auditor=panel_people["auditor"],
        )
    services.acceptance_cosign(access=access_of("wuyi-provider"), review=review)
    review.refresh_from_db()
    assert review.cosigned_by.username == "wuyi-provider"


def test_every_conflict_is_refused_at_assignment(completed, panel_people):
    review = requested(completed)
    program = panel_people["program"]
    enterprise_org = completed.enterprise.organisation
    provider_org = completed.provider.organisation
    group = OrganisationFactory(name="数智集团")
    Organisation.objects.filter(pk=provider_org.pk).update(group=group)
    insiders = {
        "enterprise": user_with_role(program, Role.EXPERT, username="from-enterprise", organisation=enterprise_org),
        "provider": user_with_role(program, Role.EXPERT, username="from-provider", organisation=provider_org),
        "affiliate": user_with_role(
            program, Role.EXPERT, username="from-affiliate", organisation=OrganisationFactory(group=group)
        ),
        "no role": get_user_model().objects.get(username="wuyi-committee"),
    }
    good = panel_people["experts"][:2]
    reviewer = access_of("wuyi-reviewer")
    for name, insider in insiders.items():
        with pytest.raises(PortalError) as refused:
            services.panel_assign(
                access=reviewer, review=review, experts=[*good, insider], financial_auditor=panel_people["auditor"]
            )
        assert str(insider) in refused.value.message, name
    with pytest.raises(PortalError):  # an auditor from the enterprise
        services.panel_assign(
            access=reviewer,
            review=review,
            experts=panel_people["experts"][:3],
            financial_auditor=user_with_role(
                program, Role.FINANCIAL_AUDITOR, username="auditor-inside", organisation=enterprise_org
            ),
        )
    with pytest.raises(PortalError):  # below the program's minimum of 3
        services.panel_assign(access=reviewer, review=review, experts=good, financial_auditor=panel_people["auditor"])
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED and not review.seats.exists()

    services.panel_assign(
        access=reviewer, review=review, experts=panel_people["experts"][:3], financial_auditor=panel_people["auditor"]
    )
    declaring = panel_people["experts"][2]
    services.expert_conflict_declare(access=access_of(declaring), review=review, kind="kinship", note="亲属")
    with pytest.raises(NotAllowed):
        fill(review, declaring, lambda item: item.max_points)
    with pytest.raises(PortalError):  # a declared expert is refused when seated again
        services.panel_replace(access=reviewer, review=review, expert=declaring)
    services.panel_replace(access=reviewer, review=review, expert=panel_people["experts"][3])


def test_mean_with_bonus_decides_at_the_pass_mark(completed, panel_people):
    review = assigned(completed, panel_people)
    with pytest.raises(PortalError) as refused:
        fill(review, panel_people["experts"][0], lambda item: item.max_points + 1)
    assert any(key.startswith("item_") for key in refused.value.fields)
    # 60% of every item: 60.00 each; one expert at 59.97 → mean 59.99, below the pass mark of 60.
    fill(review, panel_people["experts"][0], lambda item: item.max_points * D("0.6"))
    fill(review, panel_people["experts"][1], lambda item: item.max_points * D("0.6"))
    items = list(SheetItem.objects.filter(section__template=review.template).order_by("section__number", "number"))
    last = items[-1]
    fill(
        review, panel_people["experts"][2], lambda item: item.max_points * D("0.6") - (D("0.03") if item == last else 0)
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.SCORING  # the audit is still missing
    with pytest.raises(Conflict):
        services.review_close(access=access_of("wuyi-reviewer"), review=review)
    services.audit_record(
        access=access_of(panel_people["auditor"]), review=review, amounts=AMOUNTS, conclusion="账实相符"
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.AUDITED
    services.review_close(access=access_of("wuyi-reviewer"), review=review)
    review.refresh_from_db()
    assert (review.status, review.score) == (ReviewStatus.FAILED, D("59.99"))
    assert "(60.00 + 60.00 + 59.97) ÷ 3 = 59.99" in review.working


def test_bonus_points_count_on_top_of_the_mid_level_rubric():
    from scoring.models import SheetTemplate
    from scoring.sheets import sheet_fill

    rubric = SheetTemplate.objects.get(program__slug="yongkang-2024", code="acceptance-midlevel")
    items = list(SheetItem.objects.filter(section__template=rubric))
    assert (
        sum(i.max_points for i in items if not i.is_bonus) == 100
        and sum(i.max_points for i in items if i.is_bonus) == 6
    )
    filled = sheet_fill(rubric, {str(i.pk): i.max_points for i in items}, complete=True)
    assert (filled.total, filled.bonus) == (D("106"), D("6"))


def test_a_passed_project_is_announced_in_working_days_and_an_objection_holds_it(completed, panel_people):
    program = panel_people["program"]
    review = assigned(completed, panel_people)
    for expert in panel_people["experts"][:3]:
        fill(review, expert, lambda item: item.max_points * D("0.8"))
    services.audit_record(
        access=access_of(panel_people["auditor"]), review=review, amounts=AMOUNTS, conclusion="账实相符"
    )
    reviewer = access_of("wuyi-reviewer")
    services.review_close(access=reviewer, review=review)
    review.refresh_from_db()
    assert (review.status, review.score) == (ReviewStatus.PASSED, D("80.00"))

    # The demo calendar's 2026 New Year: Jan 1–3 off, Sunday Jan 4 worked.
    assert CalendarDay.objects.get(program=program, date=date(2026, 1, 2)).kind == "holiday"
    # Monday 2025-12-29 + 7 working days: Dec 29, 30, 31, Jan 4, 5, 6, 7 → ends Jan 7.
    assert working_days_end(program, date(2025, 12, 29), 7) == date(2026, 1, 7)
    services.announcement_open(access=reviewer, review=review, starts_on=date(2025, 12, 29))
    review.refresh_from_db()
    assert (review.status, review.announcement_ends_on) == (ReviewStatus.ANNOUNCING, date(2026, 1, 7))

    objection = services.objection_record(access=reviewer, review=review, raised_by="匿名来信", text="投资额虚高")
    review.refresh_from_db()
    assert review.status == ReviewStatus.ON_HOLD
    assert services.announcements_conclude(access=reviewer, today=date(2026, 2, 1)) == 0
    services.objection_resolve(access=reviewer, objection=objection, upheld=False, resolution="经核查发票齐全")
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANNOUNCED  # the end had passed when the objection was dismissed
    assert review in selectors.ready_for_subsidy(program=program)
    assert selectors.audited_facts(review)["total_investment"] == D("260000")
    steps = list(review.transitions.values_list("to_status", flat=True))
    assert steps == [
        "requested",
        "panel",
        "scoring",
        "audited",
        "passed",
        "announcing",
        "on_hold",
        "announcing",
        "announced",
    ]


def test_an_expert_sees_the_others_sheets_only_after_submitting(completed, panel_people):
    review = assigned(completed, panel_people)
    first, second = panel_people["experts"][:2]
    fill(review, first, lambda item: item.max_points, submit=True)
    fill(review, second, lambda item: item.max_points, submit=False)
    visible = selectors.sheets_visible(access=access_of(second), review=review)
    assert [sheet.expert_id for sheet in visible] == [second.pk]
    fill(review, second, lambda item: item.max_points, submit=True)
    visible = selectors.sheets_visible(access=access_of(second), review=review)
    assert {sheet.expert_id for sheet in visible} == {first.pk, second.pk}
    assert timezone.now()  # the sheets carry their submission time
    assert all(sheet.submitted_at for sheet in visible)


def test_the_proposed_subsidy_is_the_engine_on_the_audited_amounts(completed, panel_people):
    review = assigned(completed, panel_people)
    for expert in panel_people["experts"][:3]:
        fill(review, expert, lambda item: item.max_points * D("0.8"))
    audited = {**AMOUNTS, "x_hardware": D("10000")}  # the auditor cut the X hardware from 40,000 to 10,000
    services.audit_record(access=access_of(panel_people["auditor"]), review=review, amounts=audited, conclusion="核减")
    version, result = selectors.review_estimate(review)
    from filings.selectors import application_estimate

    _, filed = application_estimate(completed, on_date=timezone.localdate())
    assert selectors.audited_facts(review)["x_investment"] == D("30000")
    assert result.total < filed.total and version.program_id == completed.program_id
