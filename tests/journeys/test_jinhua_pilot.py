"""The Jinhua national pilot's program year (issue 17 §1) as its actors live it, through the REST API, from a
database holding only what ships for `jinhua-pilot` and the bureau's first logins.

The bureau opens registration, imports the target list (摸底企业清单) and designates pilot enterprises per batch;
providers sign up and a committee selects them on the Jinhua sheet; pilots file on track `pilot` with the level
they commit to reach, the province's contract terms and the signed contract; the provider accepts, the bureau
approves; the projects are implemented, accepted by a panel and audited, announced and assessed for their digital
level; the 达标 award is granted (and refused below level 2, and at another amount); a central pool too small for
everyone leaves a shortfall that the second run funds first once the pool is topped up; the ledger is read back,
then the KPI board and the quarterly district ranking.

Amounts are worked by hand from ../shared/spec/policies.md (Jinhua, `jinhua-pilot-plan`): approval date
2024-09-01, year 1 (to 2025-08-31) 50 %, year 2 (to 2026-08-31) 40 % of the audited investment, capped by the
assessed level (L2 500,000 · L3 800,000 · L4 1,000,000; below L2 not eligible); the 达标 award a fixed 300,000
for an assessed level ≥ 2; central = 40 % of subsidy + awards, rounded half-up once, local the rest.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from acceptance.services import digital_level_standards_load
from enterprises.target_list import COLUMNS
from organisations.models import OrganisationKind
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
    route_exists,
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
    providers_admitted,
    refused_fields,
    roles_granted,
    rows_of,
    run_approved,
    run_calculated,
    run_lines,
    run_paid,
    selection_round,
    submit,
)
from tests.journeys.steps import filing_body as contract_filing

PROGRAM = "jinhua-pilot"
D = Decimal

# Worked by hand (policies.md, Jinhua; approval 2024-09-01):
# Yongkang power tools, assessed L3, audited 1,200,000, accepted 2025-03-10 (year 1):
L3_SUBSIDY = D("600000.00")  # 1,200,000 × 50 % = 600,000 < L3 cap 800,000
L3_CENTRAL = D("240000.00")  # 600,000 × 0.40
L3_LOCAL = D("360000.00")  # 600,000 − 240,000
# Wuyi garments, assessed L2, audited 456,789.13, accepted 2025-05-12 (year 1), 达标 award 300,000:
AWARD_SUBSIDY = D("228394.57")  # 456,789.13 × 50 % = 228,394.565 → half-up; < L2 cap 500,000
AWARD = D("300000.00")  # the fixed 达标 award, outside the cap
AWARD_TOTAL = D("528394.57")  # 228,394.57 + 300,000
AWARD_CENTRAL = D("211357.83")  # 528,394.57 × 0.40 = 211,357.828 → half-up, once on the total
AWARD_LOCAL = D("317036.74")  # 528,394.57 − 211,357.83
# Wuyi power tools, assessed L2, audited 1,500,000, accepted 2025-10-20 (year 2):
L2_SUBSIDY = D("500000.00")  # 1,500,000 × 40 % = 600,000 → L2 cap 500,000
L2_CENTRAL = D("200000.00")  # 500,000 × 0.40
L2_LOCAL = D("300000.00")  # 500,000 − 200,000
# Run 1 (the L3 and the award project) against a central pool of 400,000, first accepted first paid:
CENTRAL_POOL = D("400000.00")
LOCAL_POOL = D("3000000.00")
RUN1_SUBSIDY = D("828394.57")  # 600,000 + 228,394.57
RUN1_AWARDS = D("300000.00")  # the one award
RUN1_TOTAL = D("1128394.57")  # 828,394.57 + 300,000
RUN1_CENTRAL = D("451357.83")  # 240,000 + 211,357.83
RUN1_LOCAL = D("677036.74")  # 360,000 + 317,036.74
AWARD_CENTRAL_FUNDED = D("160000.00")  # 400,000 − 240,000 taken by the L3 project, accepted first
SHORTFALL_1 = D("51357.83")  # 211,357.83 − 160,000
# Run 2 (the year-2 project) after the central pool is raised to 600,000: 200,000 more
CENTRAL_POOL_TOPPED = D("600000.00")
CARRIED = D("51357.83")  # run 1's shortfall, funded first
L2_CENTRAL_FUNDED = D("148642.17")  # 200,000 − 51,357.83 carried first
SHORTFALL_2 = D("51357.83")  # 200,000 − 148,642.17
# The ledger of both runs:
LEDGER_SUBSIDY = D("1328394.57")  # 600,000 + 228,394.57 + 500,000
LEDGER_AWARDS = D("300000.00")
LEDGER_TOTAL = D("1628394.57")  # 1,328,394.57 + 300,000
LEDGER_CENTRAL = D("651357.83")  # 240,000 + 211,357.83 + 200,000
LEDGER_LOCAL = D("977036.74")  # 360,000 + 317,036.74 + 300,000
LEDGER_UNFUNDED = D("102715.66")  # 51,357.83 at run 1's approval + 51,357.83 at run 2's
LEDGER_FUNDED_LATER = D("51357.83")  # run 1's shortfall funded by run 2
LEDGER_STILL_UNFUNDED = D("51357.83")  # run 2's shortfall
LEDGER_PAID = D("1577036.74")  # 1,628,394.57 − 51,357.83 still unfunded (central 600,000 + local 977,036.74)

CONTRACT = {
    "contract_duration_months": 10,
    "acceptance_method": "按《金华市中小企业数字化改造试点项目竣工验收工作办法》组织专家组验收",
    "rights_and_duties": "甲方提供场地、数据与配合人员；乙方作为总包商负责N+X改造方案实施、调试、培训与运维",
    "breach_handling": "逾期交付按合同金额每日千分之一支付违约金，累计不超过合同金额10%",
    "payment_settlement": "签约付30%，上线付40%，验收合格后付30%",
    "warranty_months": 12,
    "training": "管理层数字化培训1次，技术骨干数改实操培训不少于3次",
}


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Enterprises: key → (username, name, industry, township, scale, specialised, serial, pilot batch or None)
ENTERPRISES = {
    "l3": ("jh-yk-tools", "永康市锐锋电动工具有限公司", "power-tools", "330784.01", "above", True, 301, 1),
    "award": ("jh-wy-garments", "武义织锦服饰有限公司", "garments", "330723.03", "below", False, 302, 1),
    "level1": ("jh-yk-garments", "永康市云裳服装有限公司", "garments", "330784.04", "above", False, 303, 1),
    "year2": ("jh-wy-tools", "武义恒力电动工具有限公司", "power-tools", "330723.06", "above", False, 304, 2),
    "outsider": ("jh-yk-other", "永康市未入选电动工具厂", "power-tools", "330784.05", "above", False, 305, None),
}


@pytest.fixture
def jinhua(fresh_database, clock):
    """`jinhua-pilot`'s reference data (with its digital-level standard); the platform admin's logins: the bureau
    (admin and two reviewers, with their roles), and the people the bureau admin will give roles to."""
    clock.move_to(at(date(2024, 9, 2), 9))
    program = program_reference_load(PROGRAM)
    digital_level_standards_load(program=program)
    bureau = bureau_logins(program, prefix="jinhua", bureau_name="金华市经济和信息化局", prefix8="11330700")
    association = organisation("金华市电动工具行业协会", OrganisationKind.ASSOCIATION, "51330700", 2)
    pilot_rep = organisation("金华市服装行业协会", OrganisationKind.ASSOCIATION, "51330700", 3)
    institute = organisation("金华智能制造研究院", OrganisationKind.INSTITUTION, "12330700", 4)
    audit_firm = organisation("浙江金诚会计师事务所有限公司", OrganisationKind.AUDIT_FIRM, "91330700", 5)
    finance = organisation("金华市财政局", OrganisationKind.BUREAU, "11330700", 7)
    people = program_people(
        "jinhua",
        bureau=bureau,
        committee=[("协会代表甲", association), ("协会代表乙", association), ("试点企业代表", pilot_rep)],
        institute=institute,
        audit_firm=audit_firm,
        finance=finance,
    )
    return {"program": program, "bureau": bureau, "people": people}


def test_the_jinhua_pilot_year(jinhua, clock, journey, django_capture_on_commit_callbacks):
    bureau = jinhua["bureau"]
    admin, reviewer, second_reviewer = bureau_actors(bureau, PROGRAM)

    # Only the reference data: two batches, no round, no filing, an empty target list.
    assert [(b["number"], b["opens_on"], b["closes_on"]) for b in reviewer.get("batch-list")] == [
        (1, "2024-09-01", "2024-12-31"),
        (2, "2025-01-01", "2025-12-31"),
    ]
    assert reviewer.get("selection-round-list")["count"] == 0
    assert reviewer.get("application-list")["results"] == []

    ids = roles_granted(admin, people=jinhua["people"])

    open_registration(admin, reviewer)
    targets = target_list(admin, reviewer)
    providers = providers_join(clock, reviewer)
    providers_selected(clock, reviewer, providers, ids)
    enterprises = enterprises_join(clock, reviewer)
    pilots(clock, admin, reviewer, targets)
    projects = filings_of_batch_1(clock, reviewer, providers, enterprises)
    pilots_of_batch_2(clock, admin, reviewer, targets)
    projects.update(filing_of_batch_2(clock, reviewer, providers, enterprises))
    implementation(clock, providers, enterprises, projects, ("l3", "award", "level1"))
    acceptance(clock, reviewer, providers, enterprises, projects, ids, ("l3",), date(2025, 3, 10))
    acceptance(clock, reviewer, providers, enterprises, projects, ids, ("award", "level1"), date(2025, 5, 12))
    assessments(clock, projects, {"l3": 3, "award": 2, "level1": 1}, date(2025, 5, 14))
    awards(clock, reviewer, projects)
    run1, pools = first_run(clock, reviewer, second_reviewer, admin, projects, django_capture_on_commit_callbacks)

    implementation(clock, providers, enterprises, projects, ("year2",))
    acceptance(clock, reviewer, providers, enterprises, projects, ids, ("year2",), date(2025, 10, 20))
    assessments(clock, projects, {"year2": 2}, date(2025, 10, 22))
    second_run(clock, reviewer, second_reviewer, admin, projects, run1, pools, django_capture_on_commit_callbacks)

    ledger(projects)
    kpi_and_district_ranking(clock, reviewer)

    journey.check()


# --- the bureau's set-up -------------------------------------------------------------------------------------


def open_registration(admin, reviewer):
    """The national pilot ships unpublished: the bureau admin opens public registration in its settings."""
    public_post("signup", {"username": "x"}, expect=404, program=PROGRAM)
    if not route_exists("program-settings", program=PROGRAM):
        pytest.fail("PATCH …/programs/{p}/settings/ is missing: the bureau cannot open registration via the API")
    reviewer.call("patch", "program-settings", expect=403, data={"is_public": True, "reason": "开放注册"})
    refused = admin.call("patch", "program-settings", expect=400, data={"is_public": True}).json()
    assert "reason" in refused["error"]["fields"], refused
    opened = admin.call(
        "patch", "program-settings", expect=200, data={"is_public": True, "reason": "试点企业与服务商开放注册"}
    ).json()
    assert (opened["is_public"], opened["status"]) == (True, "active")


def target_list(admin, reviewer):
    """The bureau admin imports the target list (摸底企业清单) from the Excel template: a file with one bad row
    saves nothing and names the row; the mended file saves every row."""
    rows = [
        [
            credit_code(serial, "91330700"),
            name,
            township,
            industry,
            "规上" if scale == "above" else "规下",
            "联系人",
            "",
        ]
        for _username, name, industry, township, scale, _spec, serial, _batch in ENTERPRISES.values()
    ]
    bad = [*rows, [credit_code(399, "91330700"), "金华某磁材厂", "330784.02", "ceramics", "规上", "", ""]]
    upload = SimpleUploadedFile("摸底企业清单.xlsx", workbook_bytes(bad))
    refused = admin.call("post", "target-import", expect=400, data={"file": upload}, format="multipart").json()
    assert len(refused["error"]["fields"]["file"]) == 1 and "7" in refused["error"]["fields"]["file"][0], refused
    assert reviewer.get("target-list")["count"] == 0
    upload = SimpleUploadedFile("摸底企业清单.xlsx", workbook_bytes(rows))
    reviewer.call("post", "target-import", expect=403, data={"file": upload}, format="multipart")
    upload = SimpleUploadedFile("摸底企业清单.xlsx", workbook_bytes(rows))
    imported = admin.post("target-import", {"file": upload}, format="multipart")
    assert imported == {"rows": 5, "created": 5}
    listed = {row["name"]: row for row in rows_of(reviewer.get("target-list"))}
    assert {name: (row["industry"], row["township"]) for name, row in listed.items()} == {
        name: (industry, township) for _u, name, industry, township, *_rest in ENTERPRISES.values()
    }
    return {key: listed[spec[1]]["id"] for key, spec in ENTERPRISES.items()}


# --- providers -----------------------------------------------------------------------------------------------


def providers_join(clock, reviewer):
    clock.move_to(at(date(2024, 9, 3)))
    return providers_admitted(
        reviewer,
        program=PROGRAM,
        specs={
            "a": ("jinhua-provider-a", "浙江智造云工业互联网有限公司", ["power-tools"], 101),
            "b": ("jinhua-provider-b", "金华织云数字科技有限公司", ["garments"], 102),
        },
        prefix8="91330700",
        phone="0579-82000000",
        local_support_staff=8,
        qualifications="行业工业互联网平台；ISO 27001",
    )


def providers_selected(clock, reviewer, providers, ids):
    """A round on the Jinhua sheet (30 / 30 / 20 / 20), three members, confirmed and published."""
    selected = selection_round(
        clock,
        reviewer,
        program=PROGRAM,
        ids=ids,
        providers=providers,
        round_fields={
            "title": "金华市试点行业数字化改造总包商遴选（第一批）",
            "industries": ["power-tools", "garments"],
            "opens_on": "2024-09-05",
            "closes_on": "2024-09-13",
            "places": 3,
            "template": "provider-selection",
        },
        days=(date(2024, 9, 4), date(2024, 9, 6), date(2024, 9, 14), date(2024, 9, 18)),
        shares={"jinhua-committee-1": D("0.92"), "jinhua-committee-2": D("0.88"), "jinhua-committee-3": D("0.84")},
        application={
            "team": "项目经理1名、实施工程师6名、本地驻场3名",
            "solution": "细分行业工业互联网平台+“小快轻准”N+X改造方案",
            "local_support_staff": 8,
        },
        # Three sheets: the mean of 92, 88 and 84 points.
        score=D("88.00"),
    )
    # The Jinhua sheet: basic capability 30, service results 30, service model 20, case demonstration 20.
    maxima = [sum(money(item["max_points"]) for item in section["items"]) for section in selected["sheet"]]
    assert maxima == [D(30), D(30), D(20), D(20)]


# --- enterprises and pilots ----------------------------------------------------------------------------------


def enterprises_join(clock, reviewer):
    return enterprises_approved(
        clock,
        reviewer,
        program=PROGRAM,
        enterprises={
            key: {
                "username": username,
                "name": name,
                "uscc": credit_code(serial, "91330700"),
                "township": township,
                "industry": industry,
                "scale": scale,
                "output_band": "lt100m",
                "is_specialised": specialised,
            }
            for key, (username, name, industry, township, scale, specialised, serial, _batch) in ENTERPRISES.items()
        },
        phone="0579-87100000",
        signed_on=date(2024, 9, 20),
        decided_on=date(2024, 9, 20),
    )


def pilots(clock, admin, reviewer, targets):
    """The bureau designates pilot enterprises from the target list per batch and publishes each batch's list."""
    clock.move_to(at(date(2024, 9, 23)))
    batches = {row["number"]: row["id"] for row in reviewer.get("batch-list")}
    designated = {}
    for key, spec in ENTERPRISES.items():
        batch = spec[7]
        if batch != 1:
            continue
        pilot = reviewer.post(
            "pilot-list",
            {
                "target": targets[key],
                "reason": "改造意愿强、管理基础好，列入国家试点",
                "reference": "金经信〔2024〕88号",
                "decided_on": "2024-09-23",
                "batch": batches[1],
            },
        )
        assert (pilot["name"], pilot["batch"], pilot["output_band"]) == (spec[1], batches[1], "lt100m")
        designated[key] = pilot["id"]
    published = admin.post("pilot-publication-list", {"batch": batches[1], "starts_on": "2024-09-24"})
    assert sorted(published["pilots"]) == sorted(designated.values())
    listed = reviewer.get("pilot-list", query={"batch": batches[1]})
    assert sorted(row["id"] for row in listed) == sorted(designated.values())


def pilots_of_batch_2(clock, admin, reviewer, targets):
    """The second batch's pilot, designated and published when its year begins."""
    clock.move_to(at(date(2025, 1, 2)))
    batches = {row["number"]: row["id"] for row in reviewer.get("batch-list")}
    pilot = reviewer.post(
        "pilot-list",
        {"target": targets["year2"], "reason": "第二批试点", "reference": "金经信〔2025〕3号", "batch": batches[2]},
    )
    published = admin.post("pilot-publication-list", {"batch": batches[2], "starts_on": "2025-01-03"})
    assert published["pilots"] == [pilot["id"]]
    listed = reviewer.get("pilot-list", query={"batch": batches[2]})
    assert [row["id"] for row in listed] == [pilot["id"]]


# --- filings -------------------------------------------------------------------------------------------------

FILED = {
    # key: (provider, target level, lines as (part, category, amount, description))
    "l3": ("a", 3, [("N", "software", "700000.00", "MES与排产"), ("N", "hardware", "500000.00", "数据采集终端")]),
    "award": ("b", 2, [("N", "software", "256789.13", "裁剪排产与质量追溯"), ("X", "hardware", "200000.00", "吊挂线")]),
    "level1": ("b", 2, [("N", "software", "1200000.00", "ERP与MES"), ("N", "hardware", "800000.00", "智能仓储")]),
    "year2": ("a", 2, [("N", "software", "900000.00", "MES与设备联网"), ("X", "hardware", "600000.00", "装配线数采")]),
    "outsider": ("a", 2, [("N", "software", "300000.00", "MES")]),
}


def filing_body(key, providers, **overrides):
    provider, level, lines = FILED[key]
    items = [
        {"part": part, "category": category, "amount": amount, "description": text}
        for part, category, amount, text in lines
    ]
    return contract_filing(
        title=f"{ENTERPRISES[key][1]}数字化改造试点项目",
        track="pilot",
        provider=providers[provider]["id"],
        lines=items,
        contract=CONTRACT,
        subject=f"{ENTERPRISES[key][1]}数字化改造（N+X）总包合同",
        **{"target_level": level, **overrides},
    )


def filings_of_batch_1(clock, reviewer, providers, enterprises):
    clock.move_to(at(date(2024, 10, 8)))
    projects = {}

    # An enterprise of the target list that is not a designated pilot: track `pilot` is refused.
    outsider = draft_with_contract(enterprises["outsider"], filing_body("outsider", providers))
    fields = refused_fields(enterprises["outsider"], outsider)
    assert list(fields) == ["track"], fields

    # A pilot's filing without the level it commits to reach: refused on `target_level`.
    l3 = enterprises["l3"]
    drafted = draft(l3, filing_body("l3", providers, target_level=None))
    attach_contract(l3, drafted)
    fields = refused_fields(l3, drafted)
    assert list(fields) == ["target_level"], fields
    revised = l3.put("application-detail", filing_body("l3", providers), application=drafted)
    assert revised["status"] == "draft"
    assert l3.get("application-detail", application=drafted)["target_level"] == 3
    submit(l3, drafted)
    projects["l3"] = {"id": drafted, "provider": "a"}

    for key in ("award", "level1"):
        created = draft_with_contract(enterprises[key], filing_body(key, providers))
        submit(enterprises[key], created)
        projects[key] = {"id": created, "provider": FILED[key][0]}

    clock.move_to(at(date(2024, 10, 10)))
    for project in projects.values():
        approved = approve(reviewer, providers[project["provider"]]["actor"], project["id"])
        assert approved["batch"] == 1
    detail = enterprises["l3"].get("application-detail", application=projects["l3"]["id"])
    assert (detail["policy_version"], detail["track"], detail["target_level"]) == ("jinhua-pilot-plan", "pilot", 3)
    # The estimate on the filed amounts and the committed level: 1,200,000 × 50 % (year 1) = 600,000 < L3 cap.
    assert money(detail["estimate"]["subsidy"]) == D("600000.00")
    return projects


def filing_of_batch_2(clock, reviewer, providers, enterprises):
    clock.move_to(at(date(2025, 1, 6)))
    created = draft_with_contract(enterprises["year2"], filing_body("year2", providers))
    submit(enterprises["year2"], created)
    clock.move_to(at(date(2025, 1, 8)))
    approved = approve(reviewer, providers["a"]["actor"], created)
    assert approved["batch"] == 2
    return {"year2": {"id": created, "provider": "a"}}


# --- implementation, acceptance, assessments -----------------------------------------------------------------

COMPLETION = {
    "l3": date(2025, 2, 20),
    "award": date(2025, 4, 15),
    "level1": date(2025, 4, 16),
    "year2": date(2025, 9, 26),
}


def implementation(clock, providers, enterprises, projects, keys):
    implemented(
        clock, providers=providers, enterprises=enterprises, projects=projects, keys=keys, completion=COMPLETION
    )


AUDITED = {
    "l3": {"n_software": "700000.00", "n_hardware": "500000.00", "x_software": "0.00", "x_hardware": "0.00"},
    "award": {"n_software": "256789.13", "n_hardware": "0.00", "x_software": "0.00", "x_hardware": "200000.00"},
    "level1": {"n_software": "1200000.00", "n_hardware": "800000.00", "x_software": "0.00", "x_hardware": "0.00"},
    "year2": {"n_software": "900000.00", "n_hardware": "0.00", "x_software": "0.00", "x_hardware": "600000.00"},
}
EXPERT_SHARES = {"jinhua-expert-1": D("0.90"), "jinhua-expert-2": D("0.80"), "jinhua-expert-3": D("0.85")}


def audited_amounts(key):
    return {**AUDITED[key], "automation": "0.00"}


def acceptance(clock, reviewer, providers, enterprises, projects, ids, keys, closed_on):
    """Request (a week before closing), co-signature, three experts, sheets, the audit; closed on `closed_on`
    (the acceptance date that fixes the year rate) and announced from the next day."""
    for key in keys:
        project = projects[key]
        clock.move_to(at(date.fromordinal(closed_on.toordinal() - 7)))
        audited = acceptance_audited(
            reviewer,
            program=PROGRAM,
            enterprise=enterprises[key],
            provider=providers[project["provider"]]["actor"],
            application_id=project["id"],
            deliverables="N+X场景上线运行、数据看板、培训记录",
            amounts=audited_amounts(key),
            experts=EXPERT_SHARES,
            ids=ids,
            auditor="jinhua-finaudit",
            conclusion="票据齐全，认定如上",
        )
        review = audited["review"]
        clock.move_to(at(closed_on))
        # The mean of 90, 80 and 85 points passes the default mark of 60.
        acceptance_closed(reviewer, review, score=D("85.00"))
        acceptance_announced(reviewer, review, starts_on=date.fromordinal(closed_on.toordinal() + 1).isoformat())
        project["review"] = review


# Scores per assessment: (basics /50, management /30, results /20, the 16 scenes' levels)
ASSESSED = {
    # 35 + 20 + 10 = 65 ≥ 60 and six scenes at level 3: level 3 (not 4: below 80)
    3: ("35.00", "20.00", "10.00", [3] * 6 + [2] * 10),
    # 25 + 12 + 8 = 45 ≥ 40 and four scenes at level 2: level 2 (not 3: below 60)
    2: ("25.00", "12.00", "8.00", [2] * 4 + [1] * 12),
    # 15 + 8 + 5 = 28 ≥ 20 and every scene at level 1: level 1 (not 2: below 40)
    1: ("15.00", "8.00", "5.00", [1] * 16),
}


def assessments(clock, projects, levels, assessed_on):
    clock.move_to(at(assessed_on))
    assessor = Actor("jinhua-reviewer-1", PROGRAM)
    for key, level in levels.items():
        basics, management, results, scenes = ASSESSED[level]
        recorded = assessor.post(
            "assessment-list",
            {
                "phase": "after",
                "assessed_on": assessed_on.isoformat(),
                "basics": basics,
                "management": management,
                "results": results,
                "scene_levels": scenes,
            },
            application=projects[key]["id"],
        )
        assert (recorded["level"], money(recorded["score"])) == (
            level,
            money(basics) + money(management) + money(results),
        ), recorded


def awards(clock, reviewer, projects):
    """The 达标 award: a fixed 300,000, only for a level reaching the standard (2)."""
    clock.move_to(at(date(2025, 5, 20)))
    body = {"kind": "standard-reached", "reference": "金经信〔2025〕41号", "decided_on": "2025-05-20"}
    other_amount = reviewer.call(
        "post", "award-list", expect=400, data={**body, "application": projects["award"]["id"], "amount": "250000.00"}
    ).json()
    assert list(other_amount["error"]["fields"]) == ["amount"], other_amount
    level1 = reviewer.call(
        "post", "award-list", expect=400, data={**body, "application": projects["level1"]["id"], "amount": "300000.00"}
    ).json()
    assert list(level1["error"]["fields"]) == ["application"], level1
    granted = reviewer.post("award-list", {**body, "application": projects["award"]["id"], "amount": "300000.00"})
    assert (granted["kind"], money(granted["amount"]), granted["is_active"]) == ("standard-reached", AWARD, True)


# --- runs, pools and payments --------------------------------------------------------------------------------


def first_run(clock, reviewer, second_reviewer, admin, projects, committed):
    clock.move_to(at(date(2025, 6, 3)))
    # 7 working days from 2025-03-11 and from 2025-05-13 are over.
    announcements_concluded(reviewer, count=3)
    central = admin.post("pool-list", {"source": "central", "budget": str(CENTRAL_POOL), "note": "中央财政补助资金"})
    local = admin.post("pool-list", {"source": "local", "budget": str(LOCAL_POOL), "note": "市县配套资金"})

    run, detail = run_calculated(reviewer, title="2025年第一批试点项目补助核算", committed=committed)
    assert (detail["line_count"], detail["excluded_count"]) == (2, 1), detail
    # Assessed at level 1: not eligible, listed with the reason.
    (excluded,) = rows_of(reviewer.get("run-exclusions", run=run))
    assert (excluded["application"], excluded["stage"]) == (projects["level1"]["id"], "ineligible"), excluded
    assert excluded["reason"], excluded

    lines = run_lines(reviewer, run)
    l3, award = lines[projects["l3"]["id"]], lines[projects["award"]["id"]]
    assert [money(l3[k]) for k in ("subsidy", "awards", "total", "central", "local")] == [
        L3_SUBSIDY,
        D("0.00"),
        L3_SUBSIDY,
        L3_CENTRAL,
        L3_LOCAL,
    ]
    assert [money(award[k]) for k in ("subsidy", "awards", "total", "central", "local")] == [
        AWARD_SUBSIDY,
        AWARD,
        AWARD_TOTAL,
        AWARD_CENTRAL,
        AWARD_LOCAL,
    ]
    assert [money(detail[k]) for k in ("subsidy_total", "award_total", "total")] == [
        RUN1_SUBSIDY,
        RUN1_AWARDS,
        RUN1_TOTAL,
    ]
    shares = {row["source"]: money(row["share"]) for row in detail["totals"]["by_source"]}
    assert shares == {"central": RUN1_CENTRAL, "local": RUN1_LOCAL}

    approved = run_approved(reviewer, second_reviewer, run)
    assert money(approved["unfunded_total"]) == SHORTFALL_1

    # First accepted, first paid: the L3 project (accepted 2025-03-10) takes its 240,000; the award project
    # (2025-05-12) finds 160,000 of its 211,357.83.
    lines = run_lines(reviewer, run)
    assert money(lines[projects["l3"]["id"]]["unfunded"]) == D("0.00")
    assert money(lines[projects["award"]["id"]]["unfunded"]) == SHORTFALL_1
    pool = admin.get("pool-detail", pool=central["id"])
    assert (money(pool["allocated"]), money(pool["remaining"])) == (CENTRAL_POOL, D("0.00"))
    assert [(row["enterprise"], money(row["allocated"]), money(row["shortfall"])) for row in pool["allocations"]] == [
        (ENTERPRISES["l3"][1], L3_CENTRAL, D("0.00")),
        (ENTERPRISES["award"][1], AWARD_CENTRAL_FUNDED, SHORTFALL_1),
    ]

    clock.move_to(at(date(2025, 6, 10)))
    paid = second_reviewer.post(
        "run-line-payment",
        {"source": "central", "amount": str(L3_CENTRAL), "paid_on": "2025-06-10", "voucher": "JHCZ-2025-0610-01"},
        run=run,
        line=l3["id"],
    )
    assert money(paid["amount"]) == L3_CENTRAL
    run_paid(second_reviewer, run, paid_on="2025-06-12", voucher="JHCZ-2025-0612-01")
    lines = run_lines(reviewer, run)
    # Paid: what the pools funded (the award project's shortfall is not paid).
    assert money(lines[projects["l3"]["id"]]["paid"]) == L3_SUBSIDY
    assert money(lines[projects["award"]["id"]]["paid"]) == AWARD_TOTAL - SHORTFALL_1
    return run, {"central": central["id"], "local": local["id"]}


def second_run(clock, reviewer, second_reviewer, admin, projects, run1, pools, committed):
    clock.move_to(at(date(2025, 11, 3)))
    announcements_concluded(reviewer, count=1)
    topped = admin.post(
        "pool-list",
        {
            "source": "central",
            "budget": str(CENTRAL_POOL_TOPPED),
            "note": "中央财政补助资金（追加）",
            "reason": "追加下达",
        },
        expect=200,
    )
    assert money(topped["remaining"]) == CENTRAL_POOL_TOPPED - CENTRAL_POOL

    run, detail = run_calculated(reviewer, title="2025年第二批试点项目补助核算", committed=committed)
    # The level-1 project is still left out; the year-2 project is priced at 40 % under the L2 cap.
    assert (detail["line_count"], detail["excluded_count"]) == (1, 1), detail
    assert [row["application"] for row in rows_of(reviewer.get("run-exclusions", run=run))] == [
        projects["level1"]["id"]
    ]
    line = run_lines(reviewer, run)[projects["year2"]["id"]]
    assert [money(line[k]) for k in ("subsidy", "awards", "total", "central", "local")] == [
        L2_SUBSIDY,
        D("0.00"),
        L2_SUBSIDY,
        L2_CENTRAL,
        L2_LOCAL,
    ]
    approved = run_approved(reviewer, second_reviewer, run)
    assert money(approved["unfunded_total"]) == SHORTFALL_2

    # The earlier run's shortfall is funded first, then this run's line gets what is left.
    detail = reviewer.get("run-detail", run=run)
    assert [
        (row["line_run"], row["application"], row["source"], money(row["amount"])) for row in detail["carried_forward"]
    ] == [(reviewer.get("run-detail", run=run1)["number"], projects["award"]["id"], "central", CARRIED)]
    line = run_lines(reviewer, run)[projects["year2"]["id"]]
    assert money(line["unfunded"]) == SHORTFALL_2
    earlier = run_lines(reviewer, run1)[projects["award"]["id"]]
    assert (money(earlier["unfunded"]), money(earlier["funded_later"])) == (SHORTFALL_1, CARRIED)
    pool = admin.get("pool-detail", pool=pools["central"])
    assert (money(pool["allocated"]), money(pool["remaining"])) == (CENTRAL_POOL_TOPPED, D("0.00"))
    assert [(row["enterprise"], money(row["allocated"])) for row in pool["allocations"]][-1] == (
        ENTERPRISES["year2"][1],
        L2_CENTRAL_FUNDED,
    )

    clock.move_to(at(date(2025, 11, 10)))
    run_paid(second_reviewer, run, paid_on="2025-11-10", voucher="JHCZ-2025-1110-01")
    earlier = run_lines(reviewer, run1)[projects["award"]["id"]]
    assert money(earlier["paid"]) == AWARD_TOTAL  # the carried 51,357.83 paid within run 2


# --- the ledger ----------------------------------------------------------------------------------------------


def ledger(projects):
    names = ("Enterprise", "Subsidy", "Awards", "Total", "Unfunded", "Funded later", "Still unfunded", "Paid")
    column, body, totals = ledger_read(
        Actor("jinhua-finance", PROGRAM),
        columns=headings(*names) | {"central": "Central funds", "local": "Local funds"},
    )
    by_name = {row[column["Enterprise"]]: row for row in body}
    assert {name: money(row[column["Total"]]) for name, row in by_name.items()} == {
        ENTERPRISES["l3"][1]: L3_SUBSIDY,
        ENTERPRISES["award"][1]: AWARD_TOTAL,
        ENTERPRISES["year2"][1]: L2_SUBSIDY,
    }
    assert money(by_name[ENTERPRISES["award"][1]][column["central"]]) == AWARD_CENTRAL
    expected = {
        "Subsidy": LEDGER_SUBSIDY,
        "Awards": LEDGER_AWARDS,
        "Total": LEDGER_TOTAL,
        "central": LEDGER_CENTRAL,
        "local": LEDGER_LOCAL,
        "Unfunded": LEDGER_UNFUNDED,
        "Funded later": LEDGER_FUNDED_LATER,
        "Still unfunded": LEDGER_STILL_UNFUNDED,
        "Paid": LEDGER_PAID,
    }
    assert {name: money(totals[column[name]]) for name in expected} == expected


# --- the KPI board and the quarterly district ranking ---------------------------------------------------------


def kpi_and_district_ranking(clock, reviewer):
    clock.move_to(at(date(2026, 1, 5), 2))
    catch_up_task.delay()
    snapshots = rows_of(reviewer.get("ranking-list", kind="district"))
    latest = snapshots[0]
    assert (latest["period_start"], latest["period_end"]) == ("2025-10-01", "2025-12-31"), snapshots
    detail = reviewer.get("ranking-detail", kind="district", snapshot=latest["id"])
    (overall,) = detail["groups"]
    entries = {entry["subject"]: entry for entry in overall["entries"]}
    ranked = {name: entry for name, entry in entries.items() if entry["rank"] is not None}
    # Wuyi: 2 signed, 2 accepted, 1 honour (the award); Yongkang: 2 signed, 2 accepted, none. All at 100 %.
    assert {name: (entry["rank"], entry["flagged"]) for name, entry in ranked.items()} == {
        "武义县": (1, True),
        "永康市": (2, True),
    }
    assert {
        name: tuple(money(entry["values"][k]) for k in ("signed", "accepted", "honours"))
        for name, entry in ranked.items()
    } == {"武义县": (D(2), D(2), D(1)), "永康市": (D(2), D(2), D(0))}
    assert len(entries) == 9  # every county and district of Jinhua, the seven without a signed project unranked

    board = reviewer.get("kpi")
    actual = {row["code"]: {year["year"]: year["actual"] for year in row["years"]} for row in board["indicators"]}
    # Approved in 2024: the L3, level-1 (above scale) and award (below scale) projects; in 2025 the year-2 one.
    assert actual["above-transformed"] == {2024: 2, 2025: 1, 2026: 0}
    assert actual["below-transformed"] == {2024: 1, 2025: 0, 2026: 0}
    # Assessed after transformation at level ≥ 2 in 2025: the L3 and year-2 projects above scale, the award one below.
    assert actual["above-level2"] == {2024: 0, 2025: 2, 2026: 0}
    assert actual["below-level2"] == {2024: 0, 2025: 1, 2026: 0}
    assert actual["specialised"] == {2024: 1, 2025: 0, 2026: 0}
