"""The providers' solution library (“小快轻准”产品库, seed 004 §6 and §18): a provider keeps its solutions
(draft → published → withdrawn, every change in the history), enterprises and staff browse and filter the
published ones, the bureau marks excellent products within the active policy's maximum, the KPI board counts
published solutions by year, and nothing of one program reaches another."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from enterprises.models import EnterpriseProfile
from portal.core.errors import Conflict, PortalError
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program
from providers import solutions as services
from providers.models import Solution, SolutionAward, SolutionStatus
from rankings.kpi import kpi_board
from rankings.models import KpiTarget
from tests.factories import PoolMembershipFactory, ScenarioModuleFactory, user_with_role
from tests.support.pages import page_queries as count
from tests.support.people import access_in, user

pytestmark = pytest.mark.django_db

JINHUA, WUYI = "jinhua-pilot", "wuyi-2024"


access_of = access_in(JINHUA)


def api(slug=JINHUA, solution=None, action=""):
    base = f"/api/v1/programs/{slug}/solutions/"
    return base if solution is None else f"{base}{solution.pk if hasattr(solution, 'pk') else solution}/{action}"


def page(slug=JINHUA, solution=None, action=""):
    base = f"/p/{slug}/solutions/"
    return base if solution is None else f"{base}{solution.pk}/{action}"


def catalogue(slug=JINHUA):
    program = Program.objects.get(slug=slug)
    industries = list(program.industries.filter(is_active=True).order_by("sort_order", "code"))
    modules = list(program.scenario_modules.filter(is_active=True).order_by("number"))
    for n in range(len(modules), 2):  # a program without a scenario catalogue gets two modules to cover
        modules.append(ScenarioModuleFactory(program=program, code=f"{slug}-module-{n}"))
    return program, industries, modules


def make(username="jinhua-provider", slug=JINHUA, *, name, industries=(), modules=(), publish=True, **fields):
    access = access_of(username, slug)
    values = {"description": f"{name}说明", "deployment": "saas", "cases": "", "price_min": None, "price_max": None}
    values.update(fields)
    solution = services.solution_save(
        access=access, fields={"name": name, **values}, industries=industries, modules=modules
    )
    if publish:
        services.solution_publish(access=access, solution=solution)
    solution.refresh_from_db()
    return solution


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


# A provider's own solutions ------------------------------------------------------------------------------


def test_provider_creates_publishes_and_withdraws_with_history(client):
    program, industries, modules = catalogue()
    provider = user("jinhua-provider")
    client.force_login(provider)
    created = client.post(
        api(),
        {
            "name": "轻量MES",
            "description": "车间排产与报工",
            "industries": [industries[0].code],
            "modules": [modules[0].code],
            "price_min": "30000.00",
            "price_max": "80000.00",
            "deployment": "hybrid",
            "cases": "某五金厂",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["industries"] == [industries[0].code]
    assert body["modules"] == [modules[0].code]
    assert body["price_min"] == "30000.00" and body["price_max"] == "80000.00"
    solution = Solution.objects.get(pk=body["id"])
    assert solution.program == program and solution.membership.organisation_id == provider.organisation_id

    published = client.post(api(solution=solution, action="publish/"))
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None

    refused = client.post(api(solution=solution, action="withdraw/"), {}, content_type="application/json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["error"]["fields"]

    withdrawn = client.post(
        api(solution=solution, action="withdraw/"), {"reason": "产品停售"}, content_type="application/json"
    )
    assert withdrawn.status_code == 200, withdrawn.content
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.WITHDRAWN and solution.withdrawn_reason == "产品停售"

    rows = list(solution.history.order_by("history_id"))
    assert [row.status for row in rows] == ["draft", "published", "withdrawn"]
    assert all(row.history_user_id == provider.pk for row in rows)
    assert rows[-1].history_change_reason == "产品停售"

    # A withdrawn solution is final: no change, no republication, and it is gone from the library.
    changed = client.patch(api(solution=solution), {"name": "再来"}, content_type="application/json")
    assert changed.status_code == 409
    assert client.post(api(solution=solution, action="publish/")).status_code == 409
    assert "轻量MES" not in names(client.get(api()))
    assert Solution.objects.filter(pk=solution.pk).exists()  # nothing deleted


def test_provider_pages_draft_edit_publish(client):
    _program, industries, modules = catalogue()
    client.force_login(user("jinhua-provider"))
    response = client.post(
        page() + "new/",
        {
            "name": "云上质检",
            "description": "视觉检测",
            "industries": [industries[0].pk],
            "modules": [modules[0].pk],
            "price_min": "",
            "price_max": "",
            "deployment": "saas",
            "cases": "",
        },
    )
    solution = Solution.objects.get(name="云上质检")
    assert response.status_code == 302 and response["Location"] == page(solution=solution)
    assert solution.status == SolutionStatus.DRAFT and solution.on_request

    edited = client.post(
        page(solution=solution, action="edit/"),
        {
            "name": "云上质检2",
            "description": "视觉检测",
            "industries": [industries[0].pk],
            "modules": [],
            "price_min": "100",
            "price_max": "200",
            "deployment": "on_premise",
            "cases": "",
            "change_reason": "改名",
        },
    )
    assert edited.status_code == 302
    solution.refresh_from_db()
    assert solution.name == "云上质检2" and solution.deployment == "on_premise"
    assert solution.history.latest().history_change_reason == "改名"
    assert list(solution.modules.all()) == []

    assert client.post(page(solution=solution, action="publish/")).status_code == 302
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED

    mine = client.get(page() + "mine/")
    assert mine.status_code == 200 and "云上质检2" in mine.content.decode()


def test_another_provider_cannot_change_it(client):
    program, _industries, _modules = catalogue()
    draft = make(name="甲的草稿", publish=False)
    published = make(name="甲的方案")
    other = PoolMembershipFactory(program=program)
    rival = user_with_role(program, Role.PROVIDER, username="rival-provider", organisation=other.organisation)
    client.force_login(rival)
    for solution in (draft, published):
        assert client.patch(api(solution=solution), {"name": "改"}, content_type="application/json").status_code == 404
        assert client.post(api(solution=solution, action="publish/")).status_code == 404
        assert (
            client.post(api(solution=solution, action="withdraw/"), {"reason": "x"}, content_type="application/json")
        ).status_code == 404
        assert client.get(page(solution=solution, action="edit/")).status_code == 404
        assert client.post(page(solution=solution, action="withdraw/"), {"reason": "x"}).status_code == 404
    assert client.get(api(solution=draft)).status_code == 404  # another provider's draft is not shown
    with pytest.raises(PortalError):
        services.solution_save(
            access=program_access(user=rival, slug=JINHUA),
            fields={"name": "改"},
            industries=[],
            modules=[],
            solution=published,
        )
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.name, draft.status) == ("甲的草稿", SolutionStatus.DRAFT)
    assert (published.name, published.status) == ("甲的方案", SolutionStatus.PUBLISHED)


def test_price_max_below_min_is_refused_on_the_field(client):
    client.force_login(user("jinhua-provider"))
    payload = {"name": "倒挂", "description": "d", "deployment": "saas", "price_min": "5000", "price_max": "1000"}
    response = client.post(api(), payload, content_type="application/json")
    assert response.status_code == 400
    assert "price_max" in response.json()["error"]["fields"]
    assert not Solution.objects.filter(name="倒挂").exists()

    form = client.post(page() + "new/", {**payload, "industries": [], "modules": []})
    assert form.status_code == 200
    assert "price_max" in form.context["form"].errors
    assert not Solution.objects.filter(name="倒挂").exists()

    fine = client.post(api(), {**payload, "price_max": "5000"}, content_type="application/json")
    assert fine.status_code == 201


# Browsing ------------------------------------------------------------------------------------------------


def test_enterprise_browses_and_filters_published_solutions_of_its_program(client):
    program, industries, modules = catalogue()
    enterprise_user = user("jinhua-enterprise")
    own = EnterpriseProfile.objects.filter(program=program, organisation_id=enterprise_user.organisation_id).get()
    other_industry = next(industry for industry in industries if industry.pk != own.industry_id)
    make(
        name="A方案",
        industries=[own.industry],
        modules=[modules[0]],
        price_min=Decimal("10000"),
        price_max=Decimal("20000"),
    )
    make(
        name="B方案",
        industries=[other_industry],
        modules=[modules[1]],
        deployment="on_premise",
        price_min=Decimal("90000"),
    )
    make(name="C方案", industries=[own.industry], deployment="hybrid")  # on request
    make(name="D草稿", industries=[own.industry], publish=False)
    withdrawn = make(name="E撤回", industries=[own.industry])
    services.solution_withdraw(access=access_of("jinhua-provider"), solution=withdrawn, reason="停售")
    _w, wuyi_industries, _m = catalogue(WUYI)
    make("wuyi-provider", WUYI, name="武义方案", industries=wuyi_industries[:1])

    client.force_login(enterprise_user)
    assert names(client.get(api())) == ["A方案", "B方案", "C方案"]
    assert names(client.get(api(), {"industry": own.industry.code})) == ["A方案", "C方案"]
    assert names(client.get(api(), {"deployment": "on_premise"})) == ["B方案"]
    assert names(client.get(api(), {"max_price": "50000"})) == ["A方案"]
    assert names(client.get(api(), {"module": modules[1].code})) == ["B方案"]
    assert names(client.get(api(), {"search": "C方"})) == ["C方案"]
    bad = client.get(api(), {"max_price": "很多"})
    assert bad.status_code == 400 and "max_price" in bad.json()["error"]["fields"]

    listing = client.get(page(), {"industry": own.industry.code})
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "A方案" in html and "C方案" in html and "B方案" not in html and "D草稿" not in html
    assert f"?industry={own.industry.code}" in html  # "Browse solutions for my industry"
    assert [s.name for s in listing.context["page"].object_list] == ["A方案", "C方案"]
    assert "武义方案" not in client.get(page()).content.decode()

    draft = Solution.objects.get(name="D草稿")
    assert client.get(page(solution=draft)).status_code == 404
    assert client.get(api(solution=draft)).status_code == 404
    a = Solution.objects.get(name="A方案")
    detail = client.get(page(solution=a))
    assert detail.status_code == 200
    assert f"/p/{JINHUA}/providers/{a.membership_id}/" in detail.content.decode()  # link to the provider page


def test_empty_library_mentions_the_library(client):
    client.force_login(user("jinhua-enterprise"))
    response = client.get(page())
    assert response.status_code == 200
    assert "解决方案库中尚无已发布的解决方案。" in response.content.decode()


# Excellent-product awards --------------------------------------------------------------------------------


def award(client, solution, amount, slug=JINHUA):
    payload = {"amount": amount, "reference": "金经信〔2025〕1号", "decided_on": "2025-06-01", "reason": "优秀"}
    return client.post(api(slug, solution, "award/"), payload, content_type="application/json")


def test_award_within_the_policy_maximum_one_active_per_solution(client):
    solution = make(name="获奖方案")
    client.force_login(user("jinhua-reviewer"))
    above = award(client, solution, "100000.01")
    assert above.status_code == 400
    assert "amount" in above.json()["error"]["fields"]
    assert not solution.awards.exists()

    granted = award(client, solution, "100000.00")
    assert granted.status_code == 201, granted.content
    assert granted.json()["amount"] == "100000.00"
    decision = SolutionAward.objects.get(solution=solution)
    assert decision.is_active and decision.granted_by.username == "jinhua-reviewer"
    assert decision.history.count() == 1

    again = award(client, solution, "1000.00")
    assert again.status_code == 409
    assert solution.awards.count() == 1

    listed = client.get(api(solution=solution)).json()
    assert listed["excellent_product"]["reference"] == "金经信〔2025〕1号"

    missing_reason = client.post(api(solution=solution, action="award/withdraw/"), {}, content_type="application/json")
    assert missing_reason.status_code == 400
    withdrawn = client.post(
        api(solution=solution, action="award/withdraw/"), {"reason": "复核撤销"}, content_type="application/json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["is_active"] is False
    decision.refresh_from_db()
    assert decision.withdrawn_reason == "复核撤销" and decision.history.count() == 2
    assert award(client, solution, "5000.00").status_code == 201  # a new decision once the old one is withdrawn
    assert solution.awards.filter(is_active=True).count() == 1

    draft = make(name="未发布", publish=False)
    assert award(client, draft, "100.00").status_code == 404  # a reviewer does not see drafts


def test_award_page_and_service(client):
    solution = make(name="页面获奖")
    client.force_login(user("jinhua-reviewer"))
    shown = client.get(page(solution=solution, action="award/"))
    assert shown.status_code == 200 and "100,000.00" in shown.content.decode()  # the policy's maximum
    form = client.post(
        page(solution=solution, action="award/"),
        {"amount": "100000.01", "reference": "文号", "decided_on": "2025-06-01", "reason": ""},
    )
    assert form.status_code == 200 and "amount" in form.context["form"].errors
    done = client.post(
        page(solution=solution, action="award/"),
        {"amount": "100000.00", "reference": "文号", "decided_on": "2025-06-01", "reason": ""},
    )
    assert done.status_code == 302
    decision = solution.awards.get()
    assert "优秀“小快轻准”数字化产品" in client.get(page(solution=solution)).content.decode()
    back = client.post(page(solution=solution, action=f"awards/{decision.pk}/withdraw/"), {"reason": "撤销"})
    assert back.status_code == 302
    decision.refresh_from_db()
    assert not decision.is_active
    with pytest.raises(Conflict):
        services.solution_award_withdraw(access=access_of("jinhua-reviewer"), award=decision, reason="again")


def test_award_refused_where_the_policy_has_none(client):
    solution = make("wuyi-provider", WUYI, name="武义方案")
    client.force_login(user("wuyi-reviewer"))
    response = award(client, solution, "1000.00", slug=WUYI)
    assert response.status_code == 400
    assert "未设优秀“小快轻准”数字化产品奖励" in response.json()["error"]["message"]
    assert not solution.awards.exists()
    with pytest.raises(PortalError, match="未设优秀“小快轻准”数字化产品奖励"):
        services.solution_award_grant(
            access=access_of("wuyi-reviewer", WUYI),
            solution=solution,
            amount="1000",
            reference="x",
            decided_on=date(2025, 1, 1),
        )


# Who may do what -----------------------------------------------------------------------------------------


def test_auditor_reads_but_every_write_is_refused(client):
    solution = make(name="审计可读")
    draft = make(name="审计草稿", publish=False)
    SolutionAward.objects.create(
        solution=solution,
        amount=Decimal("10"),
        reference="r",
        decided_on=date(2025, 1, 1),
        granted_by=user("jinhua-reviewer"),
    )
    client.force_login(user("jinhua-auditor"))
    assert names(client.get(api())) == ["审计可读"]
    assert client.get(api(solution=solution)).status_code == 200
    assert client.get(page(solution=solution)).status_code == 200
    assert client.get(page()).status_code == 200
    json = {"content_type": "application/json"}
    payload = {"name": "x", "description": "d", "deployment": "saas", "reason": "x"}
    assert client.post(api(), payload, **json).status_code == 403
    assert client.patch(api(solution=solution), {"name": "x"}, **json).status_code == 403
    assert client.post(api(solution=draft, action="publish/")).status_code == 403
    assert client.post(api(solution=solution, action="withdraw/"), {"reason": "x"}, **json).status_code == 403
    assert award(client, solution, "10.00").status_code == 403
    assert client.post(api(solution=solution, action="award/withdraw/"), {"reason": "x"}, **json).status_code == 403
    assert client.post(page() + "new/", payload).status_code == 403
    assert client.post(page(solution=solution, action="withdraw/"), {"reason": "x"}).status_code == 403
    assert client.post(page(solution=solution, action="award/"), {"amount": "1"}).status_code == 403
    assert not Solution.objects.filter(name="x").exists()
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED and solution.awards.filter(is_active=True).count() == 1


def test_users_of_another_program_get_404(client):
    solution = make(name="金华方案")
    for username in ("wuyi-provider", "wuyi-reviewer"):
        client.force_login(user(username))
        for url in (page(), page(solution=solution), page() + "mine/", api(), api(solution=solution)):
            response = client.get(url)
            assert response.status_code == 404, (username, url)
            assert "金华方案" not in response.content.decode()
        # Program A's solution id under the user's own program is not found either.
        assert client.get(api(WUYI, solution)).status_code == 404
        assert client.get(f"/p/{WUYI}/solutions/{solution.pk}/").status_code == 404
        assert client.post(api(solution=solution, action="publish/")).status_code == 404
        assert award(client, solution, "10.00").status_code == 404
    assert not solution.awards.exists()


# KPI board and query counts ------------------------------------------------------------------------------


def test_kpi_board_counts_published_solutions_by_year():
    program = Program.objects.get(slug=JINHUA)
    target = KpiTarget.objects.filter(program=program, code="solutions").first()
    assert target is not None and target.source == "solutions"

    def counted():
        row = next(row for row in kpi_board(program, []) if row.label == "拟打造“小快轻准”解决方案数量")
        return {year: actual for year, _target, actual, _rollup in row.years}

    before = counted()
    assert set(before) == {2024, 2025, 2026}
    in_2024, new_year, in_2026 = make(name="2024方案"), make(name="跨年方案"), make(name="2026方案")
    make(name="KPI草稿", publish=False)  # a draft is not counted
    withdrawn = make(name="撤回方案")  # nor a withdrawn one
    services.solution_withdraw(access=access_of("jinhua-provider"), solution=withdrawn, reason="停售")
    published = {
        in_2024: datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        new_year: datetime(2024, 12, 31, 20, 0, tzinfo=UTC),  # 2025-01-01 04:00 in Shanghai
        in_2026: datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        withdrawn: datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
    }
    for solution, when in published.items():
        Solution.objects.filter(pk=solution.pk).update(published_at=when)
    after = counted()
    assert after == {2024: before[2024] + 1, 2025: before[2025] + 1, 2026: before[2026] + 1}


def add(count_, program, industries, modules):
    for n in range(count_):
        solution = make(
            name=f"计数方案{n:02d}{Solution.objects.count()}", industries=industries[:2], modules=modules[:2]
        )
        SolutionAward.objects.create(
            solution=solution,
            amount=Decimal("1"),
            reference="r",
            decided_on=date(2025, 1, 1),
            granted_by=user("jinhua-reviewer"),
        )


@pytest.mark.parametrize(("url", "pinned"), [(page(), 13), (api(), 9)])
def test_library_query_count_does_not_grow_with_solutions(client, url, pinned):
    program, industries, modules = catalogue()
    client.force_login(user("jinhua-enterprise"))
    add(1, program, industries, modules)
    count(client, url)
    one, _ = count(client, url)
    add(19, program, industries, modules)
    twenty, queries = count(client, url)
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert one == twenty, f"{url}: {one} queries for 1 solution, {twenty} for 20\n{sql[:6000]}"
    assert twenty == pinned, f"{url}: {twenty} queries, pinned at {pinned}"
