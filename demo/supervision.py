"""Demo supervision: in each demo program the supervision firm (浙江正衡工程监理有限公司) is assigned to a project in
implementation, has inspected it with a photo and left an open rectification; in Wuyi a second request is
answered by the provider and a third closed. Built by `seed_demo` after the rankings."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.activity import DEMO_CONTRACT, demo_pdf, demo_png
from enterprises.models import EnterpriseProfile
from filings.models import Application, Status
from filings.services import application_create, application_provider_respond, application_transition, attachment_add
from portal.core.roles import Role
from programs.access import program_access, role_holders
from programs.models import Program, ScenarioModule
from providers.selectors import pickable_providers
from supervision import services
from supervision.models import Rectification, SupervisionAssignment
from supervision.selectors import firm_choices

ANSWER = "已按要求整改完成，整改前后照片及说明已上传至实施进度。"
PREFIX = {"wuyi-2024": "wuyi", "yongkang-2024": "yongkang", "jinhua-pilot": "jinhua"}
TRACK = {"wuyi-2024": "lightweight", "yongkang-2024": "lightweight", "jinhua-pilot": "pilot"}
FINDINGS = {
    "wuyi-2024": "现场查看炊具车间数据采集终端安装情况：12 台设备已接入，2 台冲压机未接入；MES 工单模块已上线试运行。",
    "yongkang-2024": "现场核查：设备联网 8 台，与合同约定 10 台不符；操作人员培训记录不完整。",
    "jinhua-pilot": "现场核查试点项目实施进度：数据中台已部署，能耗监测点位安装完成约七成。",
}
REQUESTS = {
    "wuyi-2024": [
        ("2 台冲压机未接入数据采集，请补充接入并提供接入截图。", 10, "answer"),
        ("补充 MES 工单模块操作培训签到表。", 20, "close"),
        ("设备台账与现场不一致，请更新设备清单并经企业盖章确认。", -5, None),
    ],
    "yongkang-2024": [("补齐 2 台设备联网，提交联网清单及现场照片。", 15, None)],
    "jinhua-pilot": [("能耗监测剩余点位须在期限内安装完成并联调。", -3, None)],
}


def demo_supervision_build() -> None:
    """Idempotent: a program whose supervision firm has an assignment already is left as it is."""
    User = get_user_model()
    today = timezone.localdate()
    for slug, prefix in PREFIX.items():
        program = Program.objects.get(slug=slug)
        if SupervisionAssignment.objects.filter(program=program).exists():
            continue
        firm = firm_choices(program=program).first()
        if firm is None:
            continue
        reviewer = program_access(user=User.objects.get(username=f"{prefix}-reviewer"), slug=slug)
        inspector = program_access(user=User.objects.get(username=f"{prefix}-supervision"), slug=slug)
        project = _project(program, prefix) or _project_in_implementation(program, prefix, reviewer)
        provider_user = (
            role_holders(program=program, role=Role.PROVIDER)
            .filter(organisation_id=project.provider.organisation_id)
            .first()
        )
        services.assignment_create(
            access=reviewer, application=project, organisation=firm, note="按全过程监理要求委派，每月至少巡查一次。"
        )
        inspected_on = today - timedelta(days=25)
        requests = REQUESTS[slug]
        inspection = services.inspection_record(
            access=inspector,
            application=project,
            inspected_on=inspected_on,
            findings=FINDINGS[slug],
            uploads=[SimpleUploadedFile("现场巡查.png", demo_png(), content_type="image/png")],
            rectifications=[(text, today + timedelta(days=days)) for text, days, _step in requests],
        )
        rows = list(Rectification.objects.filter(inspection=inspection).order_by("pk"))
        for row, (_text, _days, step) in zip(rows, requests, strict=True):
            if step is None or provider_user is None:
                continue
            services.rectification_answer(
                access=program_access(user=provider_user, slug=slug),
                rectification=row,
                answer=ANSWER,
            )
            if step == "close":
                services.rectification_close(
                    access=inspector, rectification=row, conclusion="复查确认：培训签到表齐全，整改到位。"
                )


def _project(program, prefix) -> Application | None:
    """An approved project in implementation, preferring the demo provider login's own."""
    User = get_user_model()
    organisation = User.objects.get(username=f"{prefix}-provider").organisation_id
    projects = Application.objects.filter(
        program=program, status=Status.APPROVED, completed_at__isnull=True, provider__isnull=False
    ).exclude(supervision_assignments__is_active=True)
    return (
        projects.filter(provider__organisation_id=organisation).order_by("pk").first()
        or projects.order_by("pk").first()
    )


def _project_in_implementation(program, prefix, reviewer) -> Application:
    """An approved project of the program's second demo enterprise (`<prefix>-enterprise2`, so the first keeps its
    track free to file), with the demo provider login's organisation implementing it where it is selected for the
    industry: filed with its contract, accepted by the provider and approved, as people do it."""
    User = get_user_model()
    enterprise = program_access(user=User.objects.get(username=f"{prefix}-enterprise2"), slug=program.slug)
    own = User.objects.get(username=f"{prefix}-provider").organisation_id
    industry = EnterpriseProfile.objects.get(program=program, organisation=enterprise.user.organisation).industry
    pickable = pickable_providers(program=program, industry=industry).order_by("pk")
    membership = pickable.filter(organisation_id=own).first() or pickable.first()
    module = ScenarioModule.objects.filter(program=program, kind="N", is_active=True).order_by("pk").first()
    fields = {
        **DEMO_CONTRACT,
        "title": "生产车间设备联网与数据采集改造",
        "track": TRACK[program.slug],
        "provider": membership,
        "contract_subject": "生产车间设备联网与数据采集改造（N+X）软硬件供货、部署与培训",
        "contract_budget": Decimal("380000"),
    }
    if TRACK[program.slug] == "pilot":
        fields["target_level"] = 3
    application = application_create(
        access=enterprise,
        fields=fields,
        lines=[
            {
                "module": module if module is not None and module.investment_category in ("", "software") else None,
                "part": "N",
                "category": "software",
                "description": "生产执行与设备管理",
                "amount": Decimal("300000"),
            },
            {
                "module": None,
                "part": "X",
                "category": "hardware",
                "description": "设备联网网关及能耗采集终端",
                "amount": Decimal("80000"),
            },
        ],
    )
    attachment_add(
        access=enterprise,
        application=application,
        kind="contract",
        upload=SimpleUploadedFile("设备联网改造合同.pdf", demo_pdf("contract"), content_type="application/pdf"),
    )
    application_transition(access=enterprise, application=application, action="submit")
    provider_user = (
        role_holders(program=program, role=Role.PROVIDER).filter(organisation_id=membership.organisation_id).first()
    )
    application_provider_respond(
        access=program_access(user=provider_user, slug=program.slug), application=application, decision="accept"
    )
    application_transition(access=reviewer, application=application, action="approve")
    return Application.objects.get(pk=application.pk)
