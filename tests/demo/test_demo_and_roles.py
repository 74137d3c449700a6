"""The demo data set, and what each demo role may open, on pages and in the API (domain.md, "Roles")."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.build import PROGRAM_LOGIN_PREFIX, ROLE_LOGIN
from enterprises.models import EnterpriseProfile, PilotDesignation, TargetEnterprise
from portal.core.roles import Role
from programs.models import CalendarDay, Industry, Program, RoleAssignment, ScenarioModule
from tests.support.people import demo_user

pytestmark = pytest.mark.django_db

ALL = set(Role)
STAFF = {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.SUPERVISOR, Role.AUDITOR}


def test_programs_industries_and_catalogues_are_seeded_with_their_codes():
    assert set(Program.objects.values_list("slug", flat=True)) >= {
        "wuyi-2024",
        "yongkang-2024",
        "jinhua-pilot",
    }
    codes = {
        slug: list(Industry.objects.filter(program__slug=slug).values_list("code", flat=True))
        for slug in ("wuyi-2024", "yongkang-2024", "jinhua-pilot")
    }
    assert codes == {
        "wuyi-2024": ["kitchenware", "power-tools", "hardware", "leisure", "doors", "other"],
        "yongkang-2024": ["security-doors", "thermos-cups", "health-leisure", "power-tools"],
        "jinhua-pilot": ["power-tools", "magnetic-materials", "garments"],
    }
    yongkang = ScenarioModule.objects.filter(program__slug="yongkang-2024")
    assert yongkang.count() == 51
    assert list(yongkang.values_list("number", flat=True)) == list(range(1, 52))
    first = yongkang.get(number=1)
    assert (first.category, first.name, str(first.price)) == ("上下游协同", "订单透视", "80000.00")
    assert yongkang.get(number=6).price is None  # 按需求
    assert ScenarioModule.objects.filter(program__slug="wuyi-2024", kind="N").count() >= 7


def test_seed_demo_is_idempotent_and_prints_every_login():
    call_command("seed_demo", stdout=io.StringIO())  # the session holds demo_build's data; the command adds runs
    counts = (
        Program.objects.count(),
        EnterpriseProfile.objects.count(),
        RoleAssignment.objects.count(),
        ScenarioModule.objects.count(),
    )
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts == (
        Program.objects.count(),
        EnterpriseProfile.objects.count(),
        RoleAssignment.objects.count(),
        ScenarioModule.objects.count(),
    )
    text = out.getvalue()
    for prefix in PROGRAM_LOGIN_PREFIX.values():
        for suffix in ROLE_LOGIN.values():
            assert f"{prefix}-{suffix} " in text


def other_enterprise_pk(slug, user):
    return EnterpriseProfile.objects.filter(program__slug=slug).exclude(organisation=user.organisation).first().pk


PAGES = [
    ("dashboard:index", {}, ALL),
    ("enterprises:list", {}, STAFF | {Role.ENTERPRISE}),
    ("providers:list", {}, STAFF | {Role.ENTERPRISE, Role.PROVIDER, Role.COMMITTEE_MEMBER}),
    ("dashboard:industries", {}, ALL),
    ("programs:scenarios", {}, ALL),
    ("programs:calendar", {}, ALL),
    ("members:list", {}, {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
    ("members:grant", {}, {Role.BUREAU_ADMIN}),
    ("programs:settings", {}, {Role.BUREAU_ADMIN}),
    ("dashboard:config-new", {"kind": "industry"}, {Role.BUREAU_ADMIN}),
    ("dashboard:history", {"model": "program", "pk": None}, STAFF),
    ("policies:versions", {}, STAFF),
    ("policies:calculator", {}, ALL),
]


@pytest.mark.parametrize("slug", ["wuyi-2024", "jinhua-pilot"])
@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_exactly_its_pages(client, slug, role):
    user = demo_user(role, slug)
    client.force_login(user)
    program = Program.objects.get(slug=slug)
    for name, kwargs, allowed in PAGES:
        kwargs = {key: (program.pk if value is None else value) for key, value in kwargs.items()}
        response = client.get(reverse(name, kwargs={"program": slug, **kwargs}))
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, f"{name} as {role}: {response.status_code} != {expected}"

    # Another enterprise's detail: staff read it; an enterprise user gets 404 (not "forbidden": it is not theirs).
    response = client.get(
        reverse(
            "enterprises:detail",
            kwargs={"program": slug, "enterprise": other_enterprise_pk(slug, user)},
        )
    )
    assert response.status_code == (200 if role in STAFF else 404 if role == Role.ENTERPRISE else 403)


def test_enterprise_user_sees_only_its_own_enterprise(client):
    user = demo_user(Role.ENTERPRISE, "wuyi-2024")
    client.force_login(user)
    body = client.get(reverse("enterprises:list", kwargs={"program": "wuyi-2024"})).content.decode()
    others = EnterpriseProfile.objects.filter(program__slug="wuyi-2024").exclude(organisation=user.organisation)
    assert user.organisation.name in body
    assert others.exists()
    for profile in others:
        assert profile.organisation.name not in body


@pytest.mark.parametrize("role", list(Role))
def test_each_role_in_the_api(client, role):
    client.force_login(demo_user(role, "yongkang-2024"))
    base = "/api/v1/programs/"
    listed = [row["slug"] for row in client.get(base).json()["results"]]
    assert listed == ["yongkang-2024"]
    detail = client.get(f"{base}yongkang-2024/").json()
    assert detail["roles"] == [role.value]
    assert client.get(f"{base}yongkang-2024/industries/").json()["count"] == 4
    assert client.get(f"{base}yongkang-2024/scenario-modules/").json()["count"] == 51
    organisations = client.get(f"{base}yongkang-2024/organisations/")
    may_list = role not in {Role.EXPERT, Role.FINANCIAL_AUDITOR, Role.SUPERVISION_FIRM}
    assert organisations.status_code == (200 if may_list else 403)
    if role == Role.ENTERPRISE:
        kinds = {row["kind"] for row in organisations.json()["results"]}
        names = [row["name"] for row in organisations.json()["results"] if row["kind"] == "enterprise"]
        assert kinds == {"enterprise", "provider"} and len(names) == 1
    assert client.get(f"{base}wuyi-2024/").status_code == 404


def test_multi_program_reviewer_switches_programs(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="reviewer"))
    chooser = client.get("/")
    assert chooser.status_code == 200
    for slug in ("wuyi-2024", "yongkang-2024", "jinhua-pilot"):
        assert f"/p/{slug}/" in chooser.content.decode()
    assert client.get("/p/yongkang-2024/").status_code == 200
    assert client.get("/").url == "/p/yongkang-2024/"  # remembers the last program


def test_supervisor_rolls_up_sub_region_programs_read_only(client):
    client.force_login(demo_user(Role.SUPERVISOR, "jinhua-pilot"))
    body = client.get("/p/jinhua-pilot/").content.decode()
    assert "武义轻量级数改" in body and "永康学样仿样" in body
    assert client.get("/p/wuyi-2024/").status_code == 404  # the roll-up is figures, not the program's records
    assert client.get("/p/jinhua-pilot/config/industry/new/").status_code == 403


@pytest.mark.parametrize("slug", ["wuyi-2024", "yongkang-2024", "jinhua-pilot"])
def test_each_program_has_three_experts_and_a_financial_auditor_from_neither_side(slug):
    holders = RoleAssignment.objects.filter(program__slug=slug, revoked_at__isnull=True).select_related("user")
    experts = {a.user for a in holders if a.role == Role.EXPERT}
    prefix = PROGRAM_LOGIN_PREFIX[slug]
    assert {f"{prefix}-expert", f"{prefix}-expert2", f"{prefix}-expert3"} <= {user.username for user in experts}
    assert any(a.role == Role.FINANCIAL_AUDITOR for a in holders)
    sides = {a.user.organisation_id for a in holders if a.role in (Role.ENTERPRISE, Role.PROVIDER)}
    organisations = {user.organisation for user in experts}
    assert len(organisations) == 3 and not {o.pk for o in organisations} & sides
    assert {o.kind for o in organisations} == {"institution"}


def test_the_jinhua_catalogue_holds_the_stages_of_seed_004():
    modules = ScenarioModule.objects.filter(program__slug="jinhua-pilot").order_by("number")
    assert [(m.name, m.name_en) for m in modules] == [
        ("研发设计", "R&D and Design"),
        ("生产制造", "Production and Manufacturing"),
        ("运营管理", "Operations Management"),
        ("采购销售", "Procurement and Sales"),
        ("产业链协同", "Industrial Chain Collaboration"),
    ]
    assert {(m.kind, m.investment_category, m.category) for m in modules} == {("catalogue", "", "数字化改造环节")}


def test_every_program_has_a_target_list_imported_by_its_bureau_admin():
    for slug, prefix, size in (
        ("wuyi-2024", "wuyi", 11),
        ("yongkang-2024", "yongkang", 8),
        ("jinhua-pilot", "jinhua", 3),
    ):
        targets = TargetEnterprise.objects.filter(program__slug=slug, is_active=True)
        assert targets.count() == size
        assert not targets.filter(township__isnull=True).exists()
        assert {t.history.earliest().history_user.username for t in targets} == {f"{prefix}-admin"}
    # The registered enterprises are on their program's list under their own credit code.
    for profile in EnterpriseProfile.objects.filter(program__slug="wuyi-2024"):
        listed = TargetEnterprise.objects.get(program=profile.program, uscc=profile.organisation.uscc)
        assert listed.township_id == profile.township_id and listed.industry_id == profile.industry_id


def test_the_jinhua_demo_enterprise_is_a_designated_pilot():
    pilot = PilotDesignation.objects.get(
        program__slug="jinhua-pilot", is_active=True, target__name="浙江壶山电动工具有限公司"
    )
    assert pilot.designated_by.username == "jinhua-admin"
    assert pilot.batch.opens_on <= date.today() <= pilot.batch.closes_on
    assert pilot.target.uscc == demo_user(Role.ENTERPRISE, "jinhua-pilot").organisation.uscc


def test_the_demo_calendar_holds_the_2026_holidays_and_make_up_days():
    days = CalendarDay.objects.filter(program__slug="wuyi-2024", date__year=2026)
    holidays = {d.date for d in days if d.kind == "holiday"}
    workdays = {d.date for d in days if d.kind == "workday"}
    assert len(holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert {date(2026, 1, 3), date(2026, 2, 15), date(2026, 2, 23), date(2026, 5, 5), date(2026, 10, 7)} <= holidays
    assert workdays == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert days.get(date=date(2026, 9, 25)).name == "中秋节"


MAIN_TRACK = {"wuyi-2024": "lightweight", "yongkang-2024": "lightweight", "jinhua-pilot": "pilot"}


@pytest.mark.parametrize("slug", ["wuyi-2024", "yongkang-2024", "jinhua-pilot"])
def test_the_demo_enterprise_files_and_submits_on_its_main_track_today(slug):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from demo.activity import DEMO_CONTRACT, demo_pdf

    user = demo_user(Role.ENTERPRISE, slug)
    client = APIClient()
    client.force_authenticate(user)
    base = f"/api/v1/programs/{slug}/"
    industry = EnterpriseProfile.objects.get(program__slug=slug, organisation=user.organisation).industry.code
    providers = client.get(f"{base}providers/", {"pickable_for": industry}).json()["results"]
    assert providers, f"no provider selected for {industry}"
    modules = client.get(f"{base}scenario-modules/", {"page_size": 100}).json()["results"]
    module = next(
        m for m in modules if m["kind"] in ("N", "catalogue") and m["investment_category"] in ("", "software")
    )
    body = {
        **{key: str(value) for key, value in DEMO_CONTRACT.items()},
        "title": "演示企业今日新备案",
        "track": MAIN_TRACK[slug],
        "provider": providers[0]["id"],
        "contract_budget": "300000",  # Yongkang's lightweight track takes 300,000 yuan or more
        "lines": [
            {"module": module["id"], "part": "N", "category": "software", "amount": "240000"},
            {"part": "X", "category": "hardware", "description": "产线数据采集终端", "amount": "60000"},
        ],
    }
    if MAIN_TRACK[slug] == "pilot":
        body["target_level"] = 3
    created = client.post(f"{base}applications/", body, format="json")
    assert created.status_code == 201, created.json()
    application = created.json()["id"]
    contract = SimpleUploadedFile("合同.pdf", demo_pdf("contract"), content_type="application/pdf")
    attached = client.post(
        f"{base}applications/{application}/attachments/", {"file": contract, "kind": "contract"}, format="multipart"
    )
    assert attached.status_code == 201, attached.json()
    submitted = client.post(f"{base}applications/{application}/transitions/", {"action": "submit"}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["track"]) == ("submitted", MAIN_TRACK[slug])


def test_yongkangs_accepted_projects_went_through_the_workflow_on_their_dates():
    from decimal import Decimal

    from demo.runs import demo_runs_build
    from filings.models import Application
    from subsidies.models import CalculationRun

    demo_runs_build()
    run = CalculationRun.objects.get(program__slug="yongkang-2024", number=1)
    # Lightweight: 40 % up to 500,000 (450,000 → 180,000; 800,000 → 200,000; 300,000 → 120,000). Mid-level pilot:
    # 60 % of 2,000,000 of N and X (1,200,000) plus 18 % of 1,200,000 of automation above its threshold (216,000).
    assert (run.status, run.line_count, run.total) == ("reviewed", 4, Decimal("1916000.00"))
    projects = Application.objects.filter(pk__in=run.lines.values("application")).order_by("submitted_at")
    assert [p.enterprise.organisation.name for p in projects] == [
        "永康防盗门智造有限公司",
        "永康保温杯数字工厂有限公司",
        "永康电动工具中级数智工厂有限公司",
        "永康休闲器具有限公司",
    ]
    for project in projects:
        steps = list(project.transitions.order_by("pk").values_list("action", "actor__username"))
        assert [action for action, _who in steps] == ["submit", "provider_accept", "approve"]
        assert steps[0][1].startswith("yongkang-accepted") and steps[2][1] == "yongkang-reviewer"
        review = project.acceptance_reviews.get()
        assert review.status == "announced" and project.completed_at < review.decided_at
        assert (project.decided_at - project.submitted_at).days == 3
        assert (review.decided_at - project.submitted_at).days == 150
        assert sorted(review.sheets.values_list("expert__username", flat=True)) == [
            "yongkang-expert",
            "yongkang-expert2",
            "yongkang-expert3",
        ]
    assert projects[2].track == "midlevel-pilot"
    assert PilotDesignation.objects.filter(
        program__slug="yongkang-2024", target__uscc=projects[2].enterprise.organisation.uscc, is_active=True
    ).exists()


def test_jinhuas_pilot_projects_were_filed_with_their_levels_and_assessed_through_the_workflow():
    from decimal import Decimal

    from demo.runs import demo_runs_build
    from filings.models import Application
    from subsidies.models import CalculationRun

    demo_runs_build()
    projects = Application.objects.filter(
        program__slug="jinhua-pilot", created_by__username__startswith="jinhua-accepted"
    ).order_by("created_by__username")
    # (enterprise, committed level, assessed level after transformation)
    assert [
        (
            p.enterprise.organisation.name,
            p.target_level,
            p.digital_assessments.get(phase="after", is_active=True).level,
        )
        for p in projects
    ] == [
        ("金华电动工具试点甲有限公司", 3, 3),
        ("金华磁材试点乙有限公司", 4, 4),
        ("金华服装试点丙有限公司", 2, 2),
        ("金华服装试点丁有限公司", 2, 1),
    ]
    for project in projects:
        steps = list(project.transitions.order_by("pk").values_list("action", "actor__username"))
        assert steps == [
            ("submit", project.created_by.username),
            ("provider_accept", steps[1][1]),
            ("approve", "jinhua-reviewer"),
        ]
        assert project.track == "pilot" and project.policy_version.code == "jinhua-pilot-plan"
        assert project.acceptance_reviews.get().status == "announced"
        assert PilotDesignation.objects.filter(
            program__slug="jinhua-pilot", target__uscc=project.enterprise.organisation.uscc, is_active=True
        ).exists()
    # Assessed L3 1,200,000 × 50 % = 600,000; L4 3,000,000 capped at 1,000,000; L2 1,500,000 capped at 500,000;
    # the L1 project is left out (below the standard).
    run = CalculationRun.objects.get(program__slug="jinhua-pilot", number=1)
    assert (run.line_count, run.excluded_count, run.total) == (3, 1, Decimal("2100000.00"))


def test_wuyis_paid_projects_were_filed_in_their_batches_and_accepted_through_the_workflow():
    from decimal import Decimal

    from demo.runs import demo_runs_build
    from filings.models import Application
    from subsidies.models import CalculationRun

    demo_runs_build()
    run = CalculationRun.objects.get(program__slug="wuyi-2024", number=1)
    assert (run.status, run.line_count, run.total) == ("paid", 4, Decimal("981728.39"))
    projects = Application.objects.filter(pk__in=run.lines.values("application")).order_by("submitted_at", "pk")
    assert [(p.enterprise.organisation.name, p.batch.number) for p in projects] == [
        ("武义炊具示范有限公司", 1),
        ("武义电动工具样板有限公司", 1),
        ("武义五金精工有限公司", 2),
        ("武义休闲用品有限公司", 2),
    ]
    for project in projects:
        assert project.batch.opens_on <= project.submitted_at.date() <= project.batch.closes_on
        assert list(project.transitions.order_by("pk").values_list("action", flat=True)) == [
            "submit",
            "provider_accept",
            "approve",
        ]
        review = project.acceptance_reviews.get()
        assert review.status == "announced" and review.sheets.filter(status="submitted").count() == 3
        assert project.contract_budget == sum(line.amount for line in project.lines.filter(is_active=True))
    sample = projects[1]
    assert sample.provider.organisation.name == "金华云工厂信息技术有限公司"
    assert sorted(sample.lines.values_list("module__code", flat=True)) == [
        "wy-n-data-collection",
        "wy-n-order",
        "wy-n-production",
        "wy-n-quality",
        "wy-x-custom",
    ]


@pytest.mark.parametrize("slug", ["wuyi-2024", "yongkang-2024", "jinhua-pilot"])
def test_each_programs_first_round_was_held_in_its_first_days_through_the_services(slug):
    from datetime import timedelta

    from django.utils.timezone import localdate

    from providers.models import ProviderSelection, SelectionRound

    program = Program.objects.get(slug=slug)
    start = program.starts_on
    selection_round = SelectionRound.objects.get(program=program, status="published")
    # Opened on the program's first day, applied for the next, scored once it closed, published on the fifth day.
    assert (selection_round.opens_on, selection_round.closes_on, selection_round.published_on) == (
        start,
        start + timedelta(days=3),
        start + timedelta(days=5),
    )
    history = list(selection_round.history.order_by("history_date"))
    assert {row.history_user.username for row in history} == {f"{PROGRAM_LOGIN_PREFIX[slug]}-reviewer"}
    assert (localdate(history[0].history_date), localdate(history[-1].history_date)) == (start, start + timedelta(5))
    entries = list(selection_round.applications.all())
    assert entries and {localdate(entry.applied_at) for entry in entries} == {start + timedelta(days=1)}
    sheets = selection_round.sheets.all()
    assert sheets and {localdate(sheet.submitted_at) for sheet in sheets} == {start + timedelta(days=4)}
    selections = ProviderSelection.objects.filter(round=selection_round)
    assert selections and {s.selected_on for s in selections} == {selection_round.published_on}


def test_the_horse_race_projects_went_through_the_workflow_and_their_enterprises_rated_them():
    from demo.horse_race import demo_rankings_build
    from filings.models import Application
    from implementation.models import Complaint
    from rankings.models import RankingSnapshot

    demo_rankings_build()
    for slug, prefix in PROGRAM_LOGIN_PREFIX.items():
        projects = list(
            Application.objects.filter(program__slug=slug, created_by__username__startswith=f"{prefix}-race")
            .select_related("created_by", "provider", "batch", "rating__rated_by")
            .order_by("submitted_at")
        )
        assert len(projects) >= 5 and len({project.provider_id for project in projects}) >= 2
        for project in projects:
            steps = list(project.transitions.order_by("pk").select_related("actor"))
            assert [(step.action, step.actor.username) for step in steps] == [
                ("submit", project.created_by.username),
                ("provider_accept", steps[1].actor.username),
                ("approve", f"{prefix}-reviewer"),
            ]
            assert steps[1].actor.organisation_id == project.provider.organisation_id
            selected = project.provider.selections.get(industry=project.enterprise.industry, is_active=True)
            filed = project.submitted_at.date()
            assert selected.selected_on < filed and project.batch.opens_on <= filed <= project.batch.closes_on
            review = project.acceptance_reviews.get()
            assert review.status == "announced" and review.sheets.filter(status="submitted").count() == 3
            rating = project.rating
            assert rating.rated_by == project.created_by and rating.history.get().history_user == project.created_by
            assert review.decided_at < rating.created_at
        # One complaint per program, filed by the project's enterprise and confirmed by the bureau after acceptance.
        complaint = Complaint.objects.select_related("application").get(application__program__slug=slug)
        assert complaint.application.created_by.username.startswith(f"{prefix}-race")
        assert (complaint.status, complaint.filed_by, complaint.decided_by.username) == (
            "confirmed",
            complaint.application.created_by,
            f"{prefix}-reviewer",
        )
        assert [row.history_user for row in complaint.history.order_by("history_date")] == [
            complaint.filed_by,
            complaint.decided_by,
        ]
        assert complaint.application.acceptance_reviews.get().decided_at < complaint.created_at < complaint.decided_at
        # Every period ranked from its cut-off, all but the latest published: several rank two or more providers,
        # the later ones with the enterprises' satisfaction, the latest with the confirmed complaint.
        snapshots = RankingSnapshot.objects.filter(program__slug=slug, kind="horse_race").order_by("period_start")
        assert [s.status for s in snapshots] == ["published"] * (snapshots.count() - 1) + ["computed"]
        ranked = [s for s in snapshots if s.entries.filter(group="", rank__isnull=False).count() >= 2]
        assert len(ranked) >= 3
        assert any(e.values["satisfaction"] for e in ranked[len(ranked) // 2].entries.filter(group=""))
        latest = snapshots.last().entries.get(group="", subject_id=complaint.application.provider_id)
        assert latest.values["complaints"] == "1"


def test_the_subcontract_projects_were_filed_with_their_subcontractor_and_went_through_the_workflow():
    from datetime import timedelta

    from django.utils import timezone

    from demo.subcontracts import FALLBACK_TITLE, demo_subcontracts_build
    from filings.models import Application

    demo_subcontracts_build()
    demo_subcontracts_build()  # idempotent
    today = timezone.localdate()
    for slug, title, approved_on in (
        ("wuyi-2024", "炊具车间轻量化数字化改造", today),
        ("jinhua-pilot", FALLBACK_TITLE, today - timedelta(days=35)),
    ):
        prefix = PROGRAM_LOGIN_PREFIX[slug]
        project = Application.objects.get(program__slug=slug, title=title)
        steps = list(project.transitions.order_by("pk").select_related("actor"))
        assert [(step.action, step.actor.username) for step in steps] == [
            ("submit", f"{prefix}-enterprise2"),
            ("provider_accept", steps[1].actor.username),
            ("approve", f"{prefix}-reviewer"),
        ]
        assert steps[1].actor.organisation_id == project.provider.organisation_id
        assert (project.status, project.completed_at, timezone.localdate(project.decided_at)) == (
            "approved",
            None,
            approved_on,
        )
        assert project.attachments.filter(kind="contract", is_active=True).exists()
        part = project.subcontracts.get(is_active=True)
        # Named in the filing by the enterprise, before it was submitted; the shares add up.
        assert part.history.earliest().history_user.username == f"{prefix}-enterprise2"
        assert part.created_at <= steps[0].created_at
        assert project.lead_work_share + part.work_share == 100
        assert project.lead_amount + part.amount == project.contract_budget
        assert part.membership.organisation_id != project.provider.organisation_id
        (post,) = part.posts.all()
        assert post.status == "confirmed" and post.posted_by.organisation_id == part.membership.organisation_id
        assert post.responded_by.username == f"{prefix}-enterprise2"
    jinhua = Application.objects.get(program__slug="jinhua-pilot", title=FALLBACK_TITLE)
    assert jinhua.track == "pilot" and jinhua.target_level == 3
    assert jinhua.milestones.order_by("number").first().percent == 100
    assert (
        PilotDesignation.objects.get(
            program__slug="jinhua-pilot", target__uscc=jinhua.enterprise.organisation.uscc, is_active=True
        ).designated_by.username
        == "jinhua-admin"
    )
