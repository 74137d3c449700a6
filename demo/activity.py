"""The demo's activity on top of its reference data: provider selection rounds (one published per program in its
first days, one still being scored in Wuyi), and an approved Wuyi project in implementation with a subcontractor,
progress and evidence (filed by `wuyi-enterprise2`).

Everything goes through the same services the pages use, as the people who act, each step on its day
(`demo_day`), so the demo shows what a real program holds. Idempotent: a program that already has selection
rounds is left as it is.
"""

import hashlib
import struct
import zlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acceptance.models import TrackRubric
from acceptance.services import digital_level_standards_load, track_rubric_set
from filings.models import Application
from filings.services import (
    application_create,
    application_provider_respond,
    application_transition,
    attachment_add,
)
from implementation.services import milestone_templates_load, progress_post, progress_respond
from organisations.models import OrganisationKind
from policies.selectors import active_track_list
from portal.core.roles import Role
from programs.access import program_access
from programs.models import ScenarioModule
from programs.services import role_grant
from providers import services as selection
from providers.models import PoolMembership, PoolStatus, SelectionRound
from scoring.models import SheetItem
from scoring.services import sheet_templates_load

SHEETS = {
    "wuyi-2024": {"provider-selection": "wuyi-provider-selection", "acceptance": "nx-lightweight-acceptance"},
    "yongkang-2024": {
        "provider-selection": "wuyi-provider-selection",
        "acceptance": "nx-lightweight-acceptance",
        "acceptance-midlevel": "midlevel-factory-acceptance",
    },
    "jinhua-pilot": {"provider-selection": "jinhua-provider-selection", "acceptance": "nx-lightweight-acceptance"},
}
# Which rubric each track is accepted on ("" is the program's default).
RUBRICS = {
    "wuyi-2024": {"": "acceptance"},
    "yongkang-2024": {
        "": "acceptance",
        "midlevel-pilot": "acceptance-midlevel",
        "midlevel-promotion": "acceptance-midlevel",
    },
    "jinhua-pilot": {"": "acceptance"},
}
EXTRA_MEMBERS = 4  # with the program's committee login, five sheets: enough to drop the extremes
# The first round's days after the program starts (created and opened, applications, scoring, publication): its
# providers are selected before the demo's first filings pick them.
FIRST_ROUND = (0, 1, 4, 5)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def demo_day(day: date, hour: int = 10):
    """Travel to `hour` o'clock of `day` in Shanghai (time-machine): a demo step happens on its date."""
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False)


def demo_activity_build(*, programs: dict, prefix: dict, user_factory, organisations: dict) -> None:
    for slug, program in programs.items():
        sheet_templates_load(program=program, sheets=SHEETS[slug])
        for track, code in RUBRICS[slug].items():
            if not TrackRubric.objects.filter(program=program, track=track).exists():
                template = program.sheet_templates.filter(code=code, is_active=True).get()
                track_rubric_set(program=program, track=track, template=template)
        if slug == "jinhua-pilot":
            digital_level_standards_load(program=program)
        tracks = active_track_list(program=program)
        milestone_templates_load(program=program, tracks=list(tracks.values_list("code", flat=True)))
        if SelectionRound.objects.filter(program=program).exists():
            continue
        members = _committee(program, prefix[slug], user_factory, organisations)
        providers = _provider_users(program, prefix[slug], user_factory)
        reviewer = get_user_model().objects.get(username=f"{prefix[slug]}-reviewer")
        selected = {m: providers[m] for m in providers if m.status == PoolStatus.SELECTED}
        days = [program.starts_on + timedelta(days=n) for n in FIRST_ROUND]
        _round(program, reviewer, members, selected, title="2024年度服务商遴选（第一批）", days=days)
        if slug == "wuyi-2024":
            today = timezone.localdate()
            pool = {m: providers[m] for m in providers if m.status == PoolStatus.POOL}
            days = [today - timedelta(days=n) for n in (20, 12, 2)] + [None]
            _round(program, reviewer, members, pool, title="2024年度服务商遴选（第二批）", days=days)
            _project_in_implementation(program, prefix[slug], reviewer)


def _committee(program, prefix, user_factory, organisations):
    main = get_user_model().objects.get(username=f"{prefix}-committee")
    members = [main]
    for number in range(2, EXTRA_MEMBERS + 2):
        kind = OrganisationKind.ASSOCIATION if number % 2 else OrganisationKind.INSTITUTION
        user = user_factory(
            f"{prefix}-committee{number}",
            display_name=f"{program.short_name}·评审委员{number}",
            organisation=organisations[kind],
        )
        role_grant(program=program, user=user, role=Role.COMMITTEE_MEMBER)
        members.append(user)
    return members


def _provider_users(program, prefix, user_factory) -> dict:
    """One user per provider of the pool (the program's provider login for the first), to apply in rounds."""
    users = {}
    memberships = PoolMembership.objects.filter(program=program).select_related("organisation").order_by("pk")
    main = get_user_model().objects.get(username=f"{prefix}-provider")
    for number, membership in enumerate(memberships, start=1):
        if membership.organisation_id == main.organisation_id:
            users[membership] = main
            continue
        user = user_factory(
            f"{prefix}-provider{number}",
            display_name=f"{membership.organisation.name}·申报人",
            organisation=membership.organisation,
        )
        role_grant(program=program, user=user, role=Role.PROVIDER)
        users[membership] = user
    return users


def _points(member, provider, item) -> Decimal:
    """A stable score between 70% and 98% of the item's maximum, different per member and provider."""
    digest = hashlib.sha256(f"{member.username}|{provider.pk}|{item.pk}".encode()).digest()
    share = Decimal(70 + digest[0] % 29) / Decimal(100)
    return (item.max_points * share).quantize(Decimal("0.5"))


def _round(program, reviewer, members, applicants: dict, *, title, days):
    """A round through its services on its `days` (created and opened, applications, scoring, publication): every
    applicant applies, every member scores every entry, then the round is confirmed and published. Without a
    publication day it stays in scoring with the program's committee login's sheets still to fill."""
    if not applicants:
        return
    created_on, applied_on, scoring_on, published_on = days
    staff = program_access(user=reviewer, slug=program.slug)
    industries = {industry for membership in applicants for industry in membership.industries.all()}
    template = program.sheet_templates.filter(purpose="selection", is_active=True).first()
    with demo_day(created_on):
        selection_round = selection.round_create(
            access=staff,
            fields={
                "title": title,
                "opens_on": created_on,
                "closes_on": scoring_on - timedelta(days=1),
                "places": 3,
                "template": template,
                "notes": "按遴选办法，评审委员会由行业协会代表和试点企业代表组成。",
            },
            industries=sorted(industries, key=lambda industry: industry.sort_order),
        )
        for member in members:
            selection.round_seat(access=staff, selection_round=selection_round, member=member, capacity="评审委员")
        selection.round_advance(access=staff, selection_round=selection_round)
    with demo_day(applied_on):
        entries = [
            selection.round_apply(
                access=program_access(user=user, slug=program.slug),
                selection_round=selection_round,
                industries=list(membership.industries.all()),
                team="项目经理1名、实施顾问3名、驻场工程师2名",
                solution="以行业共性N模块为底座，按企业需求配置X场景，3个月内上线。",
                local_support_staff=membership.local_support_staff,
            )
            for membership, user in applicants.items()
        ]
    items = list(SheetItem.objects.filter(section__template=template))
    with demo_day(scoring_on):
        selection.round_advance(access=staff, selection_round=selection_round)
        for member in members if published_on else members[1:]:
            for entry in entries:
                selection.sheet_save(
                    access=program_access(user=member, slug=program.slug),
                    selection_round=selection_round,
                    entry=entry,
                    scores={str(item.pk): _points(member, entry.membership, item) for item in items},
                    submit=True,
                )
    if published_on:
        with demo_day(published_on):
            selection.round_confirm(access=staff, selection_round=selection_round)
            selection.round_publish(access=staff, selection_round=selection_round, published_on=published_on)


def _project_in_implementation(program, prefix, reviewer):
    """An approved Wuyi project of the program's second demo enterprise (`<prefix>-enterprise2`) with its provider
    as lead contractor and a subcontractor named in the filing: one milestone confirmed, the next reported with a
    photo. The first demo enterprise keeps its track free to file."""
    from demo.subcontracts import subcontract_terms

    User = get_user_model()
    enterprise_user = User.objects.get(username=f"{prefix}-enterprise2")
    provider_user = User.objects.get(username=f"{prefix}-provider")
    enterprise = program_access(user=enterprise_user, slug=program.slug)
    provider = PoolMembership.objects.get(program=program, organisation=provider_user.organisation)
    module = ScenarioModule.objects.filter(program=program, kind="N", investment_category="software").first()
    lead, subcontracts = subcontract_terms(program, provider, DEMO_CONTRACT["contract_budget"])
    application = application_create(
        access=enterprise,
        fields={
            "title": "炊具车间轻量化数字化改造",
            "track": "lightweight",
            "provider": provider,
            **DEMO_CONTRACT,
            **lead,
        },
        subcontracts=subcontracts,
        lines=[
            {"module": module, "part": "N", "category": "software", "description": "", "amount": Decimal("200000")},
            {
                "module": None,
                "part": "X",
                "category": "hardware",
                "description": "产线数据采集终端",
                "amount": Decimal("60000"),
            },
        ],
    )
    attachment_add(
        access=enterprise,
        application=application,
        kind="contract",
        upload=SimpleUploadedFile("数字化改造服务合同.pdf", demo_pdf("contract"), content_type="application/pdf"),
    )
    application_transition(access=enterprise, application=application, action="submit")
    application_provider_respond(
        access=program_access(user=provider_user, slug=program.slug), application=application, decision="accept"
    )
    application_transition(
        access=program_access(user=reviewer, slug=program.slug), application=application, action="approve"
    )
    application = Application.objects.get(pk=application.pk)
    first, second = list(application.milestones.order_by("number"))[:2]
    implementer = program_access(user=provider_user, slug=program.slug)
    post = progress_post(
        access=implementer,
        application=application,
        milestone=first,
        percent=100,
        text="完成现场调研，实施方案经企业确认。",
    )
    progress_respond(access=enterprise, post=post, confirm=True, response="方案已确认。")
    progress_post(
        access=implementer,
        application=application,
        milestone=second,
        percent=40,
        text="MES 已部署，12 台设备完成数据采集终端安装，照片见附件。",
        uploads=[SimpleUploadedFile("车间采集终端.png", demo_png(), content_type="image/png")],
    )


# The contract terms of the province's template (seed 001 §10) as the demo's filings give them.
DEMO_CONTRACT = {
    "contract_subject": "车间轻量化数字化改造（N+X）软硬件供货、部署与培训",
    "contract_budget": Decimal("260000"),
    "contract_duration_months": 3,
    "acceptance_method": "按县经商局轻量化改造验收标准，由企业、服务商与专家组现场验收",
    "rights_and_duties": "服务商负责部署与数据贯通，企业提供现场条件与数据",
    "breach_handling": "逾期交付按合同金额每日千分之一计违约金",
    "payment_settlement": "签约付30%，上线付40%，验收通过后付30%",
    "warranty_months": 12,
    "training": "管理层及一线操作人员各两次现场培训",
}


def demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF, so the demo's contract is a real document."""
    stream = f"BT /F1 12 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def demo_png(width=96, height=64) -> bytes:
    """A small valid PNG (a blue gradient), so the demo's evidence photo is a real image."""
    rows = b"".join(b"\x00" + b"".join(bytes((30, 80 + y * 2, 160 + x)) for x in range(width)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
