"""The endpoints the program-year journeys needed, on the demo programs: each answers the role that may act with
its exact status and refuses a role that may not; the public sign-ups take published programs only."""

import datetime

import pytest
from django.utils import timezone

from enterprises.models import SignupRequest
from organisations import uscc
from portal.core.roles import Role
from programs.models import Program, RoleAssignment
from providers.models import PoolStatus, ProviderSignup, RoundStatus, SelectionRound
from rankings import periods
from rankings.models import RankingSnapshot, SnapshotStatus
from rankings.services import scheme_of, snapshot_make
from tests.factories import UserFactory, user_with_role
from tests.support.pages import page_queries
from tests.support.people import api, user
from tests.support.target_list import target_list_upload as target_workbook
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db

PROGRAM = "wuyi-2024"
PASSWORD = "Endpoint-password-2024"


url = urls_in("api", PROGRAM)


def enterprise_body(username="ep-enterprise", serial=301):
    return {
        "username": username,
        "display_name": "联系人",
        "phone": "0579-87000000",
        "password": PASSWORD,
        "uscc": uscc.complete(f"91330723MA{serial:07d}"),
        "name": "武义接口测试企业有限公司",
        "township": "330723.07",
        "industry": "hardware",
        "scale": "above",
        "output_band": "lt100m",
    }


def provider_body(username="ep-provider", serial=401):
    return {
        "username": username,
        "display_name": "申报人",
        "phone": "0579-87000001",
        "password": PASSWORD,
        "uscc": uscc.complete(f"91330700MA{serial:07d}"),
        "name": "接口测试服务商有限公司",
        "industries": ["kitchenware"],
        "local_support_staff": 3,
    }


# --- public sign-ups -----------------------------------------------------------------------------------------


def test_an_enterprise_signs_up_for_a_published_program_only():
    created = api().post(url("signup"), enterprise_body(), format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["status"], row["industry"], row["township"], row["claimed_existing"]) == (
        "pending",
        "hardware",
        "330723.07",
        False,
    )
    signup = SignupRequest.objects.get(pk=row["id"])
    assert signup.program.slug == PROGRAM and not RoleAssignment.objects.filter(user=signup.user).exists()

    hidden = api().post(url("signup", program="jinhua-pilot"), enterprise_body("ep-other", 302), format="json")
    assert hidden.status_code == 404
    # Any method on an unpublished program is the same 404; a published one only takes POST.
    assert api().get(url("signup", program="jinhua-pilot")).status_code == 404
    assert api().get(url("signup")).status_code == 405
    outside = api().post(url("signup"), {**enterprise_body("ep-out", 303), "township": "330784.03"}, format="json")
    assert outside.status_code == 400 and "township" in outside.json()["error"]["fields"]


def test_a_provider_signs_up_for_a_published_program_only():
    created = api().post(url("provider-signup"), provider_body(), format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["status"], created.json()["industries"]) == ("pending", ["kitchenware"])
    assert ProviderSignup.objects.filter(pk=created.json()["id"], program__slug=PROGRAM).exists()

    hidden = api().post(url("provider-signup", program="jinhua-pilot"), provider_body("ep-p2", 402), format="json")
    assert hidden.status_code == 404
    unknown = api().post(
        url("provider-signup"), {**provider_body("ep-p3", 403), "industries": ["garments"]}, format="json"
    )
    assert unknown.status_code == 400 and "industries" in unknown.json()["error"]["fields"]


# --- the bureau's decisions on sign-ups ----------------------------------------------------------------------


def test_reviewers_list_and_decide_enterprise_signups():
    row = api().post(url("signup"), enterprise_body(), format="json").json()

    assert api("wuyi-provider").get(url("signup-list")).status_code == 403
    listed = api("wuyi-reviewer").get(url("signup-list"))
    assert listed.status_code == 200 and row["id"] in [item["id"] for item in listed.json()["results"]]

    decision = url("signup-decision", signup=row["id"])
    assert api("wuyi-enterprise").post(decision, {"decision": "approve"}, format="json").status_code == 403
    unexplained = api("wuyi-reviewer").post(decision, {"decision": "reject"}, format="json")
    assert unexplained.status_code == 400 and "reason" in unexplained.json()["error"]["fields"]
    approved = api("wuyi-reviewer").post(decision, {"decision": "approve"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert RoleAssignment.objects.filter(user__username="ep-enterprise", role=Role.ENTERPRISE).exists()
    again = api("wuyi-reviewer").post(decision, {"decision": "approve"}, format="json")
    assert again.status_code == 409


def test_the_bureau_admits_a_registered_provider_to_the_pool():
    row = api().post(url("provider-signup"), provider_body(), format="json").json()

    assert api("wuyi-enterprise").get(url("provider-signup-list")).status_code == 403
    listed = api("wuyi-reviewer").get(url("provider-signup-list"))
    assert listed.status_code == 200 and row["id"] in [item["id"] for item in listed.json()["results"]]

    decision = url("provider-signup-decision", provider_signup=row["id"])
    assert api("wuyi-enterprise").post(decision, {"decision": "approve"}, format="json").status_code == 403
    approved = api("wuyi-admin").post(decision, {"decision": "approve"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    pool = api("wuyi-reviewer").get(url("provider-list"), {"search": "接口测试服务商"}).json()["results"]
    assert [(item["status"], item["industries"]) for item in pool] == [(PoolStatus.POOL, ["kitchenware"])]


# --- the resource pool ---------------------------------------------------------------------------------------


def test_an_enterprise_lists_the_providers_it_may_pick():
    response = api("wuyi-enterprise").get(url("provider-list"), {"pickable_for": "kitchenware"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and all("kitchenware" in row["selected_industries"] for row in rows)
    everyone = api("wuyi-enterprise").get(url("provider-list")).json()["count"]
    assert everyone > len(rows)
    assert api("wuyi-enterprise").get(url("provider-list"), {"pickable_for": "nothing"}).json()["results"] == []
    assert api("wuyi-expert").get(url("provider-list")).status_code == 403


# --- rounds: open, seat, advance -----------------------------------------------------------------------------


def round_body():
    today = timezone.localdate()
    return {
        "title": "接口开设的遴选",
        "industries": ["doors"],
        "opens_on": str(today),
        "closes_on": str(today + datetime.timedelta(days=14)),
        "places": 3,
        "template": "provider-selection",
    }


def test_a_reviewer_opens_a_round_and_a_provider_may_not():
    assert api("wuyi-provider").post(url("selection-round-list"), round_body(), format="json").status_code == 403
    created = api("wuyi-reviewer").post(url("selection-round-list"), round_body(), format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["status"], created.json()["industries"]) == ("draft", ["doors"])
    wrong = api("wuyi-reviewer").post(url("selection-round-list"), {**round_body(), "template": "x"}, format="json")
    assert wrong.status_code == 400 and "template" in wrong.json()["error"]["fields"]


def draft_round():
    response = api("wuyi-reviewer").post(url("selection-round-list"), round_body(), format="json")
    return response.json()["id"]


def test_a_reviewer_seats_committee_members_only():
    round_id = draft_round()
    seats = url("selection-round-seat", round=round_id)
    member = user("wuyi-committee")
    assert api("wuyi-committee").post(seats, {"member": member.pk}, format="json").status_code == 403
    outsider = api("wuyi-reviewer").post(seats, {"member": user("wuyi-enterprise").pk}, format="json")
    assert outsider.status_code == 400 and "member" in outsider.json()["error"]["fields"]
    seated = api("wuyi-reviewer").post(seats, {"member": member.pk, "capacity": "行业协会"}, format="json")
    assert seated.status_code == 201 and seated.json()["member"] == member.pk
    assert api("wuyi-reviewer").post(seats, {"member": member.pk}, format="json").status_code == 409


def test_a_reviewer_advances_a_round_as_seen():
    round_id = draft_round()
    advance = url("selection-round-advance", round=round_id)
    assert api("wuyi-provider").post(advance, {"expected_status": "draft"}, format="json").status_code == 403
    opened = api("wuyi-reviewer").post(advance, {"expected_status": "draft"}, format="json")
    assert opened.status_code == 200 and opened.json()["status"] == RoundStatus.OPEN
    stale = api("wuyi-reviewer").post(advance, {"expected_status": "draft"}, format="json")
    assert stale.status_code == 409
    # Scoring cannot start without a seated committee.
    empty = api("wuyi-reviewer").post(advance, {"expected_status": "open"}, format="json")
    assert empty.status_code == 400
    assert SelectionRound.objects.get(pk=round_id).status == RoundStatus.OPEN


# --- members -------------------------------------------------------------------------------------------------


def test_a_bureau_admin_grants_roles_and_a_reviewer_may_not():
    program = Program.objects.get(slug=PROGRAM)
    newcomer = UserFactory(username="ep-new-expert", organisation=user("wuyi-expert").organisation)
    body = {"username": newcomer.username, "role": Role.EXPERT}
    assert api("wuyi-reviewer").post(url("member-list"), body, format="json").status_code == 403
    granted = api("wuyi-admin").post(url("member-list"), body, format="json")
    assert granted.status_code == 201, granted.json()
    assert (granted.json()["user"], granted.json()["role"]) == (newcomer.pk, Role.EXPERT)
    assert RoleAssignment.objects.filter(program=program, user=newcomer, role=Role.EXPERT, revoked_at=None).exists()
    unknown = api("wuyi-admin").post(url("member-list"), {**body, "username": "nobody-here"}, format="json")
    assert unknown.status_code == 400 and "username" in unknown.json()["error"]["fields"]
    listed = api("wuyi-admin").get(url("member-list"), {"page_size": 200}).json()["results"]
    assert newcomer.username in [row["username"] for row in listed]


# --- supervision firms, announcements, rankings --------------------------------------------------------------


def test_the_bureau_lists_the_supervision_firms_it_may_assign():
    response = api("wuyi-reviewer").get(url("supervision-firms"))
    assert response.status_code == 200
    firm = user("wuyi-supervision").organisation
    assert [(row["id"], row["name"]) for row in response.json()["results"]] == [(firm.pk, firm.name)]
    assert api("wuyi-enterprise").get(url("supervision-firms")).status_code == 403


def test_a_reviewer_concludes_ended_announcements():
    assert api("wuyi-enterprise").post(url("announcement-conclude")).status_code == 403
    response = api("wuyi-reviewer").post(url("announcement-conclude"))
    assert response.status_code == 200 and response.json() == {"concluded": 0}


def test_a_reviewer_publishes_a_ranking_and_a_provider_may_not():
    program = Program.objects.get(slug=PROGRAM)
    scheme = scheme_of(program)
    period = periods.period_containing(scheme.period, program.starts_on, program.starts_on)
    snapshot = snapshot_make(program=program, period=period)
    publish = url("ranking-publish", snapshot=snapshot.pk)

    assert api("wuyi-provider").post(publish).status_code == 403
    published = api("wuyi-reviewer").post(publish)
    assert published.status_code == 200 and published.json()["status"] == SnapshotStatus.PUBLISHED
    assert RankingSnapshot.objects.get(pk=snapshot.pk).published_by == user("wuyi-reviewer")
    assert api("wuyi-reviewer").post(publish).status_code == 409
    other_program = user_with_role(Program.objects.get(slug="yongkang-2024"), Role.BUREAU_REVIEWER)
    assert api(other_program).post(publish).status_code == 404


# --- query counts --------------------------------------------------------------------------------------------


def add_registrations(count, serial):
    for n in range(count):
        api().post(url("signup"), enterprise_body(f"ep-many-{serial}-{n}", serial + n), format="json")
        api().post(url("provider-signup"), provider_body(f"ep-pmany-{serial}-{n}", serial + n), format="json")


@pytest.mark.parametrize(
    "name",
    ["signup-list", "provider-signup-list", "provider-list", "member-list", "supervision-firms"],
)
def test_the_new_lists_cost_the_same_for_more_rows(name):
    program = Program.objects.get(slug=PROGRAM)
    client = api("wuyi-admin" if name == "member-list" else "wuyi-reviewer")
    add_registrations(1, 500)
    first, _queries = page_queries(client, url(name))
    add_registrations(10, 510)
    for n in range(10):
        user_with_role(program, Role.EXPERT, username=f"ep-count-expert-{n}")
    for row in ProviderSignup.objects.filter(program=program, status="pending"):
        api("wuyi-admin").post(url("provider-signup-decision", provider_signup=row.pk), {"decision": "approve"})
    later, queries = page_queries(client, url(name))
    assert later == first, "\n".join(query["sql"] for query in queries.captured_queries)


# --- program settings and the target list ---------------------------------------------------------------------


def test_a_bureau_admin_changes_the_settings_with_a_reason_and_a_reviewer_may_not():
    settings_url = url("program-settings")
    assert api("wuyi-reviewer").patch(settings_url, {"reason": "x"}, format="json").status_code == 403
    assert api("wuyi-enterprise").get(settings_url).status_code == 403
    refused = api("wuyi-admin").patch(settings_url, {"announcement_working_days": 5}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    changed = api("wuyi-admin").patch(
        settings_url, {"announcement_working_days": 5, "reason": "公示期调整"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["announcement_working_days"] == 5
    program = Program.objects.get(slug=PROGRAM)
    assert program.announcement_working_days == 5
    assert program.history.first().history_change_reason == "公示期调整"
    other_program = user_with_role(Program.objects.get(slug="yongkang-2024"), Role.BUREAU_ADMIN)
    assert api(other_program).patch(settings_url, {"reason": "x"}, format="json").status_code == 404


def test_the_bureau_admin_imports_the_target_list_all_or_nothing():
    good = [uscc.complete("91330723MA0000601"), "武义清单导入甲厂", "330723.07", "hardware", "规上", "张三", ""]
    bad = [uscc.complete("91330723MA0000602"), "武义清单导入乙厂", "330723.07", "ceramics", "规下", "", ""]
    before = api("wuyi-reviewer").get(url("target-list")).json()["count"]

    refused = api("wuyi-admin").post(url("target-import"), {"file": target_workbook([good, bad])}, format="multipart")
    assert refused.status_code == 400
    (message,) = refused.json()["error"]["fields"]["file"]
    assert "3" in message  # the second data row is row 3 in Excel
    assert api("wuyi-reviewer").get(url("target-list")).json()["count"] == before

    denied = api("wuyi-reviewer").post(url("target-import"), {"file": target_workbook([good])}, format="multipart")
    assert denied.status_code == 403
    imported = api("wuyi-admin").post(url("target-import"), {"file": target_workbook([good])}, format="multipart")
    assert imported.status_code == 201 and imported.json() == {"rows": 1, "created": 1}
    listed = api("wuyi-reviewer").get(url("target-list"), {"page_size": 500}).json()
    assert listed["count"] == before + 1
    assert [row["industry"] for row in listed["results"] if row["name"] == "武义清单导入甲厂"] == ["hardware"]
    assert api("wuyi-enterprise").get(url("target-list")).status_code == 403


def test_the_target_list_costs_the_same_for_more_rows():
    client = api("wuyi-reviewer")
    row = lambda n: [uscc.complete(f"91330723MA{700 + n:07d}"), f"计数企业{n}", "330723.07", "hardware", "规上", "", ""]  # noqa: E731
    first_import = api("wuyi-admin").post(url("target-import"), {"file": target_workbook([row(0)])}, format="multipart")
    assert first_import.status_code == 201
    first, _queries = page_queries(client, url("target-list"))
    rows = [row(n) for n in range(1, 11)]
    more = api("wuyi-admin").post(url("target-import"), {"file": target_workbook(rows)}, format="multipart")
    assert more.status_code == 201 and more.json()["created"] == 10
    later, queries = page_queries(client, url("target-list"))
    assert later == first, "\n".join(query["sql"] for query in queries.captured_queries)
