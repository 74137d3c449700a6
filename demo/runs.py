"""Demo calculation runs for the three programs: accepted projects, funding pools, an award, and runs in each
state (Jinhua approved with its central pool running short and partly paid; Wuyi paid, then a draft carrying the
award of its designated power-tools sample enterprise; Yongkang reviewed and waiting for approval). Built once by
`seed_demo`; the test suite builds its own.

The accepted projects are filed, approved, implemented, accepted and announced (and Jinhua's assessed for their
digital level) through the services as their people, on the dates of the story (`accepted_through_services`, which
the horse race's demo projects go through too)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.samples import demo_samples_build
from policies.selectors import active_track_list
from programs.access import program_access
from programs.models import Program, Region, RegionLevel
from subsidies import approvals, runs
from subsidies.accepted import ProjectSpec
from subsidies.models import CalculationRun
from subsidies.selectors import run_lines

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
PREFIX = {"wuyi-2024": "wuyi", "yongkang-2024": "yongkang", "jinhua-pilot": "jinhua"}
SECOND_REVIEWER = "reviewer"


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


def _access(username, slug):
    return program_access(user=get_user_model().objects.get(username=username), slug=slug)


def demo_townships(program):
    """Four townships of the program's region (a city's from its districts)."""
    inside = Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.TOWNSHIP)
    return list(inside.order_by("code")[:4])


def _specs(slug, townships, first: bool):
    """The accepted projects of the program's first run (`first`), or of its later one (Wuyi's)."""
    if slug == "wuyi-2024":
        return _wuyi_first(townships) if first else _wuyi_later(townships)
    if slug == "yongkang-2024":
        return _yongkang(townships)
    return _jinhua(townships)


def _wuyi_first(t):
    return [
        ProjectSpec(
            "武义炊具示范有限公司",
            "kitchenware",
            _at("2024-09-02"),
            batch=1,
            n_software=D("180000"),
            n_hardware=D("100000"),
            x_software=D("60000"),
            township=t[0],
        ),
        ProjectSpec(
            "武义电动工具样板有限公司",
            "power-tools",
            _at("2024-09-16"),
            batch=1,
            n_software=D("250000"),
            n_hardware=D("90000"),
            x_hardware=D("120000"),
            township=t[1 % len(t)],
        ),
        ProjectSpec(
            "武义五金精工有限公司",
            "hardware",
            _at("2024-10-08"),
            batch=2,
            n_software=D("123456.78"),
            township=t[2 % len(t)],
        ),
        ProjectSpec(
            "武义休闲用品有限公司",
            "leisure",
            _at("2024-10-21"),
            batch=2,
            n_hardware=D("400000"),
            x_hardware=D("800000"),
            township=t[3 % len(t)],
        ),
    ]


def _wuyi_later(t):
    return [
        ProjectSpec(
            "武义门业新材有限公司",
            "doors",
            _at("2025-01-13"),
            batch=3,
            n_software=D("600000"),
            x_software=D("200000"),
            township=t[0],
        ),
        ProjectSpec(
            "武义厨具智造有限公司",
            "kitchenware",
            _at("2025-02-10"),
            batch=3,
            n_software=D("280000"),
            township=t[1 % len(t)],
        ),
    ]


def _yongkang(t):
    return [
        ProjectSpec(
            "永康防盗门智造有限公司",
            "security-doors",
            _at("2024-11-05"),
            n_software=D("300000"),
            n_hardware=D("150000"),
            township=t[0],
        ),
        ProjectSpec(
            "永康保温杯数字工厂有限公司",
            "thermos-cups",
            _at("2024-11-20"),
            n_software=D("500000"),
            x_hardware=D("300000"),
            township=t[1 % len(t)],
        ),
        ProjectSpec(
            "永康电动工具中级数智工厂有限公司",
            "power-tools",
            _at("2024-12-12"),
            track="midlevel-pilot",
            n_software=D("1200000"),
            x_hardware=D("800000"),
            automation=D("1200000"),
            township=t[2 % len(t)],
        ),
        ProjectSpec(
            "永康休闲器具有限公司",
            "health-leisure",
            _at("2025-01-08"),
            n_software=D("300000"),
            township=t[3 % len(t)],
        ),
    ]


def _jinhua(t):
    return [
        ProjectSpec(
            "金华电动工具试点甲有限公司",
            "power-tools",
            _at("2025-03-10"),
            track="pilot",
            n_software=D("1200000"),
            level=3,
            township=t[0],
        ),
        ProjectSpec(
            "金华磁材试点乙有限公司",
            "magnetic-materials",
            _at("2025-08-31"),
            track="pilot",
            x_hardware=D("3000000"),
            level=4,
            township=t[1 % len(t)],
        ),
        ProjectSpec(
            "金华服装试点丙有限公司",
            "garments",
            _at("2025-10-20"),
            track="pilot",
            n_software=D("1500000"),
            level=2,
            township=t[2 % len(t)],
        ),
        ProjectSpec(
            "金华服装试点丁有限公司",
            "garments",
            _at("2025-05-01"),
            track="pilot",
            n_software=D("2000000"),
            target_level=2,
            level=1,
            township=t[3 % len(t)],
        ),
    ]


def _calculated(slug, title):
    creator = _access(f"{PREFIX[slug]}-reviewer", slug)
    run = runs.run_create(access=creator, title=title)
    run.refresh_from_db()
    if not run.generation:  # a worker (not eager Celery) will calculate it; the demo needs it now
        runs.run_calculate(run_id=run.pk)
        run.refresh_from_db()
    return creator, run


def _approved(slug, title):
    creator, run = _calculated(slug, title)
    runs.run_review(access=creator, run=run, comment="已核对明细与审计报告")
    return creator, approvals.run_approve(access=_access(SECOND_REVIEWER, slug), run=run, comment="同意拨付")


# Days before acceptance passed: filed, answered by the provider, approved (later when its batch opens later); then
# the milestones up to every 20 days.
FILED, ANSWERED, APPROVED = 150, 149, 147
AMOUNT_KEYS = ("n_software", "n_hardware", "x_software", "x_hardware", "automation")
PARTS = {
    "n_software": ("N", "software"),
    "n_hardware": ("N", "hardware"),
    "x_software": ("X", "software"),
    "x_hardware": ("X", "hardware"),
    "automation": ("N", "automation"),
}
LINE_TEXT = {
    "n_software": "共性场景软件（订单、生产、质量）",
    "n_hardware": "共性场景配套硬件（数据采集、看板）",
    "x_software": "个性化应用场景软件",
    "x_hardware": "个性化场景配套设备",
    "automation": "自动化产线设备",
}
# A digital-level assessment reaching each level on the seeded standard (score floors 20/40/60/80 with 2/4/6/8
# scenes at the level): (basics /50, management /30, results /20, the 16 scenes' levels).
ASSESSED = {
    1: ("15", "8", "5", [1] * 16),
    2: ("25", "12", "8", [2] * 4 + [1] * 12),
    3: ("35", "20", "10", [3] * 6 + [2] * 10),
    4: ("45", "25", "15", [4] * 8 + [3] * 8),
}
# Later admission (增选) where no published round selected a provider for a demo project's industry.
LATER_ADMISSION = {
    "yongkang-2024": {"health-leisure": "永康五金云平台运营有限公司"},
    "wuyi-2024": {"doors": "杭州轻量化软件服务有限公司"},
}


def _user_of(slug, suffix):
    return get_user_model().objects.get(username=f"{PREFIX[slug]}-{suffix}")


def _enterprise_login(program, spec, login):
    """The enterprise of `spec` in `program` (organisation, profile, and its login `<prefix>-<login>`)."""
    from demo.build import _organisation, _user
    from enterprises.models import EnterpriseProfile, OutputBand, VerificationStatus
    from enterprises.services import enterprise_profile_create
    from organisations.models import OrganisationKind
    from portal.core.roles import Role
    from programs.models import Industry
    from programs.services import role_grant

    organisation = _organisation(spec.enterprise, OrganisationKind.ENTERPRISE, f"91{program.region.code[:6]:0<6}")
    if not EnterpriseProfile.objects.filter(program=program, organisation=organisation).exists():
        enterprise_profile_create(
            program=program,
            organisation=organisation,
            industry=Industry.objects.get(program=program, code=spec.industry),
            township=spec.township,
            scale=spec.scale,
            output_band=OutputBand.UNDER_100M,
            verification=VerificationStatus.VERIFIED,
        )
    user = _user(
        f"{PREFIX[program.slug]}-{login}",
        display_name=f"{spec.enterprise}·申报人",
        organisation=organisation,
    )
    role_grant(program=program, user=user, role=Role.ENTERPRISE)
    return user


def provider_for(program, industry_code):
    """A provider selected for the industry (its program's provider login first), admitted later when none is."""
    from programs.models import Industry
    from providers.models import PoolMembership
    from providers.selectors import pickable_providers
    from providers.services import pool_decide

    industry = Industry.objects.get(program=program, code=industry_code)
    own = _user_of(program.slug, "provider").organisation_id
    pickable = pickable_providers(program=program, industry=industry).order_by("pk")
    found = pickable.filter(organisation_id=own).first() or pickable.first()
    if found is not None:
        return found
    name = LATER_ADMISSION[program.slug][industry_code]
    membership = PoolMembership.objects.get(program=program, organisation__name=name)
    pool_decide(
        access=_access(f"{PREFIX[program.slug]}-admin", program.slug),
        membership=membership,
        kind="admit",
        reason="本行业无中选服务商，经专家评审同意增选",
        decided_on=program.starts_on,
        industries=[industry],
    )
    return pickable_providers(program=program, industry=industry).get(pk=membership.pk)


def provider_login(program, membership):
    """The provider's first login in the program (by username)."""
    from notifications.selectors import role_holders
    from portal.core.roles import Role

    return sorted(role_holders(program, Role.PROVIDER, membership.organisation_id), key=lambda u: u.username)[0]


def pilot_designated(program, *, name, township, industry_code, admin_user):
    """Put the enterprise `name` on the target list in `township` and designate it a pilot (pilot-only tracks), as
    the program's bureau admin does; an enterprise on the list or designated already is left as it is."""
    from io import BytesIO

    from openpyxl import Workbook

    from enterprises import target_list
    from enterprises.models import PilotDesignation, TargetEnterprise
    from enterprises.pilots import pilot_designate
    from organisations.models import Organisation
    from programs.selectors import open_batch

    code = Organisation.objects.get(name=name).uscc
    access = program_access(user=admin_user, slug=program.slug)
    if not TargetEnterprise.objects.filter(program=program, uscc=code).exists():
        book = Workbook()
        book.active.append(target_list.COLUMNS)
        book.active.append([code, name, township.code, industry_code, "规上", "联系人", ""])
        out = BytesIO()
        book.save(out)
        report = target_list.target_list_import(program=program, acting_user=admin_user, content=out.getvalue())
        if not report.ok:
            raise RuntimeError(f"demo target list of {program.slug}: {report.errors}")
    target = TargetEnterprise.objects.get(program=program, uscc=code)
    if not PilotDesignation.objects.filter(target=target, is_active=True).exists():
        today = timezone.localdate()
        pilot_designate(
            access=access,
            target=target,
            reason="行业龙头，中级数智工厂试点",
            decided_on=today,
            batch=open_batch(program, today),
        )


def _lines(program, spec, amounts) -> list[dict]:
    """The filed items: a sample enterprise's own list of catalogue modules, else one item per part and type."""
    from demo.samples import SAMPLES
    from programs.models import ScenarioModule

    sample = next((item for item in SAMPLES if item.enterprise == spec.enterprise), None)
    if sample is not None:
        modules = {m.code: m for m in ScenarioModule.objects.filter(program=program)}
        return [
            {"module": modules.get(code), "part": part, "category": category, "description": text, "amount": amount}
            for code, part, category, text, amount in sample.lines
        ]
    return [
        {"module": None, "part": part, "category": category, "description": LINE_TEXT[key], "amount": amounts[key]}
        for key, (part, category) in PARTS.items()
        if amounts[key]
    ]


def _travel(moment):
    import time_machine

    return time_machine.travel(moment, tick=False)


def _approval_day(program, spec):
    """The day the filing is approved: `APPROVED` days before acceptance passed, later when its batch opens later
    (filed inside its batch's window, which approval fixes from the day of submission)."""
    done = spec.decided_at
    approved = done - timedelta(days=APPROVED)
    if spec.batch:
        opens = program.batches.get(number=spec.batch).opens_on
        approved = max(approved, done.replace(year=opens.year, month=opens.month, day=opens.day) + timedelta(days=5))
    return approved


def _designated_if_needed(program, spec, *, day):
    """A track open to designated pilots only: the bureau admin designates the enterprise on `day`."""

    track = active_track_list(program=program).get(code=spec.track)
    with _travel(day):
        if track.parameters.filter(key="pilots_only", value=1, qualifier="").exists():
            pilot_designated(
                program,
                name=spec.enterprise,
                township=spec.township,
                industry_code=spec.industry,
                admin_user=_user_of(program.slug, "admin"),
            )


def _filed_and_approved(program, spec, amounts, *, enterprise, provider, provider_access, reviewer, approved):
    """The enterprise files the project with its contract and submits it, the provider accepts it, the bureau
    approves it on `approved`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from demo.activity import DEMO_CONTRACT, demo_pdf
    from filings.models import Application
    from filings.services import (
        application_create,
        application_provider_respond,
        application_transition,
        attachment_add,
    )

    with _travel(approved - timedelta(days=FILED - APPROVED)):
        fields = {
            **DEMO_CONTRACT,
            "title": f"{spec.enterprise.removesuffix('有限公司')}数字化改造",
            "track": spec.track,
            "provider": provider,
            "contract_budget": sum(amounts.values(), D("0")),
            "contract_subject": f"{spec.enterprise}数字化改造软硬件供货、部署与培训",
        }
        if spec.target_level or spec.level:
            fields["target_level"] = spec.target_level or spec.level
        lines = _lines(program, spec, amounts)
        application = application_create(access=enterprise, fields=fields, lines=lines)
        attachment_add(
            access=enterprise,
            application=application,
            kind="contract",
            upload=SimpleUploadedFile("数字化改造服务合同.pdf", demo_pdf("contract"), content_type="application/pdf"),
        )
        application_transition(access=enterprise, application=application, action="submit")
    with _travel(approved - timedelta(days=ANSWERED - APPROVED)):
        application_provider_respond(access=provider_access, application=application, decision="accept")
    with _travel(approved):
        application_transition(access=reviewer, application=application, action="approve", comment="同意备案")
    return Application.objects.get(pk=application.pk)


def _implemented(application, *, enterprise, provider_access, approved, done):
    """The provider completes every milestone (up to every 20 days), the enterprise confirms each."""
    from implementation.services import progress_post, progress_respond

    milestones = list(application.milestones.filter(is_active=True).order_by("number"))
    step = min(20, (done - timedelta(days=25) - approved).days // max(len(milestones), 1))
    for index, milestone in enumerate(milestones):
        with _travel(approved + timedelta(days=step * (index + 1))):
            post = progress_post(
                access=provider_access,
                application=application,
                milestone=milestone,
                percent=100,
                text=f"{milestone.name}完成。",
                claims_completion=index == len(milestones) - 1,
            )
            progress_respond(access=enterprise, post=post, confirm=True, response="已核实。")


def _accepted(program, application, spec, amounts, *, enterprise, provider_access, reviewer):
    """Acceptance, each step `n` days before `spec.decided_at`: requested, co-signed, the panel seated, scored and
    audited, passed and announced; the level assessed after (Jinhua); the announcement concluded."""
    from acceptance import services as acceptance
    from scoring.models import SheetItem

    slug = program.slug

    def on(days_before):
        return _travel(spec.decided_at - timedelta(days=days_before))

    with on(20):
        review = acceptance.acceptance_request(
            access=enterprise, application=application, deliverables="系统上线、设备联网、操作培训", amounts=amounts
        )
    with on(19):
        review = acceptance.acceptance_cosign(access=provider_access, review=review)
    experts = [_user_of(slug, suffix) for suffix in ("expert", "expert2", "expert3")]
    with on(15):
        review = acceptance.panel_assign(
            access=reviewer, review=review, experts=experts, financial_auditor=_user_of(slug, "finaudit")
        )
    items = list(SheetItem.objects.filter(section__template=review.template))
    share = spec.score / D("100")
    with on(10):
        for expert in experts:
            scores = {str(item.pk): str((item.max_points * share).quantize(D("0.01"))) for item in items}
            acceptance.expert_sheet_save(
                access=program_access(user=expert, slug=slug), review=review, scores=scores, submit=True
            )
    with on(8):
        acceptance.audit_record(
            access=program_access(user=_user_of(slug, "finaudit"), slug=slug),
            review=review,
            amounts=amounts,
            conclusion="发票、合同与付款凭证齐全，账实相符",
        )
    with on(0):
        review = acceptance.review_close(access=reviewer, review=review)
        acceptance.announcement_open(access=reviewer, review=review, starts_on=timezone.localdate())
    if spec.level:
        with on(-2):
            basics, management, results, scenes = ASSESSED[spec.level]
            acceptance.assessment_record(
                access=reviewer,
                application=application,
                phase="after",
                assessed_on=timezone.localdate(),
                basics=D(basics),
                management=D(management),
                results=D(results),
                scene_levels=scenes,
            )
    with on(-30):
        acceptance.announcements_conclude(access=reviewer)


def accepted_through_services(program, spec, number, *, login="accepted"):
    """File, approve, implement, accept and announce `spec`'s project through the services as its people, each
    step on its day before `spec.decided_at` (time-machine replays the dates). The enterprise files as its login
    `<prefix>-<login><number>`; its lead contractor is `spec.provider`, else a provider selected for its industry.
    Filed 150 days before `spec.decided_at` (later when `spec.batch` opens later), a day the caller picks inside an
    open filing window; the announcement ends 30 days after it."""
    slug = program.slug
    approved = _approval_day(program, spec)
    amounts = {key: getattr(spec, key) for key in AMOUNT_KEYS}
    enterprise_user = _enterprise_login(program, spec, f"{login}{number}")
    reviewer = _access(f"{PREFIX[slug]}-reviewer", slug)
    provider = spec.provider or provider_for(program, spec.industry)
    provider_access = program_access(user=provider_login(program, provider), slug=slug)
    _designated_if_needed(program, spec, day=approved - timedelta(days=FILED - APPROVED + 5))
    enterprise = program_access(user=enterprise_user, slug=slug)
    application = _filed_and_approved(
        program,
        spec,
        amounts,
        enterprise=enterprise,
        provider=provider,
        provider_access=provider_access,
        reviewer=reviewer,
        approved=approved,
    )
    _implemented(
        application, enterprise=enterprise, provider_access=provider_access, approved=approved, done=spec.decided_at
    )
    _accepted(
        program, application, spec, amounts, enterprise=enterprise, provider_access=provider_access, reviewer=reviewer
    )
    return application


def demo_runs_build() -> None:
    """Idempotent: a program that has runs already is left as it is."""
    for slug in PREFIX:
        program = Program.objects.get(slug=slug)
        if CalculationRun.objects.filter(program=program).exists():
            continue
        townships = demo_townships(program)
        for number, spec in enumerate(_specs(slug, townships, first=True), start=1):
            accepted_through_services(program, spec, number)
        admin = _access(f"{PREFIX[slug]}-admin", slug)
        if slug == "jinhua-pilot":
            runs.pool_save(access=admin, source="central", budget="800000", note="2025年度中央财政资金（第一批）")
            runs.pool_save(access=admin, source="local", budget="3000000", note="市县配套资金")
            creator, run = _approved(slug, "2025年第一批试点补助核算")
            first = run_lines(run).first()
            runs.payment_record(
                access=creator,
                line=first,
                source="central",
                amount=first.central,
                paid_on=date(2025, 12, 5),
                voucher="JH-ZY-2025-001",
            )
        elif slug == "wuyi-2024":
            runs.pool_save(access=admin, source="county", budget="5000000", note="2024年度县财政数字化改造专项资金")
            creator, run = _approved(slug, "2024年第一批N+X项目补助核算")
            runs.run_pay_remaining(access=creator, run=run, paid_on=date(2025, 1, 20), voucher="WY-CZ-2025-0012")
            for number, spec in enumerate(_specs(slug, townships, first=False), start=5):
                accepted_through_services(program, spec, number)
            sample = run_lines(run).get(inputs__enterprise="武义电动工具样板有限公司").application
            # The sample award needs the designation: apply, join, check on site and designate first.
            demo_samples_build()
            runs.award_grant(
                access=creator,
                application=sample,
                kind="sample",
                amount="150000",
                reference="武经商〔2025〕8号",
                decided_on=date(2025, 2, 18),
                reason="评为电动工具行业样本企业",
            )
            _calculated(slug, "2025年第一批N+X项目补助核算")
        else:
            creator, run = _calculated(slug, "2024年度学样仿样及中级数智工厂补助核算")
            runs.run_review(access=creator, run=run, comment="待分管领导批准")
