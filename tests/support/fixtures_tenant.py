"""`tenant_pair`: program A, every object of it named with a marker, and program B, whose users must see none of
it. Records are built through the factories (tests/support/tenant has one module a part of the portal); the API
token goes through its service, as a login issues it."""

from decimal import Decimal

import pytest

from accounts.services import api_token_issue
from portal.core.roles import Role
from tests.factories import (
    ApplicationFactory,
    AttachmentFactory,
    BatchFactory,
    CalendarDayFactory,
    EnterpriseProfileFactory,
    IndustryFactory,
    NotificationFactory,
    OrganisationFactory,
    PolicyParameterFactory,
    PolicyTrackFactory,
    PolicyVersionFactory,
    PoolMembershipFactory,
    ProgramFactory,
    ProgramOrganisationFactory,
    RegionFactory,
    ScenarioModuleFactory,
    SignupRequestFactory,
    UserFactory,
    user_with_role,
)
from tests.support.tenant.acceptance import acceptance_objects
from tests.support.tenant.pilots import pilot_objects
from tests.support.tenant.progress import progress_objects
from tests.support.tenant.rankings import ranking_objects
from tests.support.tenant.samples import sample_objects
from tests.support.tenant.selection import selection_objects
from tests.support.tenant.solutions import solution_objects
from tests.support.tenant.subcontracts import subcontract_objects
from tests.support.tenant.subsidies import subsidy_objects
from tests.support.tenant.supervision import supervision_objects


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
    policy = PolicyVersionFactory(program=a, code="zza-policy", name="ZZA政策版本")
    track = PolicyTrackFactory(version=policy, code="zza-track", kind="tiered_total", name="ZZA申报类型")
    PolicyParameterFactory(version=policy, track=track, key="floor", value=Decimal("123457"))
    admin_a = user_with_role(a, Role.BUREAU_ADMIN, username="zza-admin", display_name="ZZA管理员")
    assignment = admin_a.role_assignments.get()
    api_token_issue(user=admin_a, name="ZZA令牌")
    ProgramOrganisationFactory(
        program=a, organisation=OrganisationFactory(name="ZZA专家机构"), registered_by=admin_a, note="ZZA登记"
    )
    application = ApplicationFactory(
        program=a,
        enterprise=enterprise,
        track="zza-track",
        title="ZZA申报项目",
        created_by=admin_a,
        status="submitted",
        filing_number="ZZA-FILING-1",
    )
    attachment = AttachmentFactory(
        application=application,
        kind="contract",
        original_name="ZZA合同.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=admin_a,
        filename="zza-contract.pdf",
        content=b"%PDF-ZZA\n",
    )
    SignupRequestFactory(
        program=a, profile=enterprise, user=UserFactory(username="zza-applicant", display_name="ZZA申请人")
    )
    notice = NotificationFactory(
        recipient=admin_a,
        program=a,
        event="filing.submit",
        text="ZZA通知正文",
        link="/p/zza-secret-program/",
        source="zza:1",
    )
    selection = selection_objects(a, industry, provider, admin_a)
    progress = progress_objects(application, provider, admin_a)
    acceptance = acceptance_objects(application, admin_a)
    subsidy = subsidy_objects(application, admin_a)
    rankings = ranking_objects(a, provider, admin_a)
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
