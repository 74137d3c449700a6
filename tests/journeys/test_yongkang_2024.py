"""The Yongkang program year (issue 17 §1) as its actors live it, through the REST API, from a database holding only
what ships for `yongkang-2024` and the bureau's first logins.

Providers sign up and are admitted; a committee selects them; enterprises above and below scale sign up; the bureau
imports the target list and designates two power-tools pilots; filings on every track (学样仿样 lightweight, 规下
SaaS, 中级数智工厂 pilot and promotion) with a selected provider, the province's contract terms and the signed
contract, each refused where the policy says so; one returned and revised; implementation, acceptance on the
mid-level factory rubric (100 + 6 bonus points) and the financial audit with automation apart, the announcement;
a calculation run approved by a second reviewer, drawing the city's pool and paid; the Excel ledger read back. Then
the bureau admin activates the drafting note: the projects approved under the opinion keep its figures in the next
run, while a pilot approved afterwards is priced at 30 % with the 300,000 award. The horse race closes the year.

Amounts are worked by hand from ../shared/spec/policies.md (Yongkang). T = software + hardware, A = automation:
lightweight and SaaS 40 % × T between the floor and 500,000; mid-level r × min(T, 3,000,000) + a × A when
A ≥ 1,000,000. No investment passes a ceiling, so the unconfigured general informatization rate is never needed.
"""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

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
    route_exists,
)
from tests.journeys.steps import (
    acceptance_announced,
    acceptance_audited,
    acceptance_closed,
    announcements_concluded,
    approve,
    draft_with_contract,
    enterprises_approved,
    headings,
    implemented,
    ledger_read,
    money,
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

PROGRAM = "yongkang-2024"
OPINION = "yongkang-2024-opinion"
DRAFTING_NOTE = "yongkang-2024-drafting-note"
D = Decimal

# Worked by hand (policies.md, Yongkang):
DOORS_ESTIMATE = D("192000.00")  # lightweight, filed T 480,000 (between 300,000 and 500,000) × 40 %
DOORS = D("180000.00")  # lightweight, audited T 450,000 × 40 %
CUPS = D("40000.00")  # saas, T 100,000 (the floor, included) × 40 %
PILOT = D("1416000.00")  # pilot, opinion: T 2,000,000 × 60 % = 1,200,000 + A 1,200,000 ≥ 1,000,000 × 18 % = 216,000
PILOT_BASE = D("1200000.00")  # 2,000,000 × 60 %
PILOT_AUTOMATION = D("216000.00")  # 1,200,000 × 18 %
PROMOTION = D("1000000.00")  # promotion, opinion: T 2,000,000 × 50 %; A 0 earns nothing
LATE_PILOT_SUBSIDY = D("600000.00")  # pilot, drafting note: T 2,000,000 × 30 %; A 900,000 < 1,000,000 earns nothing
LATE_PILOT_AWARD = D("300000.00")  # drafting note: one-off award once acceptance passed, outside the cap
LATE_PILOT = D("900000.00")  # 600,000 + 300,000
RUN1_TOTAL = D("1636000.00")  # 180,000 + 40,000 + 1,416,000 (no awards)
RUN2_SUBSIDY = D("1600000.00")  # 1,000,000 + 600,000
RUN2_TOTAL = D("1900000.00")  # 1,600,000 + award 300,000
LEDGER_SUBSIDY = D("3236000.00")  # both runs: 1,636,000 + 1,600,000
LEDGER_TOTAL = D("3536000.00")  # 3,236,000 + award 300,000
POOL_BUDGET = D("5000000.00")
POOL_AFTER_RUN1 = D("3364000.00")  # 5,000,000 − 1,636,000
POOL_AFTER_RUN2 = D("1464000.00")  # 3,364,000 − 1,900,000
# Mid-level factory rubric: 100 points + 6 bonus; each expert scores every item at a share of its maximum.
EXPERT_SHARES = {"yongkang-expert-1": D("0.90"), "yongkang-expert-2": D("0.85"), "yongkang-expert-3": D("0.80")}
MIDLEVEL_TOTALS = {  # share × 106 (bonus included), share × 6 (bonus)
    "yongkang-expert-1": (D("95.40"), D("5.40")),
    "yongkang-expert-2": (D("90.10"), D("5.10")),
    "yongkang-expert-3": (D("84.80"), D("4.80")),
}
MIDLEVEL_SCORE = D("90.10")  # (95.40 + 90.10 + 84.80) / 3
LIGHTWEIGHT_SCORE = D("85.00")  # lightweight rubric, 100 points: (90 + 85 + 80) / 3

CONTRACT = {
    "contract_duration_months": 6,
    "acceptance_method": "按永康市中级数智工厂评审验收标准，专家组（非项目实施单位）评审验收并经第三方财务审计",
    "rights_and_duties": "甲方提供场地、数据与对接人员；乙方负责场景部署、产线联调、培训与运维",
    "breach_handling": "逾期交付按合同金额每日千分之一支付违约金，累计不超过合同金额10%",
    "payment_settlement": "签约付30%，上线付40%，验收合格后付30%",
    "warranty_months": 12,
    "training": "应用场景操作培训不少于3次，精益管理培训1次",
}


# The gates' refusals of the `track` field, as the API words them (zh-hans, the portal's language).
PILOTS_ONLY = (
    "Only the program's designated pilot enterprises may file this track; your enterprise is not on the pilot list. "
    "File another track, or ask the bureau about the pilot designation."
)
PILOTS_EXCLUDED = (
    "Designated pilot enterprises may not file this track: it is for the other enterprises of the industry. File "
    "the pilot track instead."
)
AFTER_PILOT_ACCEPTED = (
    "This track opens for %(industry)s once a pilot project of the industry has passed acceptance. File it after "
    "the first pilot project of %(industry)s is accepted."
)
OPEN_PROJECTS = (
    "Your enterprise already has %(count)d open project(s) on this track, the policy's limit of %(limit)d; "
    "withdraw or finish one first."
)


def said(msgid, **params) -> list[str]:
    with translation.override("zh-hans"):
        return [gettext(msgid) % params if params else gettext(msgid)]


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def yongkang(fresh_database, clock):
    """`yongkang-2024`'s reference data; the platform admin's logins: the bureau (admin and two reviewers, with
    their roles), and the people the bureau admin will give roles to."""
    program = program_reference_load(PROGRAM)
    bureau = bureau_logins(program, prefix="yongkang", bureau_name="永康市经济和信息化局", prefix8="11330784")
    association = organisation("永康市五金行业协会", OrganisationKind.ASSOCIATION, "51330784", 2)
    institute = organisation("浙江省智能制造专家委员会秘书处", OrganisationKind.INSTITUTION, "12330000", 3)
    audit_firm = organisation("金华正信会计师事务所有限公司", OrganisationKind.AUDIT_FIRM, "91330700", 4)
    finance = organisation("永康市财政局", OrganisationKind.BUREAU, "11330784", 5)
    people = program_people(
        "yongkang",
        bureau=bureau,
        committee=[(f"协会代表{n}", association) for n in (1, 2, 3)],
        institute=institute,
        audit_firm=audit_firm,
        finance=finance,
    )
    return {"program": program, "bureau": bureau, "people": people}


def test_the_yongkang_program_year(yongkang, clock, journey, django_capture_on_commit_callbacks):
    bureau = yongkang["bureau"]
    admin, reviewer, second_reviewer = bureau_actors(bureau, PROGRAM)
    for name, kwargs in REQUIRED_ROUTES.items():
        if not route_exists(name, program=PROGRAM, **kwargs):
            pytest.fail(f"The journey needs the API route {name}, which the project does not have")

    # The database holds the reference data and nothing a year of work makes.
    assert reviewer.get("selection-round-list")["count"] == 0
    assert reviewer.get("application-list")["results"] == []
    assert [b["number"] for b in reviewer.get("batch-list")] == [1, 2]
    versions = policy_versions(admin)
    assert versions == {OPINION: "active", DRAFTING_NOTE: "draft"}

    # --- the bureau admin gives the other people their roles ----------------------------------------------------
    ids = roles_granted(admin, people=yongkang["people"])

    providers = providers_join(clock, reviewer)
    providers_selected(clock, reviewer, providers, ids)
    enterprises = enterprises_join(clock, reviewer)
    pilots_designate(clock, admin, bureau.admin, enterprises)
    projects = filings_opinion(clock, reviewer, second_reviewer, providers, enterprises)
    implementation(clock, providers, enterprises, projects, ("doors", "cups", "pilot"))
    reviews = acceptance(clock, reviewer, providers, enterprises, projects, ids, ("doors", "cups", "pilot"), 2024)
    promotion_after_pilot(clock, reviewer, providers, enterprises, projects)
    first_run = calculation_run_1(
        clock, reviewer, second_reviewer, admin, projects, reviews, django_capture_on_commit_callbacks
    )
    ledger_1(first_run)
    drafting_note(clock, admin, reviewer, providers, enterprises, projects)
    implementation(clock, providers, enterprises, projects, ("promotion", "late_pilot"))
    reviews.update(
        acceptance(clock, reviewer, providers, enterprises, projects, ids, ("promotion", "late_pilot"), 2025)
    )
    calculation_run_2(clock, reviewer, second_reviewer, admin, projects, reviews, django_capture_on_commit_callbacks)
    ledger_2(journey)
    horse_race(clock, reviewer, providers)

    journey.check()


REQUIRED_ROUTES = {
    "application-attachments": {"application": 1},
    "application-provider-response": {"application": 1},
    "pilot-list": {},
    "policy-version-activate": {"policy_version": DRAFTING_NOTE},
}


def policy_versions(actor) -> dict:
    body = actor.get("policy-version-list")
    rows = body["results"] if isinstance(body, dict) else body
    return {row["code"]: row["status"] for row in rows}


# --- providers -----------------------------------------------------------------------------------------------

PROVIDERS = {
    # key: (username, name, industries, serial)
    "a": ("yongkang-provider-a", "永康智造工联科技有限公司", ["power-tools"], 301),
    "b": (
        "yongkang-provider-b",
        "金华五金云信息技术有限公司",
        ["security-doors", "thermos-cups", "health-leisure"],
        302,
    ),
}


def providers_join(clock, reviewer):
    """Two providers register on the public endpoint and the bureau admits them to the resource pool."""
    clock.move_to(at(date(2024, 6, 3)))
    return providers_admitted(
        reviewer,
        program=PROGRAM,
        specs=PROVIDERS,
        prefix8="91330784",
        phone="0579-87123456",
        local_support_staff=8,
        qualifications="软件企业认定；ISO 9001；智能制造系统解决方案供应商",
    )


def providers_selected(clock, reviewer, providers, ids):
    """A round over the four industries with three committee members; confirmed and published."""
    members = [f"yongkang-committee-{n}" for n in (1, 2, 3)]
    selection_round(
        clock,
        reviewer,
        program=PROGRAM,
        ids=ids,
        providers=providers,
        round_fields={
            "title": "2024年度永康市数字化改造总包商公选",
            "industries": ["security-doors", "thermos-cups", "health-leisure", "power-tools"],
            "opens_on": "2024-06-05",
            "closes_on": "2024-06-14",
            "places": 3,
            "template": "provider-selection",
        },
        days=(date(2024, 6, 4), date(2024, 6, 6), date(2024, 6, 17), date(2024, 6, 20)),
        shares=dict(zip(members, (D("0.90"), D("0.85"), D("0.80")), strict=True)),
        application={
            "team": "项目经理1名、实施工程师6名、本地驻场3名",
            "solution": "行业云平台+小快轻准产品服务，总包式“交钥匙”实施",
            "local_support_staff": 8,
        },
        # Three sheets, nothing dropped: the mean of 90, 85 and 80.
        score=D("85.00"),
    )


# --- enterprises and pilots ----------------------------------------------------------------------------------

ENTERPRISES = {
    # key: (username, name, industry, township, scale, output band, serial)
    "doors": ("yongkang-jiangnan", "永康市江南防盗门有限公司", "security-doors", "330784.03", "above", "gte200m", 401),
    "cups": ("yongkang-zhiying", "永康市芝英保温杯厂", "thermos-cups", "330784.14", "below", "lt100m", 402),
    "pilot": ("yongkang-fangyan", "浙江方岩园林工具有限公司", "power-tools", "330784.08", "above", "gte200m", 403),
    "promotion": ("yongkang-xixi", "永康市西溪电动工具有限公司", "power-tools", "330784.11", "above", "100m-200m", 404),
    "late_pilot": (
        "yongkang-longshan",
        "浙江龙山园林机械有限公司",
        "power-tools",
        "330784.10",
        "above",
        "gte200m",
        405,
    ),
}
PILOTS = ("pilot", "late_pilot")


def enterprises_join(clock, reviewer):
    return enterprises_approved(
        clock,
        reviewer,
        program=PROGRAM,
        enterprises={
            key: {
                "username": username,
                "name": name,
                "uscc": credit_code(serial, "91330784"),
                "township": township,
                "industry": industry,
                "scale": scale,
                "output_band": band,
            }
            for key, (username, name, industry, township, scale, band, serial) in ENTERPRISES.items()
        },
        phone="0579-87000000",
        signed_on=date(2024, 6, 24),
        decided_on=date(2024, 6, 25),
    )


def target_list_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["统一社会信用代码", "企业名称", "乡镇（街道）", "细分行业", "规模（规上/规下）", "联系人", "联系电话"]
    )
    for _username, name, industry, township, scale, _band, serial in ENTERPRISES.values():
        scale_text = "规上" if scale == "above" else "规下"
        sheet.append([credit_code(serial, "91330784"), name, township, industry, scale_text, "联系人", "0579-87000000"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pilots_designate(clock, admin, admin_user, enterprises):
    """The target list (摸底企业清单) goes in through its page, the one way a bureau imports it; the pilots are
    designated through the API from that list and their list is published."""
    clock.move_to(at(date(2024, 6, 26)))
    page = page_client(admin_user)
    upload = SimpleUploadedFile(
        "摸底企业清单.xlsx",
        target_list_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = page.post(reverse("enterprises:target-import", kwargs={"program": PROGRAM}), {"file": upload})
    assert response.status_code == 302, response.content[:2000]
    # The target ids the designation names: the pilot page's choice of candidates.
    html = page.get(reverse("enterprises:pilots", kwargs={"program": PROGRAM})).content.decode()
    candidates = {name.strip(): int(pk) for pk, name in re.findall(r'<option value="(\d+)">([^<·]+)·', html)}
    names = {key: ENTERPRISES[key][1] for key in ENTERPRISES}
    assert set(names.values()) <= set(candidates), candidates
    batch_1 = next(batch["id"] for batch in admin.get("batch-list") if batch["number"] == 1)
    for key in PILOTS:
        pilot = admin.post(
            "pilot-list",
            {
                "target": candidates[names[key]],
                "reason": "电动（园林）工具行业初级数智工厂样本企业，信息化基础好，自愿开展中级数智工厂建设试点",
                "reference": "永经信〔2024〕18号",
                "decided_on": "2024-06-26",
                "batch": batch_1,
            },
        )
        assert (pilot["name"], pilot["industry"], pilot["is_active"]) == (names[key], "power-tools", True)
    assert sorted(row["name"] for row in admin.get("pilot-list")) == sorted(names[key] for key in PILOTS)
    published = admin.post("pilot-publication-list", {"batch": batch_1, "starts_on": "2024-06-27"})
    assert len(published["pilots"]) == 2


# --- filings -------------------------------------------------------------------------------------------------


def modules(actor):
    rows = actor.get("scenario-module-list", query={"page_size": 200})["results"]
    assert len(rows) == 51
    return {row["code"]: row["id"] for row in rows}


def line(catalogue, number, part, category, amount, description=""):
    return {
        "module": catalogue[f"ykm-{number:02d}"],
        "part": part,
        "category": category,
        "amount": amount,
        "description": description,
    }


def filing_body(title, track, provider_id, lines, **overrides):
    return contract_filing(
        title=title,
        track=track,
        provider=provider_id,
        lines=lines,
        contract=CONTRACT,
        subject=f"{title}（总包“交钥匙”工程）",
        **overrides,
    )


def doors_lines(catalogue):
    return [
        line(catalogue, 18, "N", "software", "180000.00"),  # 订单管理
        line(catalogue, 19, "N", "software", "100000.00"),  # 仓储管理
        line(catalogue, 36, "N", "software", "100000.00"),  # 质量管理
        line(catalogue, 41, "X", "hardware", "100000.00", "防盗门冲压线数据采集终端"),  # 设备联网管理
    ]


def cups_lines(catalogue):
    return [
        line(catalogue, 18, "N", "software", "30000.00"),  # 订单管理
        line(catalogue, 20, "N", "software", "30000.00"),  # 采购管理
        line(catalogue, 19, "N", "software", "40000.00"),  # 仓储管理
    ]


def pilot_lines(catalogue):
    return [
        line(catalogue, 22, "N", "software", "400000.00"),  # 主生产计划
        line(catalogue, 33, "N", "software", "300000.00"),  # 生产过程管理
        line(catalogue, 36, "N", "software", "300000.00"),  # 质量管理
        line(catalogue, 41, "N", "hardware", "600000.00"),  # 设备联网管理
        line(catalogue, 17, "X", "hardware", "400000.00", "运营指挥中心大屏"),  # 运营指挥中心
        line(catalogue, 48, "X", "automation", "700000.00", "智能立库"),
        line(catalogue, 51, "X", "automation", "500000.00", "电机自动化产线"),
    ]


def promotion_lines(catalogue):
    return [
        line(catalogue, 22, "N", "software", "500000.00"),  # 主生产计划
        line(catalogue, 27, "N", "software", "300000.00"),  # 成本核算
        line(catalogue, 32, "N", "software", "200000.00"),  # 车间计划管理
        line(catalogue, 42, "N", "hardware", "500000.00"),  # 工艺监测预警
        line(catalogue, 43, "X", "hardware", "500000.00", "工装模具RFID"),  # 工装模具管理
    ]


def late_pilot_lines(catalogue):
    return [
        line(catalogue, 21, "N", "software", "600000.00"),  # 物料需求计划
        line(catalogue, 38, "N", "software", "400000.00"),  # 质量SPC
        line(catalogue, 41, "N", "hardware", "500000.00"),  # 设备联网管理
        line(catalogue, 7, "X", "software", "500000.00"),  # 产品数据管理
        line(catalogue, 49, "X", "automation", "900000.00", "AGV智能物流"),  # 智能物流
    ]


def filings_opinion(clock, reviewer, second_reviewer, providers, enterprises):
    """Batch 1 (2024-06-01 … 12-31), priced under the opinion: every refusal of the tracks, then the doors, cups
    and first pilot projects approved; the cups filing returned once and revised."""
    catalogue = modules(reviewer)
    a, b = providers["a"], providers["b"]
    projects = {}

    clock.move_to(at(date(2024, 7, 1)))
    # Lightweight below 300,000 (T 280,000): the policy engine refuses the estimate.
    small = filing_body("江南防盗门学样仿样改造", "lightweight", b["id"], doors_lines(catalogue)[:2])
    doors = draft_with_contract(enterprises["doors"], small)
    fields = refused_fields(enterprises["doors"], doors)
    assert list(fields) == ["estimate"], fields
    assert "30万元" in fields["estimate"][0]
    # Revised to T 480,000: within 300,000–500,000.
    revised = enterprises["doors"].put(
        "application-detail",
        filing_body("江南防盗门学样仿样改造", "lightweight", b["id"], doors_lines(catalogue)),
        application=doors,
    )
    assert money(revised["total"]) == D("480000.00")
    submit(enterprises["doors"], doors)
    projects["doors"] = {"id": doors, "provider": "b"}

    # A below-scale enterprise on the lightweight (above-scale) track: the estimate is refused.
    cups_light = filing_body("芝英保温杯SaaS订阅改造", "lightweight", b["id"], cups_lines(catalogue))
    cups = draft_with_contract(enterprises["cups"], cups_light)
    fields = refused_fields(enterprises["cups"], cups)
    assert list(fields) == ["estimate"], fields
    assert "规上" in fields["estimate"][0]
    enterprises["cups"].put(
        "application-detail",
        filing_body("芝英保温杯SaaS订阅改造", "saas", b["id"], cups_lines(catalogue), warranty_months=None),
        application=cups,
    )
    # The warranty term is missing: the contract template's field is named.
    assert "warranty_months" in refused_fields(enterprises["cups"], cups)
    enterprises["cups"].put(
        "application-detail",
        filing_body("芝英保温杯SaaS订阅改造", "saas", b["id"], cups_lines(catalogue)),
        application=cups,
    )
    submit(enterprises["cups"], cups)
    projects["cups"] = {"id": cups, "provider": "b"}

    # A designated pilot may not take the promotion track.
    pilot = draft_with_contract(
        enterprises["pilot"],
        filing_body("方岩园林工具中级数智工厂试点", "midlevel-promotion", a["id"], pilot_lines(catalogue)),
    )
    assert refused_fields(enterprises["pilot"], pilot) == {"track": said(PILOTS_EXCLUDED)}
    enterprises["pilot"].put(
        "application-detail",
        filing_body("方岩园林工具中级数智工厂试点", "midlevel-pilot", a["id"], pilot_lines(catalogue)),
        application=pilot,
    )
    submit(enterprises["pilot"], pilot)
    projects["pilot"] = {"id": pilot, "provider": "a"}

    # A power-tools maker that is not a pilot: the pilot track is refused, and the promotion track too while no
    # power-tools pilot has passed acceptance.
    promotion = draft_with_contract(
        enterprises["promotion"],
        filing_body("西溪电动工具中级数智工厂推广", "midlevel-pilot", a["id"], promotion_lines(catalogue)),
    )
    assert refused_fields(enterprises["promotion"], promotion) == {"track": said(PILOTS_ONLY)}
    enterprises["promotion"].put(
        "application-detail",
        filing_body("西溪电动工具中级数智工厂推广", "midlevel-promotion", a["id"], promotion_lines(catalogue)),
        application=promotion,
    )
    fields = refused_fields(enterprises["promotion"], promotion)
    assert fields == {"track": said(AFTER_PILOT_ACCEPTED, industry="电动（园林）工具")}, fields
    projects["promotion"] = {"id": promotion, "provider": "a"}

    clock.move_to(at(date(2024, 7, 5)))
    for key in ("doors", "pilot"):
        approved = approve(reviewer, providers[projects[key]["provider"]]["actor"], projects[key]["id"])
        assert approved["batch"] == 1
    doors_detail = enterprises["doors"].get("application-detail", application=doors)
    assert (doors_detail["policy_version"], doors_detail["implementation_deadline"]) == (OPINION, "2024-10-05")
    assert money(doors_detail["estimate"]["subsidy"]) == DOORS_ESTIMATE
    pilot_detail = enterprises["pilot"].get("application-detail", application=pilot)
    # Six months under the opinion.
    assert (pilot_detail["policy_version"], pilot_detail["implementation_deadline"]) == (OPINION, "2025-01-05")
    estimate = pilot_detail["estimate"]
    assert {row["component"]: money(row["amount"]) for row in estimate["subsidy_lines"]} == {
        "base": PILOT_BASE,
        "automation": PILOT_AUTOMATION,
    }
    assert (money(estimate["subsidy"]), money(estimate["total"])) == (PILOT, PILOT)

    # The cups filing: returned for its training term, revised and resubmitted, approved by the second reviewer.
    approved = returned_revised_approved(
        clock,
        reviewer,
        second_reviewer,
        enterprise=enterprises["cups"],
        provider=b["actor"],
        application_id=cups,
        comment="培训条款请写明SaaS各模块操作培训的次数与对象。",
        revised=filing_body(
            "芝英保温杯SaaS订阅改造",
            "saas",
            b["id"],
            cups_lines(catalogue),
            training="订单、采购、库存模块操作培训各1次，对象为仓管、采购与财务人员",
        ),
        days=(None, date(2024, 7, 8), date(2024, 7, 9)),
    )
    assert approved["batch"] == 1

    # A second open project on the same track: the doors maker's first is approved and not complete.
    second = draft_with_contract(
        enterprises["doors"],
        filing_body("江南防盗门二期", "lightweight", b["id"], doors_lines(catalogue)),
    )
    assert refused_fields(enterprises["doors"], second) == {"track": said(OPEN_PROJECTS, count=1, limit=1)}
    enterprises["doors"].post("application-transition", {"action": "withdraw"}, expect=200, application=second)
    return projects


def promotion_after_pilot(clock, reviewer, providers, enterprises, projects):
    """Once the power-tools pilot passed acceptance, the promotion track opens for the industry."""
    clock.move_to(at(date(2024, 12, 5)))
    promotion = projects["promotion"]["id"]
    submit(enterprises["promotion"], promotion)
    approved = approve(reviewer, providers["a"]["actor"], promotion)
    assert approved["batch"] == 1
    detail = enterprises["promotion"].get("application-detail", application=promotion)
    assert detail["policy_version"] == OPINION
    assert money(detail["estimate"]["total"]) == PROMOTION


# --- implementation ------------------------------------------------------------------------------------------

COMPLETION = {
    "doors": date(2024, 9, 20),
    "cups": date(2024, 9, 23),
    "pilot": date(2024, 11, 25),
    "promotion": date(2025, 4, 21),
    "late_pilot": date(2025, 4, 28),
}


def implementation(clock, providers, enterprises, projects, keys):
    """The provider reports each milestone with a photo; the enterprise confirms each; the last claims completion;
    the enterprise rates its provider."""
    implemented(
        clock,
        providers=providers,
        enterprises=enterprises,
        projects=projects,
        keys=keys,
        completion=COMPLETION,
        rating={"score": 5, "comment": "交付及时"},
    )


# --- acceptance ----------------------------------------------------------------------------------------------

ZERO = "0.00"
# Audited by the financial auditor (the subsidy base), automation equipment apart; the doors audit is below the
# filing (450,000 of 480,000).
AUDITED = {
    "doors": {"n_software": "350000.00", "n_hardware": ZERO, "x_software": ZERO, "x_hardware": "100000.00"},
    "cups": {"n_software": "100000.00", "n_hardware": ZERO, "x_software": ZERO, "x_hardware": ZERO},
    "pilot": {"n_software": "1000000.00", "n_hardware": "600000.00", "x_software": ZERO, "x_hardware": "400000.00"},
    "promotion": {
        "n_software": "1000000.00",
        "n_hardware": "500000.00",
        "x_software": ZERO,
        "x_hardware": "500000.00",
    },
    "late_pilot": {
        "n_software": "1000000.00",
        "n_hardware": "500000.00",
        "x_software": "500000.00",
        "x_hardware": ZERO,
    },
}
AUTOMATION = {"doors": ZERO, "cups": ZERO, "pilot": "1200000.00", "promotion": ZERO, "late_pilot": "900000.00"}
MIDLEVEL = ("pilot", "promotion", "late_pilot")
# (requested and closed, announcement starts) per year: seven working days end 2024-12-12 and 2025-05-15.
ACCEPTANCE_DAYS = {2024: (date(2024, 12, 2), "2024-12-04"), 2025: (date(2025, 5, 6), "2025-05-07")}


def audited_amounts(key):
    return {**AUDITED[key], "automation": AUTOMATION[key]}


def acceptance(clock, reviewer, providers, enterprises, projects, ids, keys, year):
    """Request, co-signature, a panel of three experts and the auditor, sheets (the mid-level factory rubric with
    its bonus points for the mid-level tracks), the audit, closing, the announcement."""
    requested_on, announce_on = ACCEPTANCE_DAYS[year]
    clock.move_to(at(requested_on))
    reviews = {}
    for key in keys:
        project = projects[key]
        audited = acceptance_audited(
            reviewer,
            program=PROGRAM,
            enterprise=enterprises[key],
            provider=providers[project["provider"]]["actor"],
            application_id=project["id"],
            deliverables="应用场景上线运行、四级看板、培训记录",
            amounts=audited_amounts(key),
            experts=EXPERT_SHARES,
            ids=ids,
            auditor="yongkang-finaudit",
            conclusion="票据齐全，自动化设备单列认定",
        )
        review, items = audited["review"], audited["items"]
        bonus = [item for item in items if item["is_bonus"]]
        if key in MIDLEVEL:
            # Seed 002 Annex 3: five sections of 100 points and three bonus items of 2.
            assert sum(money(item["max_points"]) for item in items if not item["is_bonus"]) == D("100")
            assert [money(item["max_points"]) for item in bonus] == [D("2"), D("2"), D("2")]
            for username, sheet in audited["sheets"].items():
                assert (money(sheet["total"]), money(sheet["bonus"])) == MIDLEVEL_TOTALS[username]
        else:
            assert bonus == []
        detail = reviewer.get("acceptance-review-detail", review=review)
        assert money(detail["audit"]["automation"]) == money(AUTOMATION[key])
        acceptance_closed(reviewer, review, score=MIDLEVEL_SCORE if key in MIDLEVEL else LIGHTWEIGHT_SCORE)
        reviews[key] = review

    clock.move_to(at(requested_on.replace(day=requested_on.day + 1)))
    for review in reviews.values():
        acceptance_announced(reviewer, review, starts_on=announce_on)
    return reviews


# --- calculation runs, pools and payment ---------------------------------------------------------------------


def calculate(reviewer, committed, *, title, expected_lines):
    run, calculated = run_calculated(reviewer, title=title, committed=committed)
    assert calculated["line_count"] == expected_lines, calculated
    return run, run_lines(reviewer, run)


def line_versions(reviewer, run, lines) -> dict:
    return {
        pk: reviewer.get("run-line", run=run, line=row["id"])["result"]["policy_version"] for pk, row in lines.items()
    }


def calculation_run_1(clock, reviewer, second_reviewer, admin, projects, reviews, committed):
    clock.move_to(at(date(2024, 12, 16)))
    announcements_concluded(reviewer, count=3)
    pool = admin.post("pool-list", {"source": "county", "budget": str(POOL_BUDGET), "note": "市级财政数改专项"})
    run, lines = calculate(reviewer, committed, title="2024年第一批数改补助核算", expected_lines=3)
    expected = {projects["doors"]["id"]: DOORS, projects["cups"]["id"]: CUPS, projects["pilot"]["id"]: PILOT}
    assert {pk: money(row["subsidy"]) for pk, row in lines.items()} == expected
    assert {pk: money(row["total"]) for pk, row in lines.items()} == expected  # no awards under the opinion
    assert {pk: money(row["county"]) for pk, row in lines.items()} == expected  # Yongkang: no funding split
    assert set(line_versions(reviewer, run, lines).values()) == {OPINION}
    pilot_line = reviewer.get("run-line", run=run, line=lines[projects["pilot"]["id"]]["id"])
    assert {row["component"]: money(row["amount"]) for row in pilot_line["result"]["subsidy_lines"]} == {
        "base": PILOT_BASE,
        "automation": PILOT_AUTOMATION,
    }
    assert money(reviewer.get("run-detail", run=run)["subsidy_total"]) == RUN1_TOTAL

    approved = run_approved(reviewer, second_reviewer, run)  # not by its creator
    assert money(approved["total"]) == RUN1_TOTAL
    drawn = admin.get("pool-detail", pool=pool["id"])
    assert (money(drawn["allocated"]), money(drawn["remaining"])) == (RUN1_TOTAL, POOL_AFTER_RUN1)

    clock.move_to(at(date(2024, 12, 23)))
    run_paid(second_reviewer, run, paid_on="2024-12-23", voucher="YKCZ-2024-1223-01")
    return {"run": run, "pool": pool["id"]}


def drafting_note(clock, admin, reviewer, providers, enterprises, projects):
    """The bureau admin activates the drafting note; what was approved before keeps the opinion, and a pilot
    approved afterwards is priced under the drafting note."""
    clock.move_to(at(date(2025, 1, 6)))
    reviewer.call("post", "policy-version-activate", expect=403, data={}, policy_version=DRAFTING_NOTE)
    activated = admin.post(
        "policy-version-activate", {"effective_from": "2025-01-06"}, expect=200, policy_version=DRAFTING_NOTE
    )
    assert (activated["status"], activated["effective_from"]) == ("active", "2025-01-06")
    assert policy_versions(admin) == {OPINION: "retired", DRAFTING_NOTE: "active"}
    promotion = enterprises["promotion"].get("application-detail", application=projects["promotion"]["id"])
    assert promotion["policy_version"] == OPINION
    assert money(promotion["estimate"]["total"]) == PROMOTION  # still 50 %, not the drafting note's 25 %

    clock.move_to(at(date(2025, 1, 8)))
    catalogue = modules(reviewer)
    late = draft_with_contract(
        enterprises["late_pilot"],
        filing_body(
            "龙山园林机械中级数智工厂试点",
            "midlevel-pilot",
            providers["a"]["id"],
            late_pilot_lines(catalogue),
            contract_duration_months=8,
        ),
    )
    submit(enterprises["late_pilot"], late)
    clock.move_to(at(date(2025, 1, 10)))
    approved = approve(reviewer, providers["a"]["actor"], late)
    assert approved["batch"] == 2
    detail = enterprises["late_pilot"].get("application-detail", application=late)
    # Eight months under the drafting note.
    assert (detail["policy_version"], detail["implementation_deadline"]) == (DRAFTING_NOTE, "2025-09-10")
    estimate = detail["estimate"]
    assert [row["component"] for row in estimate["subsidy_lines"]] == ["base"]  # automation 900,000 < 1,000,000
    assert (money(estimate["subsidy"]), money(estimate["total"])) == (LATE_PILOT_SUBSIDY, LATE_PILOT)
    assert [money(row["amount"]) for row in estimate["award_lines"]] == [LATE_PILOT_AWARD]
    projects["late_pilot"] = {"id": late, "provider": "a"}


def calculation_run_2(clock, reviewer, second_reviewer, admin, projects, reviews, committed):
    clock.move_to(at(date(2025, 5, 19)))
    announcements_concluded(reviewer, count=2)
    run, lines = calculate(reviewer, committed, title="2025年第一批数改补助核算", expected_lines=2)
    promotion, late = projects["promotion"]["id"], projects["late_pilot"]["id"]
    assert {pk: money(row["subsidy"]) for pk, row in lines.items()} == {
        promotion: PROMOTION,
        late: LATE_PILOT_SUBSIDY,
    }
    assert {pk: money(row["awards"]) for pk, row in lines.items()} == {promotion: D("0.00"), late: LATE_PILOT_AWARD}
    assert {pk: money(row["total"]) for pk, row in lines.items()} == {promotion: PROMOTION, late: LATE_PILOT}
    assert line_versions(reviewer, run, lines) == {promotion: OPINION, late: DRAFTING_NOTE}
    detail = reviewer.get("run-detail", run=run)
    assert (money(detail["subsidy_total"]), money(detail["award_total"]), money(detail["total"])) == (
        RUN2_SUBSIDY,
        LATE_PILOT_AWARD,
        RUN2_TOTAL,
    )
    run_approved(reviewer, second_reviewer, run)
    pool = admin.get("pool-list")
    rows = pool["results"] if isinstance(pool, dict) else pool
    (county,) = rows
    assert money(county["remaining"]) == POOL_AFTER_RUN2
    clock.move_to(at(date(2025, 5, 23)))
    run_paid(second_reviewer, run, paid_on="2025-05-23", voucher="YKCZ-2025-0523-01")


# --- the ledger ----------------------------------------------------------------------------------------------


LEDGER_COLUMNS = headings("Enterprise", "Policy version", "Batch", "Subsidy", "Awards", "Total", "Paid")


def ledger_1(first_run):
    """The finance office downloads the first run's ledger and reads it back."""
    finance = Actor("yongkang-finance", PROGRAM)
    column, body, totals = ledger_read(finance, columns=LEDGER_COLUMNS, route="run-ledger", run=first_run["run"])
    by_name = {row[column["Enterprise"]]: row for row in body}
    expected = {"永康市江南防盗门有限公司": DOORS, "永康市芝英保温杯厂": CUPS, "浙江方岩园林工具有限公司": PILOT}
    assert {name: money(row[column["Subsidy"]]) for name, row in by_name.items()} == expected
    assert {name: money(row[column["Paid"]]) for name, row in by_name.items()} == expected
    assert {row[column["Policy version"]] for row in body} == {OPINION}
    # The totals row: 1,636,000 subsidy, total and paid.
    assert (money(totals[column["Subsidy"]]), money(totals[column["Total"]]), money(totals[column["Paid"]])) == (
        RUN1_TOTAL,
        RUN1_TOTAL,
        RUN1_TOTAL,
    )


def ledger_2(journey):
    """The program's ledger after both runs: each line under the version its project was approved under."""
    finance = Actor("yongkang-finance", PROGRAM)
    column, body, totals = ledger_read(finance, columns=LEDGER_COLUMNS)
    by_name = {row[column["Enterprise"]]: row for row in body}
    assert {
        name: (money(row[column["Subsidy"]]), money(row[column["Awards"]] or 0)) for name, row in by_name.items()
    } == {
        "永康市江南防盗门有限公司": (DOORS, D("0")),
        "永康市芝英保温杯厂": (CUPS, D("0")),
        "浙江方岩园林工具有限公司": (PILOT, D("0")),
        "永康市西溪电动工具有限公司": (PROMOTION, D("0")),
        "浙江龙山园林机械有限公司": (LATE_PILOT_SUBSIDY, LATE_PILOT_AWARD),
    }
    # The totals row: subsidy 3,236,000, awards 300,000, total and paid 3,536,000.
    assert tuple(money(totals[column[name]]) for name in ("Subsidy", "Awards", "Total", "Paid")) == (
        LEDGER_SUBSIDY,
        LATE_PILOT_AWARD,
        LEDGER_TOTAL,
        LEDGER_TOTAL,
    )
    versions = {name: row[column["Policy version"]] for name, row in by_name.items()}
    expected = dict.fromkeys(by_name, OPINION) | {"浙江龙山园林机械有限公司": DRAFTING_NOTE}
    if versions != expected:
        journey.wait(
            "GET /api/v1/programs/yongkang-2024/ledger/: the detail sheet's “Policy version” column names the run's "
            f"single version, blank for a run priced under two versions; read {versions}, expected {expected}"
        )


# --- the horse race ------------------------------------------------------------------------------------------


def horse_race(clock, reviewer, providers):
    """The beat job makes every ended month; the reviewer publishes May 2025; a provider reads it."""
    clock.move_to(at(date(2025, 6, 2), 2))
    catch_up_task.delay()
    latest = reviewer.get("horse-race-list")["results"][0]
    assert (latest["period_start"], latest["period_end"], latest["status"]) == ("2025-05-01", "2025-05-31", "computed")
    assert reviewer.post("ranking-publish", {}, expect=200, snapshot=latest["id"])["status"] == "published"
    detail = reviewer.get("horse-race-detail", snapshot=latest["id"])
    overall = next(group for group in detail["groups"] if group["code"] == "")
    entries = {entry["provider"]: entry for entry in overall["entries"]}
    a, b = providers["a"]["name"], providers["b"]["name"]
    assert set(entries) == {a, b}
    # Accepted by the end of May: A the two pilots and the promotion, B the doors and the cups.
    assert {name: money(entry["values"]["accepted"]) for name, entry in entries.items()} == {a: D("3"), b: D("2")}
    assert {name: money(entry["values"]["mean_score"]) for name, entry in entries.items()} == {
        a: MIDLEVEL_SCORE,
        b: LIGHTWEIGHT_SCORE,
    }
    assert {entry["rank"] for entry in entries.values()} <= {1, 2}
    mine = providers["a"]["actor"].get("horse-race-detail", snapshot=latest["id"])
    assert a in {entry["provider"] for group in mine["groups"] for entry in group["entries"]}
