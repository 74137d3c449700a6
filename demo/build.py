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
from demo.data import (
    BATCHES,
    CALENDAR,
    CALENDAR_2026,
    ENTERPRISES,
    EXPERT_ORGANISATIONS,
    OTHER_ORGANISATIONS,
    PILOTS,
    PROGRAMS,
    PROVIDERS,
    SECOND_ENTERPRISE,
    TARGETS,
)
from enterprises import target_list
from enterprises.models import EnterpriseProfile, PilotDesignation, TargetEnterprise, VerificationStatus
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
from programs.models import Batch, CalendarDay, Industry, Program, Region
from programs.selectors import open_batch
from programs.services import role_grant
from providers.models import PoolMembership
from providers.services import pool_membership_add
from rankings.kpi import kpi_targets_load

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


def _programs() -> dict:
    """The three programs with their reference data: regions, industries, scenario catalogue, policy versions, KPI
    targets, batches (and one open today) and the calendar."""
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
    return programs


def _enterprises(programs) -> dict:
    """The enterprises with their profile in each program; returns each program's first enterprise."""
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
    return enterprises


def _providers(programs) -> dict:
    """The providers with their membership of each program's pool; returns each program's first provider."""
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
    return providers


def _role_logins(programs, role_organisation, bureaus) -> list[Login]:
    """One login per role per program: of the organisation `role_organisation` gives the role, else the bureau's."""
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
    return logins


def _more_logins(slug, program) -> list[Login]:
    """The program's other experts and its second enterprise login."""
    prefix, logins = PROGRAM_LOGIN_PREFIX[slug], []
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
    return logins


@transaction.atomic
def demo_build() -> list[Login]:
    """Build (or complete) the demo and return its logins."""
    programs = _programs()
    enterprises = _enterprises(programs)
    providers = _providers(programs)
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
    logins = _role_logins(programs, role_organisation, bureaus)

    for slug, program in programs.items():
        logins += _more_logins(slug, program)
        admin = program_access(
            user=get_user_model().objects.get(username=f"{PROGRAM_LOGIN_PREFIX[slug]}-admin"), slug=slug
        )
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
