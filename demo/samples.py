"""Demo sample enterprises of Wuyi (样本企业, 看样学样), built through the services as people would: the enterprise
applies with photos, its provider joins, the bureau checks on site and designates. Two samples (power tools, the
one `demo.runs` awards; kitchenware), one application awaiting the on-site check (hardware), and one filing
that 浙江武义炊具制造有限公司 (login `wuyi-enterprise`) started from the kitchenware sample.

Stands on the accepted projects `demo.runs` files through the services (with their provider and the lines
listed here); a project not there yet is skipped, so calling this before them does nothing and calling it again
later completes it. Idempotent."""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from filings.models import Application
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program
from samples import services
from samples.models import SampleApplication, SampleCopy, SampleDesignation

SLUG = "wuyi-2024"
BUREAU = "wuyi-reviewer"
COPIER = "wuyi-enterprise"
D = Decimal
# A tiny valid PNG (1×1, white), used when Pillow is not installed.
FALLBACK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f0005fe02fe"
    "a7d6a4460000000049454e44ae426082"
)


@dataclass(frozen=True)
class DemoSample:
    enterprise: str
    username: str  # the enterprise's demo login, created when missing
    provider: str  # the provider organisation (the project's lead contractor)
    provider_user: str
    lines: list  # what the project filed: (module code, part, category, description, amount)
    statement: str
    provider_statement: str
    photos: list = field(default_factory=list)  # (caption, colour)
    designate: bool = True
    reason: str = ""
    reference: str = ""
    decided_on: date | None = None


SAMPLES = [
    DemoSample(
        "武义电动工具样板有限公司",
        "wuyi-sample-tools",
        "金华云工厂信息技术有限公司",
        "wuyi-provider2",
        [
            ("wy-n-order", "N", "software", "订单与交期管理", D("80000")),
            ("wy-n-production", "N", "software", "报工与生产进度", D("120000")),
            ("wy-n-quality", "N", "software", "来料与成品检验", D("50000")),
            ("wy-n-data-collection", "N", "hardware", "冲压、装配设备联网采集", D("90000")),
            ("wy-x-custom", "X", "hardware", "电机装配线数据采集与车间看板", D("120000")),
        ],
        "上线订单、生产、质量三大场景，42台设备联网；订单交付周期由21天缩短到15天，一次交检合格率由96.1%提升到98.7%，"
        "车间统计员由3人减为1人。",
        "按“N+X”清单交付，X部分为电机装配线看板；培训班组长及操作工86人次，驻场3个月。",
        [("装配线看板", (37, 99, 235)), ("设备联网采集终端", (22, 163, 74)), ("质量检验工位", (217, 119, 6))],
        reason="改造成效显著，电动工具行业复制推广意义大",
        reference="武经商〔2025〕6号",
        decided_on=date(2025, 2, 10),
    ),
    DemoSample(
        "武义炊具示范有限公司",
        "wuyi-sample-kitchen",
        "浙江数智工联科技有限公司",
        "wuyi-provider",
        [
            ("wy-n-order", "N", "software", "订单管理", D("60000")),
            ("wy-n-inventory", "N", "software", "原料与成品库存", D("50000")),
            ("wy-n-production", "N", "software", "生产管理", D("70000")),
            ("wy-n-data-collection", "N", "hardware", "压铸、抛光设备数据采集", D("60000")),
            ("wy-n-display", "N", "hardware", "车间电子看板", D("40000")),
            ("wy-x-custom", "X", "software", "抛光车间能耗监测", D("60000")),
        ],
        "压铸、抛光车间设备全部联网，库存实时可查；库存周转天数由38天降到26天，单位产品能耗下降8%。",
        "实施订单到出库全流程贯通，为餐厨用品行业沉淀了可复制的N+X清单。",
        [("抛光车间能耗看板", (190, 18, 60)), ("仓库扫码出入库", (14, 116, 144))],
        reason="餐厨用品行业首家完成全流程贯通的企业，参观学习需求大",
        reference="武经商〔2025〕7号",
        decided_on=date(2025, 2, 12),
    ),
    DemoSample(
        "武义五金精工有限公司",
        "wuyi-sample-hardware",
        "浙江数智工联科技有限公司",
        "wuyi-provider",
        [
            ("wy-n-production", "N", "software", "生产管理", D("73456.78")),
            ("wy-n-quality", "N", "software", "质量管理", D("50000")),
        ],
        "生产与质量数据线上流转，返工率由4.2%降到2.5%。",
        "完成生产、质量场景上线与数据贯通。",
        [("五金车间", (71, 85, 105))],
        designate=False,
    ),
]


def _png(colour, label_seed: int) -> bytes:
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover - Pillow is a dependency; keep the demo building without it
        return FALLBACK_PNG
    image = Image.new("RGB", (480, 320), colour)
    draw = ImageDraw.Draw(image)
    for n in range(6):  # a few "machines" on a "shop floor"
        x = 30 + n * 72
        height = 60 + (label_seed * 37 + n * 23) % 120
        draw.rectangle([x, 300 - height, x + 52, 300], fill=(255, 255, 255), outline=(15, 23, 42), width=3)
    draw.rectangle([0, 0, 479, 40], fill=(15, 23, 42))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _enterprise_user(program, project, username):
    from demo.build import _user
    from programs.services import role_grant

    organisation = project.enterprise.organisation
    user = _user(username, display_name=f"{organisation.name}（样本申报）", organisation=organisation)
    role_grant(program=program, user=user, role=Role.ENTERPRISE)
    return user


def _build_sample(program, spec, bureau):
    project = (
        Application.objects.filter(program=program, enterprise__organisation__name=spec.enterprise)
        .select_related("enterprise__organisation", "provider")
        .order_by("pk")
        .first()
    )
    if project is None or SampleApplication.objects.filter(application=project).exists():
        return
    enterprise = program_access(user=_enterprise_user(program, project, spec.username), slug=program.slug)
    photos = [
        SimpleUploadedFile(f"sample-{n + 1}.png", _png(colour, n + len(spec.enterprise)), content_type="image/png")
        for n, (_caption, colour) in enumerate(spec.photos)
    ]
    item = services.sample_apply(
        access=enterprise,
        application=project,
        statement=spec.statement,
        photos=photos,
        captions=[caption for caption, _colour in spec.photos],
    )
    provider = program_access(user=get_user_model().objects.get(username=spec.provider_user), slug=program.slug)
    services.sample_cosign(access=provider, sample_application=item, statement=spec.provider_statement)
    if not spec.designate:
        return
    services.sample_check_record(
        access=bureau,
        sample_application=item,
        checked_on=spec.decided_on.replace(day=max(1, spec.decided_on.day - 7)),
        experts="王建国（金华智能制造研究院）、李敏（浙江工业大学）",
        association_representatives="陈立（武义县五金行业协会）",
        findings="现场查看车间看板与系统数据，改造内容与申报一致，成效数据可追溯。",
        recommends=True,
    )
    services.sample_designate(
        access=bureau,
        sample_application=item,
        reason=spec.reason,
        reference=spec.reference,
        decided_on=spec.decided_on,
    )


def _copy_one(program):
    """浙江武义炊具制造有限公司 (kitchenware) starts a filing from the kitchenware sample."""
    user = get_user_model().objects.filter(username=COPIER).first()
    if user is None or SampleCopy.objects.filter(copied_by=user, sample__program=program).exists():
        return
    access = program_access(user=user, slug=program.slug)
    profile = program.enterprises.filter(organisation_id=user.organisation_id, is_active=True).first()
    if profile is None:
        return
    sample = (
        SampleDesignation.objects.filter(program=program, industry=profile.industry, is_active=True)
        .order_by("pk")
        .first()
    )
    if sample is not None:
        services.sample_start_filing(access=access, sample=sample)


def demo_samples_build() -> None:
    program = Program.objects.filter(slug=SLUG).first()
    if program is None:
        return
    bureau = program_access(user=get_user_model().objects.get(username=BUREAU), slug=SLUG)
    for spec in SAMPLES:
        _build_sample(program, spec, bureau)
    _copy_one(program)
