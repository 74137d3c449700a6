import os
import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.services import api_token_issue
from enterprises.models import SignupRequest
from filings.models import Application, Attachment
from notifications.models import Notification
from policies.models import PolicyParameter, PolicyTrack, PolicyVersion
from portal.core.roles import Role
from programs.models import ProgramOrganisation
from tests.factories import (
    BatchFactory,
    CalendarDayFactory,
    EnterpriseProfileFactory,
    IndustryFactory,
    OrganisationFactory,
    PoolMembershipFactory,
    ProgramFactory,
    RegionFactory,
    ScenarioModuleFactory,
    UserFactory,
    user_with_role,
)
from tests.support.tenant.pilots import pilot_objects
from tests.support.tenant.samples import sample_objects
from tests.support.tenant.solutions import solution_objects
from tests.support.tenant.subcontracts import subcontract_objects
from tests.support.tenant.supervision import supervision_objects

PASSWORD = "Test-password-123"


def services_required() -> bool:
    return bool(getattr(settings, "REQUIRE_SERVICES", False))


def need(condition: bool, what: str):
    """Skip when a service is absent locally; fail under REQUIRE_SERVICES=1 (CI), where skipping hides a gap."""
    if condition:
        return
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {what}")
    pytest.skip(what)


def chromium_path():
    return os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture
def tenant_pair(db):
    """Program A (the target, every object named with a marker) and program B (the users who must see none of it)."""
    root = RegionFactory(code="T-ROOT", name="测试省", level="province")
    region_a = RegionFactory(code="T-A", name="ZZA区域", parent=root)
    region_b = RegionFactory(code="T-B", name="测试B区域", parent=root)
    a = ProgramFactory(
        slug="zza-secret-program",
        name="ZZA机密项目",
        short_name="ZZA简称",
        region=region_a,
        bureau_name="ZZA经信局",
    )
    b = ProgramFactory(slug="other-program", name="B项目", short_name="B简称", region=region_b)
    industry = IndustryFactory(program=a, code="zza-industry", name="ZZA行业")
    module = ScenarioModuleFactory(program=a, code="zza-module", name="ZZA模块", category="ZZA分类")
    enterprise = EnterpriseProfileFactory(program=a, industry=industry, organisation__name="ZZA企业有限公司")
    provider = PoolMembershipFactory(program=a, organisation__name="ZZA服务商有限公司")
    batch = BatchFactory(program=a, name="ZZA批次")
    day = CalendarDayFactory(program=a, name="ZZA假日")
    policy = PolicyVersion.objects.create(program=a, code="zza-policy", name="ZZA政策版本")
    track = PolicyTrack.objects.create(version=policy, code="zza-track", kind="tiered_total", name="ZZA申报类型")
    PolicyParameter.objects.create(version=policy, track=track, key="floor", value=Decimal("123457"))
    admin_a = user_with_role(a, Role.BUREAU_ADMIN, username="zza-admin", display_name="ZZA管理员")
    assignment = admin_a.role_assignments.get()
    api_token_issue(user=admin_a, name="ZZA令牌")
    ProgramOrganisation.objects.create(
        program=a, organisation=OrganisationFactory(name="ZZA专家机构"), registered_by=admin_a, note="ZZA登记"
    )
    application = Application.objects.create(
        program=a,
        enterprise=enterprise,
        track="zza-track",
        title="ZZA申报项目",
        created_by=admin_a,
        status="submitted",
        filing_number="ZZA-FILING-1",
    )
    attachment = Attachment(
        application=application,
        kind="contract",
        original_name="ZZA合同.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=admin_a,
    )
    attachment.file.save("zza-contract.pdf", ContentFile(b"%PDF-ZZA\n"), save=True)
    SignupRequest.objects.create(
        program=a, profile=enterprise, user=UserFactory(username="zza-applicant", display_name="ZZA申请人")
    )
    notice = Notification.objects.create(
        recipient=admin_a,
        program=a,
        event="filing.submit",
        text="ZZA通知正文",
        link="/p/zza-secret-program/",
        source="zza:1",
    )
    selection = _selection_objects(a, industry, provider, admin_a)
    progress = _progress_objects(application, provider, admin_a)
    acceptance = _acceptance_objects(application, admin_a)
    subsidy = _subsidy_objects(application, admin_a)
    rankings = _ranking_objects(a, provider, admin_a)
    pilots = pilot_objects(a, industry, admin_a)
    solutions = solution_objects(a, provider, industry, module, admin_a)
    supervision = supervision_objects(a, application, provider, admin_a)
    subcontracts = subcontract_objects(a, application, admin_a)
    samples = sample_objects(a, application, industry, admin_a)
    IndustryFactory(program=b, code="b-industry")
    users_b = {role: user_with_role(b, role, username=f"b-{role.value}") for role in Role}
    return {
        "a": a,
        "b": b,
        "industry": industry,
        "module": module,
        "enterprise": enterprise,
        "provider": provider,
        "batch": batch,
        "day": day,
        "assignment": assignment,
        "users_b": users_b,
        "policy": policy,
        "application": application,
        "nobody": UserFactory(username="no-role-user"),
        # Every identifier of A that a leak would show: names, codes, slugs and credit codes.
        "markers": [
            a.slug,
            a.name,
            a.short_name,
            a.bureau_name,
            region_a.name,
            industry.code,
            industry.name,
            module.code,
            module.name,
            module.category,
            enterprise.organisation.name,
            enterprise.organisation.uscc,
            provider.organisation.name,
            provider.organisation.uscc,
            batch.name,
            day.name,
            admin_a.display_name,
            policy.code,
            policy.name,
            application.title,
            attachment.original_name,
            notice.text,
            "ZZA申请人",
            "%PDF-ZZA",
            application.filing_number,
            track.code,
            track.name,
            *selection,
            *progress,
            *acceptance,
            *subsidy,
            *rankings,
            *pilots,
            *solutions,
            *supervision,
            *subcontracts,
            *samples,
        ],
    }


def _selection_objects(program, industry, provider, actor):
    """A selection round of program A with a seat, an applicant, a declared conflict, a sheet and a result,
    and the provider's case and document. Returns their markers."""
    from datetime import date

    from providers.models import (
        CommitteeSeat,
        CommitteeSheet,
        ConflictDeclaration,
        PoolDecision,
        ProviderCase,
        ProviderDocument,
        ProviderSignup,
        RoundApplication,
        RoundResult,
        SelectionRound,
    )
    from scoring.models import SheetItem, SheetSection, SheetTemplate

    template = SheetTemplate.objects.create(program=program, code="zza-sheet", purpose="selection", name="ZZA评分表")
    section = SheetSection.objects.create(template=template, number=1, name="ZZA评分章节")
    SheetItem.objects.create(section=section, number=1, name="ZZA评分项", max_points=Decimal("100"))
    selection_round = SelectionRound.objects.create(
        program=program,
        title="ZZA遴选轮次",
        opens_on=date(2024, 1, 1),
        closes_on=date(2024, 2, 1),
        template=template,
        status="scoring",
        created_by=actor,
    )
    selection_round.industries.set([industry])
    member = user_with_role(program, Role.COMMITTEE_MEMBER, username="zza-member", display_name="ZZA评委")
    CommitteeSeat.objects.create(round=selection_round, member=member, capacity="ZZA席位")
    entry = RoundApplication.objects.create(
        round=selection_round,
        membership=provider,
        team="ZZA团队",
        solution="ZZA方案",
        local_support_staff=3,
        applied_at=timezone.now(),
    )
    entry.industries.set([industry])
    ConflictDeclaration.objects.create(
        round=selection_round, member=member, application=entry, kind="other", note="ZZA关联说明"
    )
    CommitteeSheet.objects.create(round=selection_round, application=entry, member=actor, comment="ZZA评语")
    RoundResult.objects.create(round=selection_round, application=entry, industry=industry, working="ZZA计算过程")
    PoolDecision.objects.create(
        membership=provider,
        kind="warn",
        reason="ZZA警告理由",
        decided_on=date(2024, 3, 1),
        decided_by=actor,
        status_before="selected",
        status_after="warned",
    )
    case = ProviderCase.objects.create(membership=provider, title="ZZA案例", client="ZZA客户", year=2023)
    ProviderSignup.objects.create(
        program=program,
        user=UserFactory(username="zza-provider-applicant", display_name="ZZA服务商申请人"),
        organisation=provider.organisation,
        local_support_staff=2,
        qualifications="ZZA资质说明",
    )
    document = ProviderDocument(
        membership=provider,
        case=case,
        kind="case",
        original_name="ZZA案例证明.pdf",
        content_type="application/pdf",
        size=12,
        sha256="0" * 64,
        uploaded_by=actor,
    )
    document.file.save("zza-case.pdf", ContentFile(b"%PDF-ZZACASE\n"), save=True)
    return [
        template.name,
        section.name,
        "ZZA评分项",
        selection_round.title,
        member.display_name,
        "ZZA团队",
        "ZZA方案",
        "ZZA关联说明",
        "ZZA评语",
        "ZZA计算过程",
        "ZZA警告理由",
        case.title,
        case.client,
        "ZZA服务商申请人",
        "ZZA资质说明",
        document.original_name,
        "%PDF-ZZACASE",
    ]


def _progress_objects(application, provider, actor):
    """Milestones, a progress update with a photo, a rating and a complaint on program A's filing."""
    from datetime import date

    from implementation.models import Complaint, Milestone, MilestoneTemplate, ProgressEvidence, ProgressPost

    application.provider = provider
    application.save()
    MilestoneTemplate.objects.create(
        program=application.program, track="zza-track", number=1, name="ZZA模板节点", due_days=30
    )
    milestone = Milestone.objects.create(application=application, number=1, name="ZZA里程碑", due_on=date(2024, 6, 1))
    post = ProgressPost.objects.create(
        application=application, milestone=milestone, percent=50, text="ZZA进度说明", posted_by=actor
    )
    evidence = ProgressEvidence(
        post=post,
        original_name="ZZA现场照片.png",
        content_type="image/png",
        size=16,
        sha256="0" * 64,
        uploaded_by=actor,
    )
    evidence.file.save("zza-photo.png", ContentFile(b"\x89PNG\r\n\x1a\nZZAPHOTO"), save=True)
    Complaint.objects.create(application=application, text="ZZA投诉内容", filed_by=actor)
    return ["ZZA模板节点", milestone.name, post.text, evidence.original_name, "ZZAPHOTO", "ZZA投诉内容"]


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo data set, built once for the session; each test's own writes roll back."""
    from demo.build import demo_build

    with django_db_blocker.unblock():
        demo_build()


def pytest_terminal_summary(terminalreporter):
    from tests.security.test_isolation_walker import CHECKED

    if CHECKED["pairs"]:
        terminalreporter.write_line(
            f"isolation walker: {CHECKED['routes']} routes, {CHECKED['pairs']} (route × role) pairs checked, "
            f"{CHECKED['requests']} requests"
        )


def _acceptance_objects(application, actor):
    """An acceptance review of program A's filing with a panel seat, a sheet, the audit and its report, an
    objection, a digital-level assessment with its report, and a generated report file. Returns their markers."""
    from datetime import date

    from acceptance.models import (
        AcceptanceReportFile,
        AcceptanceReview,
        AssessmentReport,
        AuditReport,
        DigitalAssessment,
        ExpertSeat,
        ExpertSheet,
        FinancialAudit,
        Objection,
        ReportJob,
    )
    from scoring.models import SheetItem, SheetSection, SheetTemplate

    rubric = SheetTemplate.objects.create(
        program=application.program, code="zza-rubric", purpose="acceptance", name="ZZA验收评分表"
    )
    section = SheetSection.objects.create(template=rubric, number=1, name="ZZA验收维度")
    SheetItem.objects.create(section=section, number=1, name="ZZA验收评分项", max_points=Decimal("100"))
    review = AcceptanceReview.objects.create(
        application=application,
        status="announcing",
        template=rubric,
        deliverables="ZZA交付成果",
        requested_by=actor,
        announcement_starts_on=date(2024, 7, 1),
        announcement_ends_on=date(2024, 7, 9),
    )
    expert = user_with_role(application.program, Role.EXPERT, username="zza-expert", display_name="ZZA专家")
    ExpertSeat.objects.create(review=review, expert=expert, assigned_by=actor)
    ExpertSheet.objects.create(review=review, expert=expert, status="submitted", total=88, comment="ZZA专家意见")
    audit = FinancialAudit.objects.create(review=review, auditor=actor, conclusion="ZZA审计结论", n_software=123457)
    files = []
    for model, owner, name, content in (
        (AuditReport, {"audit": audit}, "ZZA审计报告.pdf", b"%PDF-ZZAAUDIT\n"),
        (AcceptanceReportFile, {"review": review, "fingerprint": "0" * 64}, "ZZA验收报告.pdf", b"%PDF-ZZAREPORT\n"),
    ):
        item = model(
            **owner,
            original_name=name,
            content_type="application/pdf",
            size=len(content),
            sha256="0" * 64,
            uploaded_by=actor,
        )
        item.file.save(name, ContentFile(content), save=True)
        files.append(item)
    ReportJob.objects.create(review=review, requested_by=actor, status="done", progress=100, report=files[1])
    Objection.objects.create(review=review, raised_by="ZZA异议人", text="ZZA异议内容", recorded_by=actor)
    assessment = DigitalAssessment.objects.create(
        application=application,
        phase="after",
        assessor=actor,
        assessed_on=date(2024, 6, 1),
        basics=30,
        management=20,
        results=12,
        scene_levels=[3] * 16,
        level=3,
        reason="ZZA定级依据",
    )
    report = AssessmentReport(
        assessment=assessment,
        original_name="ZZA评测报告.pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        uploaded_by=actor,
    )
    report.file.save("zza-assessment.pdf", ContentFile(b"%PDF-ZZALEVEL\n"), save=True)
    return [
        rubric.name,
        section.name,
        "ZZA验收评分项",
        "ZZA交付成果",
        expert.display_name,
        "ZZA专家意见",
        "ZZA审计结论",
        "ZZA审计报告.pdf",
        "%PDF-ZZAAUDIT",
        "ZZA验收报告.pdf",
        "%PDF-ZZAREPORT",
        "ZZA异议人",
        "ZZA异议内容",
        "ZZA定级依据",
        "ZZA评测报告.pdf",
        "%PDF-ZZALEVEL",
    ]


def _subsidy_objects(application, actor):
    """A calculation run of program A (approved, with a line, a project left out, a correction in a draft run),
    an award, a funding pool with its allocation and a shortfall carried by a later run, a payment and a ledger
    job with its file. Returns markers."""
    from django.utils import timezone

    from acceptance.models import AcceptanceReview
    from subsidies.models import (
        AwardDecision,
        CalculationRun,
        CarriedFunding,
        FundingPool,
        LedgerFile,
        LedgerJob,
        Payment,
        PoolAllocation,
        RunCorrection,
        RunExclusion,
        RunLine,
    )

    program = application.program
    review = AcceptanceReview.objects.get(application=application)
    run = CalculationRun.objects.create(program=program, number=1, title="ZZA核算批次", created_by=actor)
    inputs = {
        "enterprise": "ZZA企业有限公司",
        "uscc": application.enterprise.organisation.uscc,
        "township": "ZZA乡镇",
        "industry": "zza-industry",
        "industry_name": "ZZA行业",
        "scale": "above",
        "track": "zza-track",
        "provider": "ZZA服务商有限公司",
        "filing_number": "ZZA-FILING-1",
        "title": "ZZA申报项目",
        "batch": None,
        "level": None,
        "accepted_on": "2024-07-10",
        **dict.fromkeys(("n_software", "n_hardware", "x_software", "x_hardware", "automation"), "0.00"),
        "awards": [],
    }
    inputs["n_software"] = "123457.00"
    result = {"subsidy_lines": [], "subsidy_subtotal": "0.00", "cap": None, "trace": ["ZZA计算过程"]}
    money = {"subsidy": Decimal("123457.00"), "awards": Decimal("0"), "total": Decimal("123457.00")}
    line = RunLine.objects.create(
        run=run,
        generation=1,
        position=1,
        application=application,
        review=review,
        accepted_at=timezone.now(),
        inputs=inputs,
        result=result,
        county=Decimal("123457.00"),
        frozen=True,
        **money,
    )
    RunExclusion.objects.create(
        run=run, generation=1, application=application, review=review, stage="policy", reason="ZZA剔除原因"
    )
    run.generation, run.line_count, run.status = 1, 1, "approved"
    run.save()
    draft = CalculationRun.objects.create(program=program, number=2, title="ZZA更正批次", created_by=actor)
    RunCorrection.objects.create(run=draft, corrects=line, reason="ZZA更正原因", requested_by=actor)
    AwardDecision.objects.create(
        program=program,
        application=application,
        kind="sample",
        amount=Decimal("123457"),
        reference="ZZA决定文号",
        decided_on=timezone.localdate(),
        granted_by=actor,
    )
    pool = FundingPool.objects.create(program=program, source="county", budget=Decimal("9123457"), note="ZZA资金池")
    PoolAllocation.objects.create(  # short by 4,321.00, carried by a later run
        pool=pool, line=line, sequence=1, requested=line.total, allocated=line.total - Decimal("4321.00")
    )
    later = CalculationRun.objects.create(
        program=program, number=3, title="ZZA补拨批次", created_by=actor, status="approved", generation=1
    )
    CarriedFunding.objects.create(
        pool=pool, line=line, run=later, sequence=1, amount=Decimal("4321.00"), allocated_by=actor
    )
    Payment.objects.create(
        line=line,
        source="county",
        amount=Decimal("1234.57"),
        paid_on=timezone.localdate(),
        voucher="ZZA凭证号",
        recorded_by=actor,
    )
    job = LedgerJob.objects.create(program=program, run=run, requested_by=actor, status="done", progress=100)
    ledger = LedgerFile(
        job=job,
        original_name="ZZA台账.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size=13,
        sha256="0" * 64,
        uploaded_by=actor,
    )
    ledger.file.save("zza-ledger.xlsx", ContentFile(b"PK\x03\x04ZZALEDGER"), save=True)
    return [
        "ZZA核算批次",
        "ZZA计算过程",
        "ZZA剔除原因",
        "ZZA更正原因",
        "ZZA决定文号",
        "ZZA资金池",
        "ZZA凭证号",
        "ZZA台账",
        "ZZALEDGER",
    ]


def _ranking_objects(program, provider, actor):
    """A horse-race snapshot of program A with an entry, a bulletin job and its PDF, and a KPI target."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from rankings.models import BulletinFile, BulletinJob, KpiTarget, RankingEntry, RankingSnapshot

    snapshot = RankingSnapshot.objects.create(
        program=program,
        kind="horse_race",
        period_start=date(2024, 7, 1),
        period_end=date(2024, 7, 31),
        cutoff=datetime(2024, 8, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
        scheme={"period": "monthly", "weights": {"contracts": "100"}, "publish_details": False},
        status="published",
    )
    RankingEntry.objects.create(
        snapshot=snapshot,
        group="",
        group_name="ZZA全部行业",
        subject_id=provider.pk,
        subject_name=provider.organisation.name,
        values={"contracts": "7"},
        normalised={"contracts": "1.0000"},
        score=Decimal("77.77"),
        rank=1,
        flag_reason="ZZA动态管理原因",
        flagged=True,
    )
    job = BulletinJob.objects.create(snapshot=snapshot, requested_by=actor, status="done", progress=100)
    bulletin = BulletinFile(
        snapshot=snapshot,
        fingerprint="0" * 64,
        original_name="ZZA赛马通报.pdf",
        content_type="application/pdf",
        size=17,
        sha256="0" * 64,
        uploaded_by=actor,
    )
    bulletin.file.save("zza-bulletin.pdf", ContentFile(b"%PDF-ZZABULLETIN\n"), save=True)
    job.bulletin = bulletin
    job.save()
    KpiTarget.objects.create(program=program, code="zza-kpi", label="ZZA绩效指标", unit="家", year=2025, target=9)
    return ["ZZA全部行业", "ZZA动态管理原因", "ZZA赛马通报", "ZZABULLETIN", "ZZA绩效指标"]
