"""Provider selection: the committee arithmetic on worked cases, conflicts of interest, confirmation with
missing sheets, and the published list governing which providers an enterprise may pick."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from filings.services import application_create
from organisations.models import Organisation
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Role
from programs.models import Industry, Program, ScenarioModule
from providers import selectors, services
from providers.models import CommitteeSheet, PoolMembership, PoolStatus, RoundResult, RoundStatus
from scoring.aggregation import Aggregate, Candidate, Sheet, aggregate, rank
from scoring.models import SheetItem
from tests.factories import OrganisationFactory, PoolMembershipFactory, user_with_role
from tests.support.people import access_in, demo_user

SLUG = "wuyi-2024"
D = Decimal
T0 = timezone.now()


def sheets(*totals, first=None):
    first = first or [D("0")] * len(totals)
    return [
        Sheet(member=f"m{i}", total=D(t), first_section=D(f))
        for i, (t, f) in enumerate(zip(totals, first, strict=True))
    ]


# The arithmetic (pure) ----------------------------------------------------------------------------------


def test_mean_of_four_sheets_keeps_them_all():
    result = aggregate(sheets("80", "85", "90", "95"), drop_extremes=True, min_sheets=5)
    assert result.score == D("87.50") and not result.dropped
    assert result.working == "(80.00 + 85.00 + 90.00 + 95.00) ÷ 4 = 87.50"


def test_five_sheets_drop_the_single_highest_and_lowest():
    result = aggregate(sheets("60", "80", "85", "90", "99"), drop_extremes=True, min_sheets=5)
    assert result.score == D("85.00")
    assert [s.total for s in result.dropped] == [D("99"), D("60")]
    assert len(result.used) == 3


def test_dropping_is_a_program_setting():
    result = aggregate(sheets("60", "80", "85", "90", "99"), drop_extremes=False, min_sheets=5)
    assert result.score == D("82.80") and not result.dropped


def test_equal_extremes_drop_only_one_each():
    result = aggregate(sheets("70", "70", "80", "90", "90"), drop_extremes=True, min_sheets=5)
    assert result.score == D("80.00")  # (70 + 80 + 90) / 3
    assert len(result.used) == 3


def test_mean_rounds_half_up_to_the_hundredth():
    assert aggregate(sheets("80", "80", "80.01"), drop_extremes=True, min_sheets=5).score == D("80.00")
    assert aggregate(sheets("80.01", "80.01", "80.03", "80"), drop_extremes=False, min_sheets=5).score == D("80.01")
    # 85.125 → 85.13
    assert aggregate(sheets("85.12", "85.13"), drop_extremes=False, min_sheets=5).score == D("85.13")


def candidate(key, score, first, minutes):
    agg = Aggregate(score=D(score) if score else None, first_section=D(first) if first else None, used=())
    return Candidate(key=key, aggregate=agg, applied_at=T0 + timedelta(minutes=minutes))


def test_ties_fall_to_the_first_section_then_to_the_earlier_application():
    ranked = rank(
        [
            candidate("late-strong-first", "85.00", "24.00", 30),
            candidate("early-weak-first", "85.00", "22.00", 10),
            candidate("top", "90.00", "20.00", 50),
            candidate("same-as-strong-but-later", "85.00", "24.00", 40),
            candidate("no-sheet", None, None, 0),
        ]
    )
    assert [(r.candidate.key, r.rank) for r in ranked] == [
        ("top", 1),
        ("late-strong-first", 2),
        ("same-as-strong-but-later", 3),
        ("early-weak-first", 4),
        ("no-sheet", None),
    ]
    assert ranked[0].tie_break == ""
    assert "earlier" in ranked[1].tie_break or "较早" in ranked[1].tie_break
    assert ranked[3].tie_break and ranked[3].tie_break != ranked[1].tie_break


# A round through the services ----------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


access_of = access_in(SLUG)


@pytest.fixture
def wuyi():
    return Program.objects.get(slug=SLUG)


@pytest.fixture
def scoring_round(wuyi):
    """A round in scoring: industry "doors", five members, three applicants (providers new to the pool)."""
    staff = access_of(demo_user(Role.BUREAU_REVIEWER))
    doors = Industry.objects.get(program=wuyi, code="doors")
    template = wuyi.sheet_templates.get(code="provider-selection")
    today = timezone.localdate()
    selection_round = services.round_create(
        access=staff,
        fields={
            "title": "门业服务商遴选",
            "opens_on": today,
            "closes_on": today,
            "places": 2,
            "template": template,
        },
        industries=[doors],
    )
    members = [user_with_role(wuyi, Role.COMMITTEE_MEMBER, username=f"member-{n}") for n in range(5)]
    for member in members:
        services.round_seat(access=staff, selection_round=selection_round, member=member)
    services.round_advance(access=staff, selection_round=selection_round)
    entries = []
    for n in range(3):
        membership = PoolMembershipFactory(program=wuyi, organisation__name=f"门业服务商{n}", status="pool")
        user = user_with_role(wuyi, Role.PROVIDER, username=f"doors-provider-{n}", organisation=membership.organisation)
        entries.append(
            services.round_apply(
                access=access_of(user),
                selection_round=selection_round,
                industries=[doors],
                team="团队",
                solution="方案",
                local_support_staff=4,
            )
        )
    services.round_advance(access=staff, selection_round=selection_round)
    items = list(SheetItem.objects.filter(section__template=template).order_by("section__number"))
    return {
        "round": selection_round,
        "staff": staff,
        "members": members,
        "entries": entries,
        "items": items,
        "industry": doors,
    }


def score(ctx, member, entry, *points, submit=True):
    return services.sheet_save(
        access=access_of(member),
        selection_round=ctx["round"],
        entry=entry,
        scores={str(item.pk): value for item, value in zip(ctx["items"], points, strict=False)},
        submit=submit,
    )


def test_a_sheet_totals_its_items_and_refuses_one_above_its_maximum(scoring_round):
    ctx = scoring_round
    member, entry = ctx["members"][0], ctx["entries"][0]
    with pytest.raises(PortalError) as refused:
        score(ctx, member, entry, "25.5", "20", "20", "20")
    assert f"item_{ctx['items'][0].pk}" in refused.value.fields
    assert not CommitteeSheet.objects.filter(application=entry).exists()
    with pytest.raises(PortalError):
        score(ctx, member, entry, "20", "20", "20")  # submitting needs every item
    sheet = score(ctx, member, entry, "22.5", "20", "18", "19.25")
    assert (sheet.total, sheet.first_section, sheet.status) == (D("79.75"), D("22.5"), "submitted")
    with pytest.raises(Conflict):
        score(ctx, member, entry, "25", "25", "25", "25")


def test_declared_and_organisational_conflicts_are_refused_and_excluded(scoring_round, wuyi):
    ctx = scoring_round
    declared, affiliate = ctx["members"][0], ctx["members"][1]
    entry = ctx["entries"][0]
    services.conflict_declare(
        access=access_of(declared), selection_round=ctx["round"], entry=entry, kind="kinship", note="亲属任职"
    )
    with pytest.raises(NotAllowed):
        score(ctx, declared, entry, "20", "20", "20", "20")
    # The member's organisation belongs to the provider's group: refused without any declaration.
    group = OrganisationFactory(name="某集团")
    Organisation.objects.filter(pk=entry.membership.organisation_id).update(group=group)
    affiliate.organisation = OrganisationFactory(name="集团内另一公司", group=group)
    affiliate.save()
    with pytest.raises(NotAllowed):
        score(ctx, affiliate, entry, "20", "20", "20", "20")
    assert not CommitteeSheet.objects.filter(application=entry).exists()
    states = {(c.member.pk, c.entry.pk): c.state for row in selectors.completeness(ctx["round"]) for c in row}
    assert states[(declared.pk, entry.pk)] == "conflict" and states[(affiliate.pk, entry.pk)] == "conflict"
    # The excluded members' sheets are not missing: only the other three are.
    assert sum(1 for member, e in selectors.missing_sheets(ctx["round"]) if e.pk == entry.pk) == 3


def test_a_conflicted_member_is_left_out_of_the_mean(scoring_round):
    ctx = scoring_round
    entry = ctx["entries"][0]
    services.conflict_declare(
        access=access_of(ctx["members"][4]), selection_round=ctx["round"], entry=entry, kind="employment"
    )
    for member, points in zip(ctx["members"][:4], (("20",) * 4, ("21",) * 4, ("22",) * 4, ("23",) * 4), strict=True):
        score(ctx, member, entry, *points)
    table = selectors.round_ranking(ctx["round"])[0]
    row = next(r for r in table.rows if r.entry.pk == entry.pk)
    # Four sheets (below five): no dropping. (80 + 84 + 88 + 92) / 4 = 86.00
    assert row.aggregate.score == D("86.00") and len(row.aggregate.used) == 4


def fill(ctx, entry_points: dict, members=None):
    for member in members or ctx["members"]:
        for entry, points in entry_points.items():
            score(ctx, member, entry, *points)


def test_confirmation_waits_for_missing_sheets_unless_a_reason_is_recorded(scoring_round):
    ctx = scoring_round
    a, b, c = ctx["entries"]
    fill(
        ctx, {a: ("24", "24", "24", "24"), b: ("20", "20", "20", "20"), c: ("22", "22", "22", "22")}, ctx["members"][:4]
    )
    with pytest.raises(PortalError) as refused:
        services.round_confirm(access=ctx["staff"], selection_round=ctx["round"])
    assert "reason" in refused.value.fields
    ctx["round"].refresh_from_db()
    assert ctx["round"].status == RoundStatus.SCORING and not RoundResult.objects.filter(round=ctx["round"]).exists()

    services.round_confirm(access=ctx["staff"], selection_round=ctx["round"], reason="委员5因公出差，缺席评分")
    ctx["round"].refresh_from_db()
    assert ctx["round"].status == RoundStatus.CONFIRMED and "出差" in ctx["round"].missing_sheets_reason
    results = {r.application_id: r for r in RoundResult.objects.filter(round=ctx["round"])}
    assert [results[e.pk].rank for e in (a, c, b)] == [1, 2, 3]
    assert [results[e.pk].selected for e in (a, c, b)] == [True, True, False]  # two places
    assert results[a.pk].score == D("96.00")


def test_the_published_list_governs_which_providers_an_enterprise_may_pick(scoring_round, wuyi):
    ctx = scoring_round
    a, b, c = ctx["entries"]
    fill(ctx, {a: ("24", "24", "24", "24"), b: ("20", "20", "20", "20"), c: ("22", "22", "22", "22")})
    services.round_confirm(access=ctx["staff"], selection_round=ctx["round"])
    doors = ctx["industry"]
    # Confirmed but not yet published: nobody from the round can be picked yet.
    assert not selectors.pickable_providers(program=wuyi, industry=doors).filter(pk=a.membership_id).exists()
    services.round_publish(access=ctx["staff"], selection_round=ctx["round"], published_on=timezone.localdate())
    pickable = set(selectors.pickable_providers(program=wuyi, industry=doors).values_list("pk", flat=True))
    assert {a.membership_id, c.membership_id} <= pickable and b.membership_id not in pickable
    assert PoolMembership.objects.get(pk=a.membership_id).status == PoolStatus.SELECTED

    enterprise_user = user_with_role(wuyi, Role.ENTERPRISE, username="doors-enterprise")
    from tests.factories import EnterpriseProfileFactory

    profile = EnterpriseProfileFactory(program=wuyi, industry=doors)
    enterprise_user.organisation = profile.organisation
    enterprise_user.save()
    module = ScenarioModule.objects.filter(program=wuyi, kind="N").first()
    lines = [{"module": module, "part": "N", "category": "software", "description": "", "amount": D("200000")}]
    enterprise = access_of(enterprise_user)
    for refused in (
        b.membership,
        PoolMembership.objects.filter(program=wuyi).exclude(selections__industry=doors).first(),
    ):
        with pytest.raises(PortalError):
            application_create(
                access=enterprise,
                fields={"title": "门业改造", "track": "lightweight", "provider": refused},
                lines=lines,
            )
    picked = application_create(
        access=enterprise, fields={"title": "门业改造", "track": "lightweight", "provider": a.membership}, lines=lines
    )
    assert picked.provider_id == a.membership_id

    # Removal by a recorded decision takes the provider off the list.
    services.pool_decide(access=ctx["staff"], membership=a.membership, kind="remove", reason="连续两期排名末位")
    assert not selectors.pickable_providers(program=wuyi, industry=doors).filter(pk=a.membership_id).exists()
    with pytest.raises(PortalError):
        application_create(
            access=enterprise,
            fields={"title": "门业改造2", "track": "lightweight", "provider": a.membership},
            lines=lines,
        )


def test_later_admission_and_warning_are_recorded_decisions(wuyi):
    staff = access_of(demo_user(Role.BUREAU_REVIEWER))
    doors = Industry.objects.get(program=wuyi, code="doors")
    membership = PoolMembershipFactory(program=wuyi, organisation__name="增选服务商", status="pool")
    with pytest.raises(PortalError):
        services.pool_decide(access=staff, membership=membership, kind="admit", reason="", industries=[doors])
    with pytest.raises(Conflict):
        services.pool_decide(access=staff, membership=membership, kind="warn", reason="进度滞后")
    decision = services.pool_decide(
        access=staff,
        membership=membership,
        kind="admit",
        reason="专家评审通过增选",
        industries=[doors],
        reference="武经商〔2024〕9号",
    )
    assert (decision.status_before, decision.status_after) == ("pool", "selected")
    assert selectors.pickable_providers(program=wuyi, industry=doors).filter(pk=membership.pk).exists()
    warned = services.pool_decide(access=staff, membership=membership, kind="warn", reason="双周通报末位")
    assert warned.status_after == "warned"
    assert selectors.pickable_providers(program=wuyi, industry=doors).filter(pk=membership.pk).exists()
    with pytest.raises(NotAllowed):
        services.pool_decide(
            access=access_of(demo_user(Role.AUDITOR)), membership=membership, kind="remove", reason="x"
        )
    assert membership.history.filter(history_change_reason__contains="双周通报末位").exists()


def test_a_committee_member_sees_only_the_rounds_it_sits_on(scoring_round, wuyi):
    outsider = user_with_role(wuyi, Role.COMMITTEE_MEMBER, username="unseated-member")
    seated = scoring_round["members"][0]
    assert scoring_round["round"].pk in selectors.round_list(access=access_of(seated)).values_list("pk", flat=True)
    assert scoring_round["round"].pk not in selectors.round_list(access=access_of(outsider)).values_list(
        "pk", flat=True
    )
