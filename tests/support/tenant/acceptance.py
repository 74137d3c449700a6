"""Program A's acceptance records for the isolation walker."""

from datetime import date
from decimal import Decimal

from portal.core.roles import Role
from tests.factories import (
    AcceptanceReportFileFactory,
    AcceptanceReviewFactory,
    AssessmentReportFactory,
    AuditReportFactory,
    DigitalAssessmentFactory,
    ExpertSeatFactory,
    ExpertSheetFactory,
    FinancialAuditFactory,
    ObjectionFactory,
    ReportJobFactory,
    SheetItemFactory,
    SheetSectionFactory,
    SheetTemplateFactory,
    user_with_role,
)


def acceptance_objects(application, actor) -> list[str]:
    """An acceptance review of program A's filing with a panel seat, a sheet, the audit and its report, an
    objection, a digital-level assessment with its report, and a generated report file. Returns their markers."""
    rubric = SheetTemplateFactory(
        program=application.program, code="zza-rubric", purpose="acceptance", name="ZZA验收评分表"
    )
    section = SheetSectionFactory(template=rubric, number=1, name="ZZA验收维度")
    SheetItemFactory(section=section, number=1, name="ZZA验收评分项", max_points=Decimal("100"))
    review = AcceptanceReviewFactory(
        application=application,
        status="announcing",
        template=rubric,
        deliverables="ZZA交付成果",
        requested_by=actor,
        announcement_starts_on=date(2024, 7, 1),
        announcement_ends_on=date(2024, 7, 9),
    )
    expert = user_with_role(application.program, Role.EXPERT, username="zza-expert", display_name="ZZA专家")
    ExpertSeatFactory(review=review, expert=expert, assigned_by=actor)
    ExpertSheetFactory(review=review, expert=expert, status="submitted", total=88, comment="ZZA专家意见")
    audit = FinancialAuditFactory(review=review, auditor=actor, conclusion="ZZA审计结论", n_software=123457)
    AuditReportFactory(
        audit=audit,
        original_name="ZZA审计报告.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=actor,
        content=b"%PDF-ZZAAUDIT\n",
    )
    report = AcceptanceReportFileFactory(
        review=review,
        fingerprint="0" * 64,
        original_name="ZZA验收报告.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=actor,
        content=b"%PDF-ZZAREPORT\n",
    )
    ReportJobFactory(review=review, requested_by=actor, status="done", progress=100, report=report)
    ObjectionFactory(review=review, raised_by="ZZA异议人", text="ZZA异议内容", recorded_by=actor)
    assessment = DigitalAssessmentFactory(
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
    AssessmentReportFactory(
        assessment=assessment,
        original_name="ZZA评测报告.pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        uploaded_by=actor,
        filename="zza-assessment.pdf",
        content=b"%PDF-ZZALEVEL\n",
    )
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
