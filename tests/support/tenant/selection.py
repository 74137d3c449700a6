"""Program A's provider selection for the isolation walker."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from portal.core.roles import Role
from tests.factories import (
    CommitteeSeatFactory,
    CommitteeSheetFactory,
    ConflictDeclarationFactory,
    PoolDecisionFactory,
    ProviderCaseFactory,
    ProviderDocumentFactory,
    ProviderSignupFactory,
    RoundApplicationFactory,
    RoundResultFactory,
    SelectionRoundFactory,
    SheetItemFactory,
    SheetSectionFactory,
    SheetTemplateFactory,
    UserFactory,
    user_with_role,
)


def selection_objects(program, industry, provider, actor) -> list[str]:
    """A selection round of program A with a seat, an applicant, a declared conflict, a sheet and a result,
    and the provider's case and document. Returns their markers."""
    template = SheetTemplateFactory(program=program, code="zza-sheet", purpose="selection", name="ZZA评分表")
    section = SheetSectionFactory(template=template, number=1, name="ZZA评分章节")
    SheetItemFactory(section=section, number=1, name="ZZA评分项", max_points=Decimal("100"))
    selection_round = SelectionRoundFactory(
        program=program,
        title="ZZA遴选轮次",
        opens_on=date(2024, 1, 1),
        closes_on=date(2024, 2, 1),
        template=template,
        status="scoring",
        created_by=actor,
        industries=[industry],
    )
    member = user_with_role(program, Role.COMMITTEE_MEMBER, username="zza-member", display_name="ZZA评委")
    CommitteeSeatFactory(round=selection_round, member=member, capacity="ZZA席位")
    entry = RoundApplicationFactory(
        round=selection_round,
        membership=provider,
        team="ZZA团队",
        solution="ZZA方案",
        local_support_staff=3,
        applied_at=timezone.now(),
        industries=[industry],
    )
    ConflictDeclarationFactory(
        round=selection_round, member=member, application=entry, kind="other", note="ZZA关联说明"
    )
    CommitteeSheetFactory(round=selection_round, application=entry, member=actor, comment="ZZA评语")
    RoundResultFactory(round=selection_round, application=entry, industry=industry, working="ZZA计算过程")
    PoolDecisionFactory(
        membership=provider,
        kind="warn",
        reason="ZZA警告理由",
        decided_on=date(2024, 3, 1),
        decided_by=actor,
        status_before="selected",
        status_after="warned",
    )
    case = ProviderCaseFactory(membership=provider, title="ZZA案例", client="ZZA客户", year=2023)
    ProviderSignupFactory(
        program=program,
        user=UserFactory(username="zza-provider-applicant", display_name="ZZA服务商申请人"),
        organisation=provider.organisation,
        local_support_staff=2,
        qualifications="ZZA资质说明",
    )
    document = ProviderDocumentFactory(
        membership=provider,
        case=case,
        kind="case",
        original_name="ZZA案例证明.pdf",
        content_type="application/pdf",
        size=12,
        sha256="0" * 64,
        uploaded_by=actor,
        filename="zza-case.pdf",
        content=b"%PDF-ZZACASE\n",
    )
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
