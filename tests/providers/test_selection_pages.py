"""The provider-selection pages: a member linked to an applicant cannot score it, confirmation with sheets
missing needs a reason, a member reads the others' sheets only after submitting its own, and every page opens
for the roles that may see it and for nobody else (no role, another program)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from demo.build import ROLE_LOGIN
from organisations.models import Organisation, OrganisationKind
from portal.core.roles import Role
from programs.models import Program
from providers import selectors, services
from providers.models import (
    CommitteeSheet,
    ConflictDeclaration,
    PoolDecision,
    PoolMembership,
    PoolStatus,
    ProviderSelection,
    RoundResult,
    RoundStatus,
    SelectionRound,
)
from scoring.models import SheetItem, SheetStatus
from scoring.services import sheet_templates_load
from tests.factories import OrganisationFactory, UserFactory, user_with_role
from tests.support.people import access_in, demo_user
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
INDUSTRY = "kitchenware"
SECOND_PROVIDER = "杭州轻量化软件服务有限公司"


access_of = access_in(SLUG)
url = urls_in("providers", SLUG)


def in_ui_language(text):
    """`text` as the page shows it: in the default language, HTML-escaped."""
    return escape(str(text))


@pytest.fixture
def scoring_round():
    """A round in scoring, kitchenware, one place: two applicants, four seated members.

    `linked` works for a subsidiary of the first applicant (an affiliate: it may not score that applicant)."""
    program = Program.objects.get(slug=SLUG)
    template = (
        program.sheet_templates.filter(purpose="selection", is_active=True).first()
        or (sheet_templates_load(program=program, sheets={"provider-selection": "wuyi-provider-selection"})[0])
    )
    industry = program.industries.get(code=INDUSTRY)
    bureau = access_of(demo_user(Role.BUREAU_REVIEWER))
    today = timezone.localdate()
    selection_round = services.round_create(
        access=bureau,
        fields={
            "title": "厨具行业服务商遴选",
            "opens_on": today - timedelta(days=3),
            "closes_on": today + timedelta(days=10),
            "places": 1,
            "template": template,
            "notes": "",
        },
        industries=[industry],
    )
    provider_a = demo_user(Role.PROVIDER)
    org_b = Organisation.objects.get(name=SECOND_PROVIDER)
    provider_b = user_with_role(program, Role.PROVIDER, username="sel-provider-b", organisation=org_b)
    subsidiary = OrganisationFactory(
        name="数智工联子公司", kind=OrganisationKind.PROVIDER, group=provider_a.organisation
    )
    members = {
        "m1": demo_user(Role.COMMITTEE_MEMBER),
        "m2": user_with_role(program, Role.COMMITTEE_MEMBER, username="sel-member-2", display_name="评委乙"),
        "linked": user_with_role(
            program, Role.COMMITTEE_MEMBER, username="sel-member-linked", display_name="评委丙", organisation=subsidiary
        ),
    }
    for member in members.values():
        services.round_seat(access=bureau, selection_round=selection_round, member=member, capacity="行业协会")
    services.round_advance(access=bureau, selection_round=selection_round, expected_status=RoundStatus.DRAFT)
    entries = {}
    for key, user in (("a", provider_a), ("b", provider_b)):
        entries[key] = services.round_apply(
            access=access_of(user),
            selection_round=selection_round,
            industries=[industry],
            team="项目经理1名，实施工程师4名",
            solution="厨具行业N+X数字化改造方案",
            local_support_staff=5,
        )
    services.round_advance(access=bureau, selection_round=selection_round, expected_status=RoundStatus.OPEN)
    selection_round.refresh_from_db()
    items = list(SheetItem.objects.filter(section__template=template).order_by("section__number", "number"))
    return {
        "program": program,
        "round": selection_round,
        "industry": industry,
        "entries": entries,
        "members": members,
        "providers": {"a": provider_a, "b": provider_b},
        "items": items,
        "bureau": demo_user(Role.BUREAU_REVIEWER),
    }


def sheet_post(items, points="20", submit=True, comment="方案完整"):
    data = {f"item_{item.pk}": points for item in items}
    data.update({"comment": comment, "submit": "1" if submit else "0"})
    return data


def submit_sheet(data, member, entry, points="20"):
    return services.sheet_save(
        access=access_of(member),
        selection_round=data["round"],
        entry=entry,
        scores={str(item.pk): points for item in data["items"]},
        submit=True,
    )


# 1. Conflicts of interest on the sheet page ------------------------------------------------------------


def test_an_affiliated_member_is_refused_on_the_sheet_page_and_its_post_stores_nothing(client, scoring_round):
    data = scoring_round
    linked, entry = data["members"]["linked"], data["entries"]["a"]
    with translation.override(settings.LANGUAGE_CODE):
        refusal = selectors.member_conflict(member=linked, entry=entry)
    assert refusal
    client.force_login(linked)
    sheet_url = url("sheet", round=data["round"].pk, entry=entry.pk)

    page = client.get(sheet_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert in_ui_language(refusal) in body
    assert 'name="submit"' not in body and f'name="item_{data["items"][0].pk}"' not in body

    posted = client.post(sheet_url, sheet_post(data["items"]))
    assert posted.status_code == 200
    assert in_ui_language(refusal) in posted.content.decode()
    assert not CommitteeSheet.objects.filter(application=entry, member=linked).exists()

    # The same member may score the other applicant, to which it has no link.
    other = client.get(url("sheet", round=data["round"].pk, entry=data["entries"]["b"].pk)).content.decode()
    assert f'name="item_{data["items"][0].pk}"' in other


def test_a_member_who_declared_a_link_through_the_page_is_refused_too(client, scoring_round):
    data = scoring_round
    member, entry = data["members"]["m2"], data["entries"]["b"]
    client.force_login(member)
    sheet_url = url("sheet", round=data["round"].pk, entry=entry.pk)
    assert f'name="item_{data["items"][0].pk}"' in client.get(sheet_url).content.decode()

    declared = client.post(
        url("conflict", round=data["round"].pk, entry=entry.pk), {"kind": "employment", "note": "曾任职"}
    )
    assert declared.status_code == 302
    assert ConflictDeclaration.objects.filter(application=entry, member=member, kind="employment").exists()

    page = client.get(sheet_url).content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        refusal = selectors.member_conflict(member=member, entry=entry)
    assert refusal and in_ui_language(refusal) in page
    assert 'name="submit"' not in page

    client.post(sheet_url, sheet_post(data["items"]))
    assert not CommitteeSheet.objects.filter(application=entry, member=member).exists()
    # The round page shows the member's state for that applicant as a conflict, with no "Declare" form left.
    round_page = client.get(url("round", round=data["round"].pk))
    row = next(row for row in round_page.context["member_rows"] if row["entry"].pk == entry.pk)
    assert row["state"] == "conflict" and row["declared"]


def test_sheet_page_saves_a_draft_then_submits_and_shows_errors_on_the_items(client, scoring_round):
    data = scoring_round
    member, entry, items = data["members"]["m1"], data["entries"]["a"], data["items"]
    client.force_login(member)
    sheet_url = url("sheet", round=data["round"].pk, entry=entry.pk)

    too_high = sheet_post(items, submit=False)
    too_high[f"item_{items[0].pk}"] = "26"  # the first item's maximum is 25
    refused = client.post(sheet_url, too_high)
    assert refused.status_code == 200
    assert f"item_{items[0].pk}" in refused.context["form"].errors
    assert not CommitteeSheet.objects.filter(application=entry, member=member).exists()

    partial = {f"item_{items[0].pk}": "18.5", "comment": "", "submit": "0"}
    assert client.post(sheet_url, partial).status_code == 302
    draft = CommitteeSheet.objects.get(application=entry, member=member)
    assert draft.status == SheetStatus.DRAFT and str(draft.total) == "18.50"
    assert 'value="18.50"' in client.get(sheet_url).content.decode()

    incomplete = client.post(sheet_url, {**partial, "submit": "1"})
    assert incomplete.status_code == 200 and incomplete.context["form"].non_field_errors()
    draft.refresh_from_db()
    assert draft.status == SheetStatus.DRAFT

    done = client.post(sheet_url, sheet_post(items, points="21"))
    assert done.status_code == 302 and done["Location"] == url("entry", round=data["round"].pk, entry=entry.pk)
    draft.refresh_from_db()
    assert draft.status == SheetStatus.SUBMITTED and str(draft.total) == "84.00"
    final = client.get(sheet_url).content.decode()
    assert 'name="submit"' not in final and "84.00" in final


# 2. Confirmation and publication -----------------------------------------------------------------------


def test_confirm_needs_a_reason_while_sheets_are_missing_then_publish_selects(client, scoring_round):
    data = scoring_round
    selection_round, a, b = data["round"], data["entries"]["a"], data["entries"]["b"]
    # The second applicant wins: the first one is already selected for this industry by the demo's round.
    submit_sheet(data, data["members"]["m1"], a, points="20")
    submit_sheet(data, data["members"]["m1"], b, points="22")
    submit_sheet(data, data["members"]["m2"], b, points="23")
    # Missing: m2 → a, linked → b (linked is conflicted with a, so that cell does not count).
    assert len(selectors.missing_sheets(selection_round)) == 2

    client.force_login(data["bureau"])
    page = client.get(url("round", round=selection_round.pk))
    assert page.status_code == 200 and len(page.context["missing"]) == 2
    states = {(cell.member.pk, cell.entry.pk): cell.state for row in page.context["grid"] for cell in row}
    assert states[(data["members"]["linked"].pk, a.pk)] == "conflict"
    assert states[(data["members"]["m2"].pk, a.pk)] == "missing"
    assert states[(data["members"]["linked"].pk, b.pk)] == "missing"
    assert states[(data["members"]["m1"].pk, a.pk)] == "submitted"

    refused = client.post(url("round-confirm", round=selection_round.pk), {"reason": "  "})
    assert refused.status_code == 200
    assert "reason" in refused.context["confirm_form"].errors
    assert refused.context["confirm_form"].non_field_errors()
    assert "field-invalid" in refused.content.decode()
    selection_round.refresh_from_db()
    assert selection_round.status == RoundStatus.SCORING
    assert not RoundResult.objects.filter(round=selection_round).exists()

    confirmed = client.post(
        url("round-confirm", round=selection_round.pk), {"reason": "评委乙因病缺席，经局务会同意按现有评分确认"}
    )
    assert confirmed.status_code == 302
    selection_round.refresh_from_db()
    assert selection_round.status == RoundStatus.CONFIRMED
    assert selection_round.missing_sheets_reason.startswith("评委乙因病缺席")
    assert selection_round.confirmed_by == data["bureau"]
    top = RoundResult.objects.get(round=selection_round, rank=1)
    assert top.application == b and top.selected and str(top.score) == "90.00"
    assert not RoundResult.objects.get(round=selection_round, application=a).selected

    shown = client.get(url("round", round=selection_round.pk))
    assert shown.context["settled"] and shown.context["publish_form"] is not None
    assert "评委乙因病缺席" in shown.content.decode()

    no_date = client.post(url("round-publish", round=selection_round.pk), {"published_on": ""})
    assert no_date.status_code == 200
    selection_round.refresh_from_db()
    assert selection_round.status == RoundStatus.CONFIRMED

    published_on = timezone.localdate()
    assert (
        client.post(
            url("round-publish", round=selection_round.pk), {"published_on": published_on.isoformat()}
        ).status_code
        == 302
    )
    selection_round.refresh_from_db()
    assert selection_round.status == RoundStatus.PUBLISHED and selection_round.published_on == published_on
    selection = ProviderSelection.objects.get(round=selection_round)
    assert (selection.membership, selection.industry, selection.is_active) == (b.membership, data["industry"], True)
    b.membership.refresh_from_db()
    assert b.membership.status == PoolStatus.SELECTED

    # After publication the applicants read the selected list.
    client.force_login(data["providers"]["a"])
    seen = client.get(url("round", round=selection_round.pk))
    assert seen.status_code == 200
    assert [result.application for result in seen.context["published"]] == [b]
    assert b.membership.organisation.name in seen.content.decode()


def test_advance_refuses_a_stale_page(client, scoring_round):
    data = scoring_round
    client.force_login(data["bureau"])
    response = client.post(url("round-advance", round=data["round"].pk), {"expected_status": "open"}, follow=True)
    assert response.status_code == 200
    data["round"].refresh_from_db()
    assert data["round"].status == RoundStatus.SCORING
    assert any(message.level_tag == "error" for message in response.context["messages"])


# 3. Sheets a member may read -----------------------------------------------------------------------------


def test_a_member_reads_the_others_sheets_only_after_submitting_its_own(client, scoring_round):
    data = scoring_round
    m1, m2, entry = data["members"]["m1"], data["members"]["m2"], data["entries"]["a"]
    submit_sheet(data, m2, entry, points="19")
    entry_url = url("entry", round=data["round"].pk, entry=entry.pk)
    client.force_login(m1)

    before = client.get(entry_url)
    assert before.status_code == 200
    assert before.context["sheets"] == []
    assert m2.display_name not in before.content.decode()

    client.post(url("sheet", round=data["round"].pk, entry=entry.pk), sheet_post(data["items"], submit=False))
    draft = client.get(entry_url)
    assert [sheet.member for sheet in draft.context["sheets"]] == [m1]
    assert m2.display_name not in draft.content.decode()
    assert not draft.context["own_submitted"]

    client.post(url("sheet", round=data["round"].pk, entry=entry.pk), sheet_post(data["items"]))
    after = client.get(entry_url)
    assert {sheet.member for sheet in after.context["sheets"]} == {m1, m2}
    assert m2.display_name in after.content.decode()
    assert "76.00" in after.content.decode()  # m2's total, 4 × 19

    # The bureau reads every sheet; the provider reads its own application but no sheet.
    client.force_login(data["bureau"])
    assert len(client.get(entry_url).context["sheets"]) == 2
    client.force_login(data["providers"]["a"])
    own = client.get(entry_url)
    assert own.status_code == 200 and "sheets" not in own.context
    assert m2.display_name not in own.content.decode()


# 4. Who opens which page ------------------------------------------------------------------------------


@pytest.fixture
def pages(scoring_round):
    data = scoring_round
    bureau = access_of(data["bureau"])
    draft = services.round_create(
        access=bureau,
        fields={
            "title": "草拟中的轮次",
            "opens_on": timezone.localdate(),
            "closes_on": timezone.localdate() + timedelta(days=5),
            "places": 2,
            "template": data["round"].template,
            "notes": "",
        },
        industries=[data["industry"]],
    )
    open_round = services.round_create(
        access=bureau,
        fields={
            **{k: getattr(draft, k) for k in ("opens_on", "closes_on", "places", "template", "notes")},
            "title": "开放中",
        },
        industries=[data["industry"]],
    )
    services.round_advance(access=bureau, selection_round=open_round)
    provider = access_of(data["providers"]["a"])
    case = services.provider_case_save(
        access=provider, fields={"title": "锅具厂MES改造", "client": "武义某锅具厂", "year": 2023}
    )
    document = services.provider_document_add(
        access=provider,
        kind="case",
        case=case,
        upload=SimpleUploadedFile("case.pdf", b"%PDF-1.4 case evidence\n%%EOF\n", content_type="application/pdf"),
    )
    membership = data["entries"]["a"].membership
    seat = data["round"].seats.filter(is_active=True).first()
    r, a, b = data["round"].pk, data["entries"]["a"].pk, data["entries"]["b"].pk
    return {
        **data,
        "urls": {
            "rounds": url("rounds"),
            "round": url("round", round=r),
            "round-new": url("round-new"),
            "round-edit": url("round-edit", round=draft.pk),
            "entry-a": url("entry", round=r, entry=a),
            "entry-b": url("entry", round=r, entry=b),
            "sheet": url("sheet", round=r, entry=b),
            "apply": url("round-apply", round=open_round.pk),
            "detail": url("detail", provider=membership.pk),
            "document": url("document", provider=membership.pk, document=document.pk),
            "profile": url("profile"),
            "case-new": url("case-new"),
            "case-edit": url("case-edit", case=case.pk),
        },
        "posts": {
            "round-advance": url("round-advance", round=r),
            "round-seat": url("round-seat", round=r),
            "round-unseat": url("round-unseat", round=r, seat=seat.pk),
            "round-confirm": url("round-confirm", round=r),
            "round-publish": url("round-publish", round=r),
            "round-withdraw": url("round-withdraw", round=open_round.pk),
            "conflict": url("conflict", round=r, entry=a),
            "decide": url("decide", provider=membership.pk),
            "case-close": url("case-close", case=case.pk),
            "document-upload": url("document-upload"),
            "document-remove": url("document-remove", document=document.pk),
        },
        "draft": draft,
    }


# page → roles that get 200; every other demo role gets 403 or 404.
ALLOWED = {
    "rounds": {"reviewer", "admin", "auditor", "supervisor", "committee", "provider"},
    "round": {"reviewer", "admin", "auditor", "supervisor", "committee", "provider"},
    "round-new": {"reviewer", "admin"},
    "round-edit": {"reviewer", "admin"},
    "entry-a": {"reviewer", "admin", "auditor", "supervisor", "committee", "provider"},
    "entry-b": {"reviewer", "admin", "auditor", "supervisor", "committee"},
    "sheet": {"committee"},
    "apply": {"provider"},
    "detail": {"reviewer", "admin", "auditor", "supervisor", "committee", "provider", "enterprise"},
    "document": {"reviewer", "admin", "auditor", "supervisor", "committee", "provider", "enterprise"},
    "profile": {"provider"},
    "case-new": {"provider"},
    "case-edit": {"provider"},
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_each_page_opens_for_its_roles_only(client, pages, page):
    path = pages["urls"][page]
    for role, login in ROLE_LOGIN.items():
        client.force_login(demo_user(role))
        response = client.get(path)
        if login in ALLOWED[page]:
            assert response.status_code == 200, f"{page} as {login}: {response.status_code}"
        else:
            assert response.status_code in (403, 404), f"{page} as {login}: {response.status_code}"


def test_outsiders_and_program_b_get_nothing_and_change_nothing(client, pages):
    data = pages
    outsiders = [
        UserFactory(username="sel-nobody"),
        demo_user(Role.BUREAU_ADMIN, "yongkang-2024"),
        demo_user(Role.COMMITTEE_MEMBER, "yongkang-2024"),
        demo_user(Role.PROVIDER, "yongkang-2024"),
    ]
    markers = [data["round"].title, data["entries"]["a"].membership.organisation.uscc, "case evidence", "锅具厂MES改造"]
    for user in outsiders:
        client.force_login(user)
        for name, path in data["urls"].items():
            response = client.get(path)
            assert response.status_code in (403, 404), f"GET {name} as {user.username}: {response.status_code}"
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert not any(marker.encode() in body for marker in markers), f"GET {name} as {user.username}"
        for name, path in data["posts"].items():
            response = client.post(path, {"reason": "x", "kind": "warn", "expected_status": "scoring"})
            assert response.status_code in (403, 404), f"POST {name} as {user.username}: {response.status_code}"
    data["round"].refresh_from_db()
    assert data["round"].status == RoundStatus.SCORING
    assert data["round"].seats.filter(is_active=True).count() == 3
    assert not PoolDecision.objects.filter(membership=data["entries"]["a"].membership).exists()


def test_page_contents_per_role(client, pages):
    data = pages
    client.force_login(data["bureau"])
    listing = client.get(data["urls"]["rounds"]).content.decode()
    assert data["round"].title in listing and data["draft"].title in listing
    assert url("round-new") in listing

    round_page = client.get(data["urls"]["round"])
    assert round_page.context["seat_form"] is not None and round_page.context["confirm_form"] is not None
    assert [seat.member for seat in round_page.context["seats"]] == list(data["members"].values())

    # A provider does not see rounds in preparation, nor the others' applications.
    client.force_login(data["providers"]["b"])
    listing = client.get(data["urls"]["rounds"]).content.decode()
    assert data["round"].title in listing and data["draft"].title not in listing
    assert client.get(url("round", round=data["draft"].pk)).status_code == 404
    round_page = client.get(data["urls"]["round"])
    assert round_page.context["own_entry"] == data["entries"]["b"]
    assert "entries" not in round_page.context and round_page.context["ranking"] is None

    # A document reaches the bureau and the committee, not a competing provider.
    assert client.get(data["urls"]["document"]).status_code == 404
    client.force_login(data["members"]["m1"])
    download = client.get(data["urls"]["document"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-1.4 case")

    # The providers list links each provider to its page.
    client.force_login(data["bureau"])
    providers = client.get(reverse("providers:list", kwargs={"program": SLUG})).content.decode()
    assert data["urls"]["detail"] in providers


def test_round_set_up_and_provider_application_through_the_pages(client, pages):
    data = pages
    client.force_login(data["bureau"])
    form = client.get(data["urls"]["round-new"])
    templates = list(form.context["form"].fields["template"].queryset)
    assert templates == [data["round"].template]
    today = timezone.localdate()
    created = client.post(
        data["urls"]["round-new"],
        {
            "title": "第二轮遴选",
            "industries": [data["industry"].pk],
            "opens_on": today.isoformat(),
            "closes_on": (today - timedelta(days=1)).isoformat(),
            "places": "2",
            "template": data["round"].template.pk,
        },
    )
    assert created.status_code == 200 and "closes_on" in created.context["form"].errors
    created = client.post(
        data["urls"]["round-new"],
        {
            "title": "第二轮遴选",
            "industries": [data["industry"].pk],
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=7)).isoformat(),
            "places": "2",
            "template": data["round"].template.pk,
        },
    )
    assert created.status_code == 302
    second = SelectionRound.objects.get(program=data["program"], title="第二轮遴选")
    edit = url("round-edit", round=second.pk)
    values = {
        "title": "第二轮遴选（修订）",
        "industries": [data["industry"].pk],
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=9)).isoformat(),
        "places": "2",
        "template": data["round"].template.pk,
    }
    assert "change_reason" in client.post(edit, values).context["form"].errors
    assert client.post(edit, {**values, "change_reason": "延长报名期"}).status_code == 302
    second.refresh_from_db()
    assert second.title == "第二轮遴选（修订）" and second.closes_on == today + timedelta(days=9)

    seat = client.post(url("round-seat", round=second.pk), {"member": data["members"]["m1"].pk, "capacity": "协会"})
    assert seat.status_code == 302 and selectors.is_seated(second, data["members"]["m1"])
    client.post(url("round-advance", round=second.pk), {"expected_status": "draft"})
    second.refresh_from_db()
    assert second.status == RoundStatus.OPEN

    # The provider applies, prefilled from its profile, then withdraws.
    provider = data["providers"]["b"]
    membership = PoolMembership.objects.get(program=data["program"], organisation=provider.organisation)
    client.force_login(provider)
    apply_url = url("round-apply", round=second.pk)
    initial = client.get(apply_url).context["form"].initial
    assert initial["local_support_staff"] == membership.local_support_staff
    assert initial["industries"] == [data["industry"]]
    applied = client.post(
        apply_url,
        {"industries": [data["industry"].pk], "team": "团队", "solution": "方案", "local_support_staff": "3"},
    )
    assert applied.status_code == 302
    entry = second.applications.get(membership=membership)
    assert entry.status == "submitted" and entry.local_support_staff == 3
    assert client.get(apply_url).context["form"].initial["team"] == "团队"
    assert client.post(url("round-withdraw", round=second.pk)).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "withdrawn"


def test_pool_decision_and_profile_through_the_pages(client, pages):
    data = pages
    provider = data["providers"]["b"]
    membership = PoolMembership.objects.get(program=data["program"], organisation=provider.organisation)
    assert membership.status == PoolStatus.POOL
    detail = url("detail", provider=membership.pk)

    client.force_login(data["bureau"])
    page = client.get(detail)
    assert page.status_code == 200 and page.context["decision_form"] is not None
    assert page.context["standing"].projects == 0
    refused = client.post(url("decide", provider=membership.pk), {"kind": "admit", "reason": "增选", "decided_on": ""})
    assert refused.status_code == 200 and refused.context["decision_form"].errors
    assert not membership.decisions.exists()
    admitted = client.post(
        url("decide", provider=membership.pk),
        {
            "kind": "admit",
            "industries": [data["industry"].pk],
            "reason": "经研究同意增选",
            "reference": "武经商〔2024〕12号",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert admitted.status_code == 302
    membership.refresh_from_db()
    assert membership.status == PoolStatus.SELECTED
    assert ProviderSelection.objects.filter(membership=membership, industry=data["industry"], is_active=True).exists()
    assert "武经商〔2024〕12号" in client.get(detail).content.decode()

    # Other roles read the page without the decision form.
    client.force_login(demo_user(Role.ENTERPRISE))
    assert "decision_form" not in client.get(detail).context

    # The provider keeps its own profile.
    client.force_login(provider)
    profile = client.get(url("profile"))
    assert profile.status_code == 200
    saved = client.post(
        url("profile"),
        {
            "local_support_staff": "9",
            "qualifications": "ISO 9001",
            "team": "十人团队",
            "services": "MES、WMS",
            "industries": [data["industry"].pk],
            "change_reason": "更新团队",
        },
    )
    assert saved.status_code == 302
    membership.refresh_from_db()
    assert (membership.local_support_staff, membership.team) == (9, "十人团队")
    uploaded = client.post(
        url("document-upload"),
        {"kind": "qualification", "file": SimpleUploadedFile("cert.pdf", b"%PDF-1.4 cert\n%%EOF\n")},
    )
    assert uploaded.status_code == 302
    document = membership.documents.get(is_active=True)
    assert client.get(url("document", provider=membership.pk, document=document.pk)).status_code == 200
    client.post(url("document-remove", document=document.pk))
    document.refresh_from_db()
    assert not document.is_active


def test_a_provider_registers_and_the_bureau_admits_it_to_the_pool(client):
    """Public registration with a USCC → pending, no role → the reviewer approves → in the pool, with the role."""
    from organisations import uscc as uscc_rules
    from programs.access import program_roles
    from providers.models import PoolMembership, ProviderSignup

    program = Program.objects.get(slug=SLUG)
    Program.objects.filter(pk=program.pk).update(is_public=True)
    doors = program.industries.get(code="doors")
    code = uscc_rules.complete("91330723MA2BBBBB0")
    form = {
        "uscc": code,
        "name": "武义新锐数字科技有限公司",
        "industries": [doors.pk],
        "local_support_staff": "5",
        "qualifications": "ISO 9001",
        "username": "new-provider",
        "display_name": "王经理",
        "phone": "13800000000",
        "email": "",
        "password1": "Strong#pass-2024",
        "password2": "Strong#pass-2024",
    }
    bad = client.post(
        f"/accounts/signup/{SLUG}/provider/", {**form, "uscc": code[:-1] + ("Y" if code[-1] == "X" else "X")}
    )
    assert bad.status_code == 200 and not ProviderSignup.objects.filter(user__username="new-provider").exists()
    response = client.post(f"/accounts/signup/{SLUG}/provider/", form)
    assert response.status_code == 302
    signup = ProviderSignup.objects.get(user__username="new-provider")
    assert signup.status == "pending" and not program_roles(user=signup.user, program=program)

    client.force_login(get_user_model().objects.get(username="wuyi-enterprise"))
    assert client.post(f"/p/{SLUG}/provider-signups/{signup.pk}/decide/", {"decision": "approve"}).status_code == 403
    client.force_login(get_user_model().objects.get(username="wuyi-reviewer"))
    assert "武义新锐数字科技有限公司" in client.get(f"/p/{SLUG}/provider-signups/").content.decode()
    client.post(f"/p/{SLUG}/provider-signups/{signup.pk}/decide/", {"decision": "approve"})
    membership = PoolMembership.objects.get(program=program, organisation__uscc=code)
    assert membership.status == "pool" and list(membership.industries.all()) == [doors]
    assert Role.PROVIDER in program_roles(user=signup.user, program=program)


def test_the_provider_sees_its_standing_on_the_dashboard(client):
    provider = get_user_model().objects.get(username="wuyi-provider")
    client.force_login(provider)
    response = client.get(f"/p/{SLUG}/")
    standing = response.context["standing"]
    assert response.context["own_membership"].organisation_id == provider.organisation_id
    assert (standing.projects, standing.in_implementation, standing.overdue) == (1, 1, 0)
    client.force_login(get_user_model().objects.get(username="wuyi-enterprise"))
    assert "standing" not in client.get(f"/p/{SLUG}/").context
