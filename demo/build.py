"""The demo data set: three programs with their reference data, organisations and one login per role.

Idempotent: everything is looked up by its natural key first, so running it again changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from demo.activity import demo_activity_build
from enterprises import target_list
from enterprises.models import EnterpriseProfile, OutputBand, PilotDesignation, TargetEnterprise, VerificationStatus
from enterprises.pilots import pilot_designate
from enterprises.services import enterprise_profile_create
from organisations import uscc
from organisations.models import Organisation, OrganisationKind
from organisations.services import organisation_create
from policies.models import Scale
from policies.services import policy_versions_load
from portal.core.roles import Role
from portal.core.services import record_save
from programs import reference_data
from programs.access import program_access
from programs.models import Batch, CalendarDay, CalendarDayKind, Industry, Program, Region
from programs.selectors import open_batch
from programs.services import role_grant
from providers.models import PoolMembership, PoolStatus
from providers.services import pool_membership_add
from rankings.kpi import kpi_targets_load

PROGRAMS = [
    {
        "slug": "wuyi-2024",
        "region": "330723",
        "name": "武义县细分行业中小企业轻量级数字化改造",
        "name_en": "Wuyi County lightweight digital transformation of SMEs in key industries",
        "short_name": "武义轻量级数改",
        "short_name_en": "Wuyi lightweight",
        "bureau_name": "武义县经济商务局",
        "bureau_name_en": "Wuyi County Bureau of Economy and Commerce",
        "policy_reference": "武制高办〔2024〕2号",
        "starts_on": date(2024, 4, 29),
        "ends_on": date(2025, 12, 31),
        "is_public": True,
        "description": "以餐厨用品、电动工具、休闲用品、五金加工、门等5个行业为重点细分行业，采取“N+X”改造方式。",
        "catalogue_industries": [],
    },
    {
        "slug": "yongkang-2024",
        "region": "330784",
        "name": "永康市学样仿样推广中小企业数字化改造",
        "name_en": "Yongkang City “learn from samples” SME digital transformation",
        "short_name": "永康学样仿样",
        "short_name_en": "Yongkang samples",
        "bureau_name": "永康市经济和信息化局",
        "bureau_name_en": "Yongkang City Bureau of Economy and Information Technology",
        "policy_reference": "关于深入实施学样仿样推广法 加快中小企业数字化改造的意见（征求意见稿）",
        "starts_on": date(2024, 6, 1),
        "ends_on": date(2025, 12, 31),
        "is_public": True,
        "description": (
            "“行业云平台+小快轻准产品服务”模式，推进电动（园林）工具行业“中级数智工厂”建设及规下企业SaaS推广。"
        ),
        "catalogue_industries": ["power-tools"],
    },
    {
        "slug": "jinhua-pilot",
        "region": "3307",
        "name": "金华市中小企业数字化转型城市试点",
        "name_en": "Jinhua City national pilot of SME digital transformation",
        "short_name": "金华城市试点",
        "short_name_en": "Jinhua pilot",
        "bureau_name": "金华市经济和信息化局",
        "bureau_name_en": "Jinhua City Bureau of Economy and Information Technology",
        "policy_reference": "金华市中小企业数字化转型城市试点实施方案",
        "starts_on": date(2024, 9, 1),
        "ends_on": date(2026, 9, 30),
        "is_public": False,
        "description": "聚焦电动工具、磁性材料、服装3个行业，按数字化水平等级给予补助，中央与地方资金1:1.5配套。",
        "catalogue_industries": [],
    },
]

BATCHES = {
    "wuyi-2024": [
        (1, "第一批", date(2024, 5, 6), date(2024, 7, 31)),
        (2, "第二批", date(2024, 8, 1), date(2024, 11, 30)),
        (3, "第三批", date(2024, 12, 1), date(2025, 6, 30)),
    ],
    "yongkang-2024": [
        (1, "第一批", date(2024, 6, 1), date(2024, 12, 31)),
        (2, "第二批", date(2025, 1, 1), date(2025, 6, 30)),
    ],
    "jinhua-pilot": [
        (1, "2024年度", date(2024, 9, 1), date(2024, 12, 31)),
        (2, "2025年度", date(2025, 1, 1), date(2025, 12, 31)),
    ],
}

CALENDAR = [
    (date(2024, 9, 14), CalendarDayKind.WORKDAY, "中秋节调休上班"),
    (date(2024, 9, 16), CalendarDayKind.HOLIDAY, "中秋节"),
    (date(2024, 9, 17), CalendarDayKind.HOLIDAY, "中秋节"),
    (date(2024, 9, 29), CalendarDayKind.WORKDAY, "国庆节调休上班"),
    *[(date(2024, 10, day), CalendarDayKind.HOLIDAY, "国庆节") for day in range(1, 8)],
    (date(2024, 10, 12), CalendarDayKind.WORKDAY, "国庆节调休上班"),
    (date(2025, 1, 1), CalendarDayKind.HOLIDAY, "元旦"),
    (date(2025, 1, 26), CalendarDayKind.WORKDAY, "春节调休上班"),
    *[(date(2025, 1, day), CalendarDayKind.HOLIDAY, "春节") for day in range(28, 32)],
    *[(date(2025, 2, day), CalendarDayKind.HOLIDAY, "春节") for day in range(1, 5)],
    (date(2025, 2, 8), CalendarDayKind.WORKDAY, "春节调休上班"),
]


def _days(first: date, last: date, kind, name):
    return [(first + timedelta(days=n), kind, name) for n in range((last - first).days + 1)]


# The State Council's 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知).
CALENDAR_2026 = [
    *_days(date(2026, 1, 1), date(2026, 1, 3), CalendarDayKind.HOLIDAY, "元旦"),
    (date(2026, 1, 4), CalendarDayKind.WORKDAY, "元旦调休上班"),
    (date(2026, 2, 14), CalendarDayKind.WORKDAY, "春节调休上班"),
    *_days(date(2026, 2, 15), date(2026, 2, 23), CalendarDayKind.HOLIDAY, "春节"),
    (date(2026, 2, 28), CalendarDayKind.WORKDAY, "春节调休上班"),
    *_days(date(2026, 4, 4), date(2026, 4, 6), CalendarDayKind.HOLIDAY, "清明节"),
    *_days(date(2026, 5, 1), date(2026, 5, 5), CalendarDayKind.HOLIDAY, "劳动节"),
    (date(2026, 5, 9), CalendarDayKind.WORKDAY, "劳动节调休上班"),
    *_days(date(2026, 6, 19), date(2026, 6, 21), CalendarDayKind.HOLIDAY, "端午节"),
    (date(2026, 9, 20), CalendarDayKind.WORKDAY, "国庆节调休上班"),
    *_days(date(2026, 9, 25), date(2026, 9, 27), CalendarDayKind.HOLIDAY, "中秋节"),
    *_days(date(2026, 10, 1), date(2026, 10, 7), CalendarDayKind.HOLIDAY, "国庆节"),
    (date(2026, 10, 10), CalendarDayKind.WORKDAY, "国庆节调休上班"),
]

# (program, name, industry code, township code or None, scale, output band, specialised, little giant, level)
ENTERPRISES = [
    (
        "wuyi-2024",
        "浙江武义炊具制造有限公司",
        "kitchenware",
        "330723.01",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "武义县金厨不锈钢制品有限公司",
        "kitchenware",
        "330723.06",
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        True,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "浙江壶山电动工具有限公司",
        "power-tools",
        "330723.02",
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        True,
        2,
    ),
    (
        "wuyi-2024",
        "武义泉溪五金工具厂",
        "hardware",
        "330723.07",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        0,
    ),
    (
        "wuyi-2024",
        "浙江熟溪休闲用品有限公司",
        "leisure",
        "330723.03",
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        False,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "武义桐琴门业有限公司",
        "doors",
        "330723.06",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "武义王宅机械配件有限公司",
        "other",
        "330723.09",
        Scale.BELOW,
        OutputBand.UNDER_100M,
        False,
        False,
        0,
    ),
    (
        "yongkang-2024",
        "永康市江南防盗门有限公司",
        "security-doors",
        "330784.03",
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        False,
        2,
    ),
    (
        "yongkang-2024",
        "浙江芝英保温杯有限公司",
        "thermos-cups",
        "330784.14",
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        False,
        False,
        1,
    ),
    (
        "yongkang-2024",
        "永康古山健康休闲器材厂",
        "health-leisure",
        "330784.07",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
    (
        "yongkang-2024",
        "浙江方岩园林工具有限公司",
        "power-tools",
        "330784.08",
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        True,
        2,
    ),
    (
        "yongkang-2024",
        "永康市石柱小型电动工具厂",
        "power-tools",
        "330784.04",
        Scale.BELOW,
        OutputBand.UNDER_100M,
        False,
        False,
        0,
    ),
    (
        "jinhua-pilot",
        "浙江壶山电动工具有限公司",
        "power-tools",
        None,
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        True,
        2,
    ),
    (
        "jinhua-pilot",
        "金华东磁磁性材料有限公司",
        "magnetic-materials",
        None,
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        False,
        2,
    ),
    (
        "jinhua-pilot",
        "义乌市锦绣服装有限公司",
        "garments",
        None,
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        False,
        False,
        1,
    ),
    (
        "jinhua-pilot",
        "兰溪市纺织服饰有限公司",
        "garments",
        None,
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
]

# (name, {program: (industry codes, status)})
PROVIDERS = [
    (
        "浙江数智工联科技有限公司",
        {
            "wuyi-2024": (["kitchenware", "hardware"], PoolStatus.SELECTED),
            "jinhua-pilot": (["power-tools", "garments"], PoolStatus.SELECTED),
        },
    ),
    (
        "金华云工厂信息技术有限公司",
        {
            "wuyi-2024": (["power-tools", "leisure"], PoolStatus.SELECTED),
            "yongkang-2024": (["power-tools"], PoolStatus.SELECTED),
        },
    ),
    (
        "杭州轻量化软件服务有限公司",
        {
            "wuyi-2024": (["doors", "kitchenware"], PoolStatus.POOL),
            "yongkang-2024": (["security-doors", "thermos-cups"], PoolStatus.SELECTED),
        },
    ),
    ("永康五金云平台运营有限公司", {"yongkang-2024": (["health-leisure", "thermos-cups"], PoolStatus.POOL)}),
    ("金华磁材数字化服务有限公司", {"jinhua-pilot": (["magnetic-materials"], PoolStatus.SELECTED)}),
]

OTHER_ORGANISATIONS = [
    ("武义县经济商务局", OrganisationKind.BUREAU, "11330723"),
    ("永康市经济和信息化局", OrganisationKind.BUREAU, "11330784"),
    ("金华市经济和信息化局", OrganisationKind.BUREAU, "11330700"),
    ("武义县五金行业协会", OrganisationKind.ASSOCIATION, "51330723"),
    ("浙江之江会计师事务所有限公司", OrganisationKind.AUDIT_FIRM, "91330100"),
    ("金华智能制造研究院", OrganisationKind.INSTITUTION, "12330700"),
    ("浙江正衡工程监理有限公司", OrganisationKind.SUPERVISION_FIRM, "91330700"),
]

# The acceptance panel's other experts (`<prefix>-expert2`, `-expert3`): organisations that neither file nor
# implement projects, so no conflict of interest keeps them off a panel.
EXPERT_ORGANISATIONS = [
    ("浙江师范大学", OrganisationKind.INSTITUTION, "12330000"),
    ("金华职业技术学院", OrganisationKind.INSTITUTION, "12330700"),
]

# A second enterprise login per program (`<prefix>-enterprise2`): the demo's projects in implementation are
# theirs, so the first demo enterprise may file on its track today.
SECOND_ENTERPRISE = {
    "wuyi-2024": "武义县金厨不锈钢制品有限公司",
    "yongkang-2024": "浙江芝英保温杯有限公司",
    "jinhua-pilot": "金华东磁磁性材料有限公司",
}

# The target lists (摸底企业清单) the bureaus import, beyond the program's own enterprises that have a township:
# (name, township code, industry code, scale as the template writes it).
TARGETS = {
    "wuyi-2024": [
        ("武义履坦厨具有限公司", "330723.05", "kitchenware", "规上"),
        ("武义桃溪五金制品厂", "330723.10", "hardware", "规下"),
        ("武义开发区电动工具有限公司", "330723.19", "power-tools", "规上"),
        ("武义柳城休闲用品厂", "330723.04", "leisure", "规下"),
    ],
    "yongkang-2024": [
        ("永康市象珠保温杯厂", "330784.11", "thermos-cups", "规下"),
        ("永康市西城防盗门有限公司", "330784.02", "security-doors", "规上"),
        ("永康市龙山电动工具有限公司", "330784.09", "power-tools", "规上"),
    ],
    # The city's list in its counties that have townships here: power-tool makers of Wuyi and Yongkang.
    "jinhua-pilot": [
        ("浙江壶山电动工具有限公司", "330723.02", "power-tools", "规上"),
        ("浙江方岩园林工具有限公司", "330784.08", "power-tools", "规上"),
        ("永康市石柱小型电动工具厂", "330784.04", "power-tools", "规下"),
    ],
}
# Designated pilots (试点企业) of the Jinhua pilot, from its target list: (name, reason).
PILOTS = {
    "jinhua-pilot": [
        ("浙江壶山电动工具有限公司", "电动工具行业专精特新“小巨人”，改造意愿强、管理基础好，可复制性强"),
    ],
}

ROLE_LOGIN = {
    Role.BUREAU_ADMIN: "admin",
    Role.BUREAU_REVIEWER: "reviewer",
    Role.SUPERVISOR: "supervisor",
    Role.ENTERPRISE: "enterprise",
    Role.PROVIDER: "provider",
    Role.COMMITTEE_MEMBER: "committee",
    Role.EXPERT: "expert",
    Role.FINANCIAL_AUDITOR: "finaudit",
    Role.AUDITOR: "auditor",
    Role.SUPERVISION_FIRM: "supervision",
}
PROGRAM_LOGIN_PREFIX = {"wuyi-2024": "wuyi", "yongkang-2024": "yongkang", "jinhua-pilot": "jinhua"}
MULTI_PROGRAM_REVIEWER = "reviewer"
PLATFORM_ADMIN = "platform"


@dataclass
class Login:
    username: str
    program: str
    role: str
    organisation: str


def _serial_code(prefix8: str, name: str) -> str:
    """A stable, valid USCC for a demo organisation, derived from its name."""
    digits = sum((index + 1) * ord(char) for index, char in enumerate(name))
    return uscc.complete(f"{prefix8}MA{digits % 10_000_000:07d}")


def _organisation(name, kind, prefix8):
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    return organisation_create(
        uscc=_serial_code(prefix8, name),
        name=name,
        kind=kind,
        address=f"浙江省金华市 {name}",
        contact_name="联系人",
        contact_phone="0579-80000000",
    )


def _program(spec) -> Program:
    program = Program.objects.filter(slug=spec["slug"]).first()
    if program:
        return program
    fields = {key: value for key, value in spec.items() if key not in {"region", "catalogue_industries"}}
    program = Program(region=Region.objects.get(code=spec["region"]), **fields)
    return record_save(program, acting_user=None, reason="demo data")


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    # One hash for every demo login: hashing is deliberately slow, and every demo login shares one password.
    return make_password(settings.DEMO_PASSWORD)


def _user(username, *, display_name, organisation=None, is_staff=False, is_superuser=False):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user:
        return user
    user = User(
        username=username,
        display_name=display_name,
        organisation=organisation,
        is_staff=is_staff,
        is_superuser=is_superuser,
        email=f"{username}@demo.shugai.local",
    )
    user.password = _demo_password_hash()
    user._history_user = None
    user.save()
    return user


def _current_window(program):
    """The demo's programs take filings today: a batch of the current year after the seeded ones, and the
    program's end moved to the end of that year where it came earlier (the bureau's data, as a bureau extends a
    program)."""
    today = timezone.localdate()
    year_end = date(today.year, 12, 31)
    if Batch.objects.filter(program=program, opens_on__lte=today, closes_on__gte=today).exists():
        return
    last = Batch.objects.filter(program=program).order_by("-number").first()
    number = (last.number if last else 0) + 1
    opens_on = max(date(today.year, 1, 1), last.closes_on + timedelta(days=1) if last else program.starts_on)
    record_save(
        Batch(
            program=program, number=number, name=f"{today.year}年度第{number}批", opens_on=opens_on, closes_on=year_end
        ),
        acting_user=None,
        reason="demo data",
    )
    if program.ends_on is not None and program.ends_on < year_end:
        program.ends_on = year_end
        record_save(program, acting_user=None, reason="demo data: the program takes filings this year")


def _target_list(admin) -> None:
    """Import the program's target list as its bureau admin would, through the Excel import; rows already on the
    list are left out, so importing again adds nothing."""
    program = admin.program
    rows = [
        (name, township, industry, "规上" if scale == Scale.ABOVE else "规下")
        for slug, name, industry, township, scale, *_rest in ENTERPRISES
        if slug == program.slug and township
    ]
    rows += [row for row in TARGETS.get(program.slug, []) if row[0] not in {r[0] for r in rows}]
    listed = set(TargetEnterprise.objects.filter(program=program).values_list("uscc", flat=True))
    book = Workbook()
    sheet = book.active
    sheet.append(target_list.COLUMNS)
    count = 0
    for name, township, industry, scale in rows:
        existing = Organisation.objects.filter(name=name).first()
        code = existing.uscc if existing else _serial_code(f"91{township[:6]}", name)
        if code in listed:
            continue
        sheet.append([code, name, township, industry, scale, "联系人", "0579-80000000"])
        count += 1
    if not count:
        return
    out = BytesIO()
    book.save(out)
    report = target_list.target_list_import(program=program, acting_user=admin.user, content=out.getvalue())
    if not report.ok:
        raise RuntimeError(f"demo target list of {program.slug}: {report.errors}")


def _pilots(admin) -> None:
    """Designate the program's demo pilots from its target list, in the batch open today."""
    program = admin.program
    for name, reason in PILOTS.get(program.slug, []):
        target = TargetEnterprise.objects.get(program=program, name=name)
        if PilotDesignation.objects.filter(target=target, is_active=True).exists():
            continue
        today = timezone.localdate()
        pilot_designate(access=admin, target=target, reason=reason, decided_on=today, batch=open_batch(program, today))


@transaction.atomic
def demo_build() -> list[Login]:
    """Build (or complete) the demo and return its logins."""
    reference_data.regions_load()
    programs = {}
    for spec in PROGRAMS:
        program = _program(spec)
        programs[program.slug] = program
        reference_data.industries_load(program=program)
        reference_data.scenario_modules_load(program=program, industry_codes=spec["catalogue_industries"])
        policy_versions_load(program=program)
        kpi_targets_load(program=program)
        for number, name, opens_on, closes_on in BATCHES[program.slug]:
            if not Batch.objects.filter(program=program, number=number).exists():
                record_save(
                    Batch(program=program, number=number, name=name, opens_on=opens_on, closes_on=closes_on),
                    acting_user=None,
                    reason="demo data",
                )
        _current_window(program)
        for day, kind, name in CALENDAR + CALENDAR_2026:
            if not CalendarDay.objects.filter(program=program, date=day).exists():
                record_save(
                    CalendarDay(program=program, date=day, kind=kind, name=name),
                    acting_user=None,
                    reason="demo data",
                )

    enterprises = {}
    for slug, name, industry, township, scale, band, specialised, giant, level in ENTERPRISES:
        program = programs[slug]
        organisation = _organisation(name, OrganisationKind.ENTERPRISE, f"91{program.region.code[:6]:0<6}")
        enterprises.setdefault(slug, organisation)
        if not EnterpriseProfile.objects.filter(program=program, organisation=organisation).exists():
            enterprise_profile_create(
                program=program,
                organisation=organisation,
                industry=Industry.objects.get(program=program, code=industry),
                township=Region.objects.get(code=township) if township else None,
                scale=scale,
                output_band=band,
                is_specialised=specialised,
                is_little_giant=giant,
                digital_level_before=level,
                verification=VerificationStatus.VERIFIED,
            )

    providers = {}
    for name, memberships in PROVIDERS:
        organisation = _organisation(name, OrganisationKind.PROVIDER, "91330700")
        for slug, (codes, status) in memberships.items():
            program = programs[slug]
            providers.setdefault(slug, organisation)
            if not PoolMembership.objects.filter(program=program, organisation=organisation).exists():
                pool_membership_add(
                    program=program,
                    organisation=organisation,
                    industries=list(Industry.objects.filter(program=program, code__in=codes)),
                    joined_on=program.starts_on,
                    status=status,
                    local_support_staff=6,
                    qualifications="软件企业认定；ISO 9001；本地化服务团队",
                )

    others = {kind: _organisation(name, kind, prefix) for name, kind, prefix in OTHER_ORGANISATIONS}
    bureaus = {
        "wuyi-2024": Organisation.objects.get(name="武义县经济商务局"),
        "yongkang-2024": Organisation.objects.get(name="永康市经济和信息化局"),
        "jinhua-pilot": Organisation.objects.get(name="金华市经济和信息化局"),
    }
    role_organisation = {
        Role.ENTERPRISE: lambda slug: enterprises[slug],
        Role.PROVIDER: lambda slug: providers[slug],
        Role.COMMITTEE_MEMBER: lambda slug: others[OrganisationKind.ASSOCIATION],
        Role.EXPERT: lambda slug: others[OrganisationKind.INSTITUTION],
        Role.FINANCIAL_AUDITOR: lambda slug: others[OrganisationKind.AUDIT_FIRM],
        Role.SUPERVISOR: lambda slug: bureaus["jinhua-pilot"],
        Role.SUPERVISION_FIRM: lambda slug: others[OrganisationKind.SUPERVISION_FIRM],
    }

    logins = []
    for slug, program in programs.items():
        for role, suffix in ROLE_LOGIN.items():
            organisation = role_organisation.get(role, lambda s: bureaus[s])(slug)
            username = f"{PROGRAM_LOGIN_PREFIX[slug]}-{suffix}"
            user = _user(
                username,
                display_name=f"{program.short_name}·{role.label}",
                organisation=organisation,
                is_staff=role == Role.BUREAU_ADMIN,
            )
            role_grant(program=program, user=user, role=role)
            logins.append(Login(username, slug, role, organisation.name))

    for slug, program in programs.items():
        prefix = PROGRAM_LOGIN_PREFIX[slug]
        for number, (name, kind, code_prefix) in enumerate(EXPERT_ORGANISATIONS, start=2):
            organisation = _organisation(name, kind, code_prefix)
            user = _user(
                f"{prefix}-expert{number}",
                display_name=f"{program.short_name}·{Role.EXPERT.label}{number}",
                organisation=organisation,
            )
            role_grant(program=program, user=user, role=Role.EXPERT)
            logins.append(Login(user.username, slug, Role.EXPERT, organisation.name))
        if slug in SECOND_ENTERPRISE:
            organisation = Organisation.objects.get(name=SECOND_ENTERPRISE[slug])
            user = _user(
                f"{prefix}-enterprise2",
                display_name=f"{program.short_name}·{Role.ENTERPRISE.label}2",
                organisation=organisation,
            )
            role_grant(program=program, user=user, role=Role.ENTERPRISE)
            logins.append(Login(user.username, slug, Role.ENTERPRISE, organisation.name))
        admin = program_access(user=get_user_model().objects.get(username=f"{prefix}-admin"), slug=slug)
        _target_list(admin)
        _pilots(admin)

    reviewer = _user(
        MULTI_PROGRAM_REVIEWER, display_name="金华市审核员（多项目）", organisation=bureaus["jinhua-pilot"]
    )
    for slug, program in programs.items():
        role_grant(program=program, user=reviewer, role=Role.BUREAU_REVIEWER)
        logins.append(Login(MULTI_PROGRAM_REVIEWER, slug, Role.BUREAU_REVIEWER, bureaus["jinhua-pilot"].name))
    demo_activity_build(
        programs=programs,
        prefix=PROGRAM_LOGIN_PREFIX,
        user_factory=_user,
        organisations=others,
    )
    _user(PLATFORM_ADMIN, display_name="平台运维管理员", is_staff=True, is_superuser=True)
    logins.append(Login(PLATFORM_ADMIN, "*", "superuser", ""))
    return logins
