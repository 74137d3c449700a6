"""The Wuyi program year (issue 17 §1) as its actors live it, through the REST API, from a database holding only
what ships for `wuyi-2024` and the bureau's first logins.

Providers sign up and are admitted; a committee selects them; enterprises sign up and file with a selected
provider under the province's contract template; one filing is returned and revised; the projects are
implemented, supervised, accepted by a panel and audited, announced (one objection dismissed); a calculation run
is approved by a second reviewer, draws the county pool and is paid; the Excel ledger is read back; the horse
race of the last period is published and read by a provider.

Amounts are worked by hand from ../shared/spec/policies.md (Wuyi): N base = min(N, industry N cap) × batch rate
(60 / 50 / 40 %), X × 40 %, 500,000 cap per project.
"""

from datetime import date
from decimal import Decimal

import pytest

from organisations.models import OrganisationKind
from portal.core.roles import Role
from rankings.tasks import catch_up_task
from tests.journeys.conftest import (
    Actor,
    at,
    bureau_actors,
    bureau_logins,
    credit_code,
    organisation,
    program_people,
    program_reference_load,
    public_post,
)
from tests.journeys.steps import (
    acceptance_announced,
    acceptance_audited,
    acceptance_closed,
    announcements_concluded,
    approve,
    attach_contract,
    draft,
    draft_with_contract,
    enterprises_approved,
    headings,
    implemented,
    ledger_read,
    money,
    photo,
    providers_admitted,
    refused_fields,
    returned_revised_approved,
    roles_granted,
    run_approved,
    run_calculated,
    run_lines,
    run_paid,
    selection_round,
    submit,
)
from tests.journeys.steps import filing_body as contract_filing

PROGRAM = "wuyi-2024"
D = Decimal


# Worked by hand (policies.md, Wuyi):
P1_HARDWARE = D("74074.07")  # hardware, batch 1: audited N 123,456.78 < cap 350,000; × 60 % = 74,074.068 → half-up
P2_DOORS = D("330000.00")  # doors, batch 2: N min(600,000, cap 500,000) × 50 % = 250,000 + X 200,000 × 40 % = 80,000
P3_LEISURE = D("500000.00")  # leisure, batch 1: N 400,000 × 60 % = 240,000 + X 800,000 × 40 % = 320,000; 560,000 → cap
P4_KITCHENWARE = D("112000.00")  # kitchenware, batch 3: N 280,000 < cap 300,000; × 40 %
RUN_TOTAL = D("1016074.07")  # 74,074.07 + 330,000 + 500,000 + 112,000
POOL_BUDGET = D("2000000.00")
POOL_LEFT = D("983925.93")  # 2,000,000 − 1,016,074.07

CONTRACT = {
    "contract_duration_months": 3,
    "acceptance_method": "按武义县轻量级数字化改造验收办法，专家组现场验收并出具验收意见",
    "rights_and_duties": "甲方提供场地与数据；乙方负责N+X场景的部署、调试、培训与运维",
    "breach_handling": "逾期交付按合同金额每日千分之一支付违约金，累计不超过合同金额10%",
    "payment_settlement": "签约付30%，上线付40%，验收合格后付30%",
    "warranty_months": 12,
    "training": "应用场景应知应会培训不少于2次，6S精益管理培训1次",
}


@pytest.fixture
def wuyi(fresh_database, clock):
    """`wuyi-2024`'s reference data; the platform admin's logins: the bureau (admin and two reviewers, with their
    roles), and the people the bureau admin will give roles to (committee, experts, auditors, supervision)."""
    program = program_reference_load(PROGRAM)
    bureau = bureau_logins(program, prefix="wuyi", bureau_name="武义县经济商务局", prefix8="11330723")
    association = organisation("武义县五金行业协会", OrganisationKind.ASSOCIATION, "51330723", 2)
    pilot_enterprise = organisation("武义县门业协会", OrganisationKind.ASSOCIATION, "51330723", 3)
    institute = organisation("金华智能制造研究院", OrganisationKind.INSTITUTION, "12330700", 4)
    audit_firm = organisation("浙江之江会计师事务所有限公司", OrganisationKind.AUDIT_FIRM, "91330100", 5)
    supervision_firm = organisation("浙江正衡工程监理有限公司", OrganisationKind.SUPERVISION_FIRM, "91330700", 6)
    finance = organisation("武义县财政局", OrganisationKind.BUREAU, "11330723", 7)
    people = program_people(
        "wuyi",
        bureau=bureau,
        committee=[("协会代表甲", association), ("协会代表乙", association), ("试点企业代表", pilot_enterprise)],
        institute=institute,
        audit_firm=audit_firm,
        finance=finance,
        more={Role.SUPERVISION_FIRM: [("supervision", "监理工程师", supervision_firm)]},
    )
    return {"program": program, "bureau": bureau, "people": people, "supervision_firm": supervision_firm}


def test_the_wuyi_program_year(wuyi, clock, journey, django_capture_on_commit_callbacks):
    bureau = wuyi["bureau"]
    admin, reviewer, second_reviewer = bureau_actors(bureau, PROGRAM)

    # The database holds the reference data and nothing a year of work makes.
    assert reviewer.get("selection-round-list")["count"] == 0
    assert reviewer.get("application-list")["results"] == []
    assert [b["number"] for b in reviewer.get("batch-list")] == [1, 2, 3]

    # --- the bureau admin gives the other people their roles ----------------------------------------------------
    ids = roles_granted(admin, people=wuyi["people"])
    reviewer.post("member-list", {"username": "wuyi-finance", "role": Role.BUREAU_ADMIN}, expect=403)

    providers = providers_join(clock, reviewer)
    round_id = providers_selected(clock, reviewer, providers, ids)
    enterprises = enterprises_join(clock, reviewer)
    projects = filings(clock, reviewer, second_reviewer, providers, enterprises)
    implementation(clock, providers, enterprises, projects)
    supervision(clock, reviewer, providers, enterprises, projects, wuyi["supervision_firm"])
    reviews = acceptance(clock, reviewer, providers, enterprises, projects, ids)
    run_id = calculation_run(
        clock, reviewer, second_reviewer, admin, projects, reviews, django_capture_on_commit_callbacks
    )
    ledger(projects, run_id)
    horse_race(clock, reviewer, providers, projects, round_id)

    journey.check()


# --- providers -----------------------------------------------------------------------------------------------

PROVIDERS = {
    # key: (username, name, industries, serial)
    "a": ("wuyi-provider-a", "浙江数智工联科技有限公司", ["kitchenware", "hardware"], 101),
    "b": ("wuyi-provider-b", "金华云工厂信息技术有限公司", ["leisure", "doors"], 102),
}


def providers_join(clock, reviewer):
    """Two providers register on the public endpoint and the bureau admits them to the resource pool."""
    clock.move_to(at(date(2024, 5, 6)))
    return providers_admitted(
        reviewer,
        program=PROGRAM,
        specs=PROVIDERS,
        prefix8="91330700",
        phone="0579-87654321",
        local_support_staff=6,
        qualifications="软件企业认定；ISO 9001",
    )


def providers_selected(clock, reviewer, providers, ids):
    """A round with a seated committee; both providers apply; three sheets each; confirmed and published."""
    selected = selection_round(
        clock,
        reviewer,
        program=PROGRAM,
        ids=ids,
        providers=providers,
        round_fields={
            "title": "2024年度武义县数字化改造服务商遴选",
            "industries": ["kitchenware", "hardware", "leisure", "doors"],
            "opens_on": "2024-05-08",
            "closes_on": "2024-05-20",
            "places": 3,
            "template": "provider-selection",
        },
        days=(date(2024, 5, 7), date(2024, 5, 10), date(2024, 5, 21), date(2024, 5, 24)),
        shares={"wuyi-committee-1": D("0.90"), "wuyi-committee-2": D("0.85"), "wuyi-committee-3": D("0.80")},
        application={
            "team": "项目经理1名、实施工程师4名、本地驻场2名",
            "solution": "行业云平台+N+X轻量化改造方案",
            "local_support_staff": 6,
        },
        # Three sheets (fewer than five): the mean of 90, 85 and 80 points, nothing dropped.
        score=D("85.00"),
    )
    return selected["id"]


# --- enterprises ---------------------------------------------------------------------------------------------

ENTERPRISES = {
    # key: (username, name, industry, township, serial)
    "hardware": ("wuyi-quanxi", "武义泉溪五金工具厂", "hardware", "330723.07", 201),
    "leisure": ("wuyi-shuxi", "浙江熟溪休闲用品有限公司", "leisure", "330723.03", 202),
    "doors": ("wuyi-tongqin", "武义桐琴门业有限公司", "doors", "330723.06", 203),
    "kitchenware": ("wuyi-chuju", "浙江武义炊具制造有限公司", "kitchenware", "330723.01", 204),
}


def enterprises_join(clock, reviewer):
    actors = enterprises_approved(
        clock,
        reviewer,
        program=PROGRAM,
        enterprises={
            key: {
                "username": username,
                "name": name,
                "uscc": credit_code(serial),
                "township": township,
                "industry": industry,
                "scale": "above",
                "output_band": "lt100m",
            }
            for key, (username, name, industry, township, serial) in ENTERPRISES.items()
        },
        phone="0579-87000000",
        signed_on=date(2024, 6, 3),
        decided_on=date(2024, 6, 5),
    )
    public_post("signup", {"username": "x"}, expect=404, program="jinhua-pilot")
    return actors


# --- filings -------------------------------------------------------------------------------------------------


def modules(actor):
    return {row["code"]: row["id"] for row in actor.get("scenario-module-list", query={"page_size": 200})["results"]}


def line(catalogue, code, part, category, amount, description=""):
    return {"module": catalogue[code], "part": part, "category": category, "amount": amount, "description": description}


def filing_body(title, provider_id, lines, **overrides):
    return contract_filing(
        title=title,
        track="lightweight",
        provider=provider_id,
        lines=lines,
        contract=CONTRACT,
        subject=f"{title}（N+X）",
        **overrides,
    )


def file_and_submit(enterprise, body):
    application_id = draft(enterprise, body)
    # Without the contract, submission is refused and says so.
    fields = refused_fields(enterprise, application_id)
    assert "attachments" in fields, fields
    attach_contract(enterprise, application_id)
    submit(enterprise, application_id)
    return application_id


def filings(clock, reviewer, second_reviewer, providers, enterprises):
    catalogue = modules(reviewer)
    a, b = providers["a"], providers["b"]
    projects = {}

    # Batch 1 (2024-05-06 … 07-31): hardware with provider A, leisure with provider B.
    clock.move_to(at(date(2024, 7, 1)))
    hardware = filing_body(
        "泉溪五金车间轻量化改造",
        a["id"],
        [
            line(catalogue, "wy-n-order", "N", "software", "60000.00"),
            line(catalogue, "wy-n-production", "N", "software", "50000.00"),
            line(catalogue, "wy-n-data-collection", "N", "hardware", "20000.00"),
        ],
    )
    # Outside a batch window nothing is taken: the gate names the batch.
    leisure = filing_body(
        "熟溪休闲用品数字化车间",
        b["id"],
        [
            line(catalogue, "wy-n-order", "N", "software", "150000.00"),
            line(catalogue, "wy-n-quality", "N", "software", "100000.00"),
            line(catalogue, "wy-n-display", "N", "hardware", "150000.00"),
            line(catalogue, "wy-x-custom", "X", "hardware", "800000.00", "AGV与智能仓储"),
        ],
    )
    # A provider not selected for the industry is refused.
    wrong = (
        enterprises["hardware"]
        .call("post", "application-list", expect=400, data={**hardware, "provider": b["id"]})
        .json()
    )
    assert "provider" in wrong["error"]["fields"]

    projects["hardware"] = {"id": file_and_submit(enterprises["hardware"], hardware), "provider": "a"}
    clock.move_to(at(date(2024, 7, 2)))
    projects["leisure"] = {"id": file_and_submit(enterprises["leisure"], leisure), "provider": "b"}

    clock.move_to(at(date(2024, 7, 5)))
    for key in ("hardware", "leisure"):
        approved = approve(reviewer, providers[projects[key]["provider"]]["actor"], projects[key]["id"])
        assert approved["batch"] == 1
    detail = enterprises["hardware"].get("application-detail", application=projects["hardware"]["id"])
    assert detail["policy_version"] == "wuyi-2024-plan"
    assert detail["target_level"] is None
    # The quote on the filed amounts: N 130,000 × 60 % (batch 1).
    assert money(detail["estimate"]["subsidy"]) == D("78000.00")
    assert detail["implementation_deadline"] == "2024-10-05"

    # One open project per enterprise on the track: a second filing of the hardware maker is refused.
    second = draft_with_contract(enterprises["hardware"], {**hardware, "title": "泉溪五金二期"})
    fields = refused_fields(enterprises["hardware"], second)
    assert "track" in fields, fields
    enterprises["hardware"].post("application-transition", {"action": "withdraw"}, expect=200, application=second)

    # Batch 2 (2024-08-01 … 11-30): doors with provider B, returned once and revised.
    clock.move_to(at(date(2024, 9, 2)))
    doors_lines = [
        line(catalogue, "wy-n-order", "N", "software", "200000.00"),
        line(catalogue, "wy-n-production", "N", "software", "250000.00"),
        line(catalogue, "wy-n-data-collection", "N", "hardware", "150000.00"),
        line(catalogue, "wy-x-custom", "X", "software", "200000.00", "门扇柔性排产"),
    ]
    doors = filing_body("桐琴门业N+X改造", b["id"], doors_lines, training="上线培训1次")
    projects["doors"] = {"id": file_and_submit(enterprises["doors"], doors), "provider": "b"}
    approved = returned_revised_approved(
        clock,
        reviewer,
        second_reviewer,
        enterprise=enterprises["doors"],
        provider=b["actor"],
        application_id=projects["doors"]["id"],
        comment="培训条款过简：请按省合同范本写明应知应会培训与6S培训的次数。",
        revised=filing_body("桐琴门业N+X改造", b["id"], doors_lines),
        days=(date(2024, 9, 5), date(2024, 9, 9), date(2024, 9, 12)),
    )
    assert approved["batch"] == 2

    # Batch 3 (2024-12-01 … 2025-06-30): kitchenware with provider A.
    clock.move_to(at(date(2024, 12, 9)))
    kitchenware = filing_body(
        "武义炊具轻量化数字化改造",
        a["id"],
        [
            line(catalogue, "wy-n-order", "N", "software", "100000.00"),
            line(catalogue, "wy-n-inventory", "N", "software", "80000.00"),
            line(catalogue, "wy-n-reports", "N", "software", "50000.00"),
            line(catalogue, "wy-n-display", "N", "hardware", "50000.00"),
        ],
    )
    projects["kitchenware"] = {"id": file_and_submit(enterprises["kitchenware"], kitchenware), "provider": "a"}
    clock.move_to(at(date(2024, 12, 11)))
    assert approve(reviewer, a["actor"], projects["kitchenware"]["id"])["batch"] == 3
    return projects


# --- implementation ------------------------------------------------------------------------------------------

COMPLETION = {"hardware": date(2024, 9, 20), "leisure": date(2024, 9, 23), "doors": date(2024, 11, 25)}
COMPLETION["kitchenware"] = date(2025, 2, 24)


def implementation(clock, providers, enterprises, projects):
    """The provider reports each milestone with a photo; the enterprise confirms each; the last claims completion.
    Then the enterprise rates its provider."""
    reported = implemented(
        clock,
        providers=providers,
        enterprises=enterprises,
        projects=projects,
        keys=list(projects),
        completion=COMPLETION,
        rating={"score": 5, "comment": "交付及时"},
    )
    assert {key: len(milestones) for key, milestones in reported.items()} == dict.fromkeys(projects, 4)


# --- supervision ---------------------------------------------------------------------------------------------


def supervision(clock, reviewer, providers, enterprises, projects, firm):
    """The supervision firm inspects the leisure project and asks for a rectification; the acceptance request
    waits until the firm closes it."""
    leisure = projects["leisure"]["id"]
    clock.move_to(at(date(2024, 9, 24)))
    firms = reviewer.get("supervision-firms")["results"]
    assert [row["id"] for row in firms] == [firm.pk]
    reviewer.post("supervision-assignments", {"application": leisure, "organisation": firm.pk, "note": "全过程监理"})
    supervisor = Actor("wuyi-supervision", PROGRAM)
    inspection = supervisor.post(
        "supervision-inspections",
        {
            "inspected_on": "2024-09-24",
            "findings": "AGV充电区未设置安全警示标识",
            "rectifications": '[{"request": "补设AGV充电区警示标识与围挡", "due_on": "2024-10-15"}]',
            "photos": [photo("inspection.png")],
        },
        format="multipart",
        application=leisure,
    )
    assert len(inspection["photos"]) == 1
    project = supervisor.get("supervision-project", application=leisure)
    assert project["blocking_rectifications"] == 1
    rectification = project["inspections"][0]["rectifications"][0]["id"]

    enterprise = enterprises["leisure"]
    blocked = enterprise.call(
        "post",
        "acceptance-request",
        expect=409,
        data={"deliverables": "MES、看板、AGV", "amounts": audited_amounts("leisure")},
        application=leisure,
    )
    assert blocked.json()["error"]["code"]

    clock.move_to(at(date(2024, 9, 27)))
    providers["b"]["actor"].post(
        "supervision-rectification-answer",
        {"answer": "已补设警示标识与围挡，见现场照片"},
        expect=200,
        application=leisure,
        rectification=rectification,
    )
    clock.move_to(at(date(2024, 9, 30)))
    closed = supervisor.post(
        "supervision-rectification-close",
        {"conclusion": "复查合格"},
        expect=200,
        application=leisure,
        rectification=rectification,
    )
    assert closed["status"] == "closed"


# --- acceptance ----------------------------------------------------------------------------------------------

# Audited by the financial auditor (the subsidy base); the hardware maker's audit lower than its filing.
AUDITED = {
    "hardware": {"n_software": "100000.00", "n_hardware": "23456.78", "x_software": "0.00", "x_hardware": "0.00"},
    "leisure": {"n_software": "250000.00", "n_hardware": "150000.00", "x_software": "0.00", "x_hardware": "800000.00"},
    "doors": {"n_software": "450000.00", "n_hardware": "150000.00", "x_software": "200000.00", "x_hardware": "0.00"},
    "kitchenware": {"n_software": "230000.00", "n_hardware": "50000.00", "x_software": "0.00", "x_hardware": "0.00"},
}
EXPERT_SHARES = {"wuyi-expert-1": D("0.90"), "wuyi-expert-2": D("0.85"), "wuyi-expert-3": D("0.80")}


def audited_amounts(key):
    return {**AUDITED[key], "automation": "0.00"}


def acceptance(clock, reviewer, providers, enterprises, projects, ids):
    """Request, co-signature, a panel of three, sheets, the audit, closing at 85 points, the announcement;
    an objection against the kitchenware project, dismissed."""
    clock.move_to(at(date(2025, 3, 3)))
    reviews = {}
    for key, project in projects.items():
        audited = acceptance_audited(
            reviewer,
            program=PROGRAM,
            enterprise=enterprises[key],
            provider=providers[project["provider"]]["actor"],
            application_id=project["id"],
            deliverables="N+X场景上线运行、四级报表、培训记录",
            amounts=audited_amounts(key),
            experts=EXPERT_SHARES,
            ids=ids,
            auditor="wuyi-finaudit",
            conclusion="票据齐全，认定如上",
        )
        acceptance_closed(reviewer, audited["review"], score=D("85.00"))
        reviews[key] = audited["review"]

    clock.move_to(at(date(2025, 3, 4)))
    for review in reviews.values():
        acceptance_announced(reviewer, review, starts_on="2025-03-05")
    clock.move_to(at(date(2025, 3, 7)))
    objection = reviewer.post(
        "acceptance-objection",
        {"raised_by": "匿名来信", "text": "质疑显示屏为旧设备翻新"},
        review=reviews["kitchenware"],
    )
    held = reviewer.get("acceptance-review-detail", review=reviews["kitchenware"])
    assert held["status"] == "on_hold"
    clock.move_to(at(date(2025, 3, 10)))
    resolved = reviewer.post(
        "acceptance-objection-resolve",
        {"decision": "dismiss", "resolution": "经核查发票与铭牌，设备为新购，异议不成立"},
        expect=200,
        review=reviews["kitchenware"],
        objection=objection["id"],
    )
    assert resolved["status"] == "dismissed"
    return reviews


# --- the calculation run, pools and payment ------------------------------------------------------------------


def calculation_run(clock, reviewer, second_reviewer, admin, projects, reviews, committed):
    clock.move_to(at(date(2025, 3, 20)))
    # Seven working days from 2025-03-05 end on 03-13: every announcement is over.
    announcements_concluded(reviewer, count=4)
    for review in reviews.values():
        assert reviewer.get("acceptance-review-detail", review=review)["status"] == "announced"

    pool = admin.post("pool-list", {"source": "county", "budget": str(POOL_BUDGET), "note": "县级财政专项"})
    run, calculated = run_calculated(reviewer, title="2025年第一批补助核算", committed=committed)
    assert calculated["line_count"] == 4, calculated
    lines = run_lines(reviewer, run)
    expected = {
        projects["hardware"]["id"]: P1_HARDWARE,
        projects["doors"]["id"]: P2_DOORS,
        projects["leisure"]["id"]: P3_LEISURE,
        projects["kitchenware"]["id"]: P4_KITCHENWARE,
    }
    assert {pk: money(row["subsidy"]) for pk, row in lines.items()} == expected
    assert {pk: money(row["total"]) for pk, row in lines.items()} == expected  # no awards
    assert {pk: money(row["county"]) for pk, row in lines.items()} == expected  # Wuyi: all county funds
    detail = reviewer.get("run-detail", run=run)
    assert money(detail["subsidy_total"]) == RUN_TOTAL

    # The approver cannot be the creator.
    run_approved(reviewer, second_reviewer, run)
    drawn = admin.get("pool-detail", pool=pool["id"])
    assert (money(drawn["allocated"]), money(drawn["remaining"])) == (RUN_TOTAL, POOL_LEFT)

    clock.move_to(at(date(2025, 3, 28)))
    run_paid(second_reviewer, run, paid_on="2025-03-28", voucher="WYCZ-2025-0328-01")
    return run


# --- the ledger ----------------------------------------------------------------------------------------------


def ledger(projects, run_id):
    """The finance office downloads the program's ledger and reads it back."""
    column, body, totals = ledger_read(
        Actor("wuyi-finance", PROGRAM), columns=headings("Enterprise", "Batch", "Subsidy", "Total", "Paid")
    )
    by_name = {row[column["Enterprise"]]: row for row in body}
    expected = {
        "武义泉溪五金工具厂": (1, P1_HARDWARE),
        "武义桐琴门业有限公司": (2, P2_DOORS),
        "浙江熟溪休闲用品有限公司": (1, P3_LEISURE),
        "浙江武义炊具制造有限公司": (3, P4_KITCHENWARE),
    }
    assert {name: (row[column["Batch"]], money(row[column["Subsidy"]])) for name, row in by_name.items()} == expected
    assert {name: money(row[column["Paid"]]) for name, row in by_name.items()} == {
        name: amount for name, (_batch, amount) in expected.items()
    }
    # The totals row: 1,016,074.07 subsidy, the same total and paid.
    assert (money(totals[column["Subsidy"]]), money(totals[column["Total"]]), money(totals[column["Paid"]])) == (
        RUN_TOTAL,
        RUN_TOTAL,
        RUN_TOTAL,
    )


# --- the horse race ------------------------------------------------------------------------------------------


def horse_race(clock, reviewer, providers, projects, round_id):
    """The beat job makes every ended two-week period; the reviewer publishes the last; a provider reads it."""
    clock.move_to(at(date(2025, 3, 31), 2))
    catch_up_task.delay()
    periods = reviewer.get("horse-race-list")["results"]
    latest = periods[0]
    assert (latest["period_start"], latest["period_end"], latest["status"]) == ("2025-03-17", "2025-03-30", "computed")
    published = reviewer.post("ranking-publish", {}, expect=200, snapshot=latest["id"])
    assert published["status"] == "published"

    detail = reviewer.get("horse-race-detail", snapshot=latest["id"])
    overall = next(group for group in detail["groups"] if group["code"] == "")
    entries = {entry["provider"]: entry for entry in overall["entries"]}
    assert set(entries) == {providers["a"]["name"], providers["b"]["name"]}
    for entry in entries.values():
        assert entry["rank"] is not None
        assert (entry["values"]["accepted"], entry["values"]["completed"]) in (("2", "2"), ("2.00", "2.00"))
        assert money(entry["values"]["mean_score"]) == D("85.00")
        assert money(entry["values"]["satisfaction"]) == D("5.00")

    mine = providers["a"]["actor"].get("horse-race-detail", snapshot=latest["id"])
    seen = {entry["provider"] for group in mine["groups"] for entry in group["entries"]}
    assert providers["a"]["name"] in seen
