"""Demo subcontracts (分包): in Wuyi and in the Jinhua pilot, one approved project in implementation gets a
subcontractor from the program's pool, shares that add up, and one update on its part the enterprise confirmed.
Called by `seed_demo` after `demo_build`; idempotent (a project that has a subcontract is left as it is)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from enterprises.models import EnterpriseProfile
from filings.models import Application, ApplicationLine, Part, Status
from filings.services import _checked_contractors, _replace_subcontracts
from implementation.services import milestones_create, progress_post, progress_respond
from notifications.selectors import role_holders
from portal.core.money import round_fen
from portal.core.roles import Role
from portal.core.services import record_save
from programs.access import program_access
from programs.models import Program, ScenarioModule
from programs.services import role_grant
from providers.models import PoolMembership, PoolStatus
from subsidies.models import PolicyTrack, VersionStatus

PREFIX = {"wuyi-2024": "wuyi", "jinhua-pilot": "jinhua"}
LEAD_SHARE = Decimal("70.00")
SCOPE = {
    "wuyi-2024": "产线数据采集终端安装与设备联网",
    "jinhua-pilot": "磁材烧结工序数据采集与能耗监测",
}
PART_TEXT = "完成首批 8 台设备的数据采集终端安装并联调，数据已接入平台。"
# A project for a program whose demo has none in implementation (the Jinhua pilot).
FALLBACK_TITLE = "磁材产线数字化改造（分包示范）"


@transaction.atomic
def demo_subcontracts_build() -> list[Application]:
    """Give each demo program's project in implementation a subcontractor; returns the projects touched."""
    done = []
    for slug, prefix in PREFIX.items():
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            continue
        project = _project(program, prefix)
        if project is None or project.subcontracts.filter(is_active=True).exists():
            continue
        candidates = PoolMembership.objects.filter(program=program).exclude(pk=project.provider_id)
        candidates = candidates.exclude(status=PoolStatus.REMOVED).select_related("organisation")
        # A selected provider first, then the earliest in the pool.
        membership = min(candidates, key=lambda m: (m.status != PoolStatus.SELECTED, m.pk), default=None)
        if membership is None:
            continue
        _subcontract(project, membership, prefix)
        done.append(project)
    return done


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _project(program, prefix):
    """The program's approved project in implementation with a lead contractor, or a new one for the demo."""
    found = (
        Application.objects.filter(
            program=program, status=Status.APPROVED, completed_at__isnull=True, provider__isnull=False
        )
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    # The second demo enterprise's, so the demo enterprise login keeps its track free to file.
    enterprise_user, provider_user = _user(f"{prefix}-enterprise2"), _user(f"{prefix}-provider")
    reviewer = _user(f"{prefix}-reviewer")
    if not (enterprise_user and provider_user and reviewer):
        return None
    profile = EnterpriseProfile.objects.filter(program=program, organisation=enterprise_user.organisation).first()
    lead = PoolMembership.objects.filter(program=program, organisation=provider_user.organisation).first()
    track = PolicyTrack.objects.filter(version__program=program, version__status=VersionStatus.ACTIVE).first()
    if not (profile and lead and track):
        return None
    today = timezone.localdate()
    now = timezone.now()
    # Written as approval leaves it (demo data): the workflow itself is shown by Wuyi's project.
    project = record_save(
        Application(
            program=program,
            enterprise=profile,
            provider=lead,
            track=track.code,
            title=FALLBACK_TITLE,
            status=Status.APPROVED,
            filing_number=f"{program.slug.upper()}-FB-{today:%Y}-00001",
            submitted_at=now - datetime.timedelta(days=40),
            decided_at=now - datetime.timedelta(days=30),
            implementation_deadline=today + datetime.timedelta(days=150),
            created_by=enterprise_user,
            contract_subject="磁材产线数字化改造服务合同",
        ),
        acting_user=reviewer,
        reason="demo data",
    )
    record_save(
        ApplicationLine(
            application=project,
            module=ScenarioModule.objects.filter(program=program, is_active=True).first(),
            part=Part.N,
            category="software",
            description="生产执行与能耗监测",
            amount=Decimal("320000.00"),
        ),
        acting_user=enterprise_user,
        reason="demo data",
    )
    milestones_create(application=project, approved_on=today - datetime.timedelta(days=30), acting_user=reviewer)
    return project


def _subcontractor_user(program, membership, prefix):
    """A PROVIDER user of the subcontractor's organisation in the program; `<prefix>-subcontractor` if none."""
    existing = role_holders(program, Role.PROVIDER, membership.organisation_id)
    if existing:
        return sorted(existing, key=lambda user: user.username)[0]
    from programs.demo import _user as demo_user

    user = demo_user(
        f"{prefix}-subcontractor",
        display_name=f"{membership.organisation.name}·分包",
        organisation=membership.organisation,
    )
    role_grant(program=program, user=user, role=Role.PROVIDER)
    return user


def _subcontract(project, membership, prefix):
    program = project.program
    enterprise_user = sorted(
        role_holders(program, Role.ENTERPRISE, project.enterprise.organisation_id), key=lambda user: user.username
    )[0]
    budget = project.contract_budget or sum(
        (line.amount for line in project.lines.filter(is_active=True)), Decimal("0.00")
    )
    lead_amount = round_fen(budget * LEAD_SHARE / 100)
    lead_share, lead_amount, rows = _checked_contractors(
        program=program,
        provider=project.provider,
        budget=budget,
        lead_share=LEAD_SHARE,
        lead_amount=lead_amount,
        items=[
            {
                "membership": membership,
                "scope": SCOPE[program.slug],
                "work_share": Decimal("100.00") - LEAD_SHARE,
                "amount": budget - lead_amount,
            }
        ],
    )
    project.contract_budget, project.lead_work_share, project.lead_amount = budget, lead_share, lead_amount
    record_save(project, acting_user=enterprise_user, reason="demo data")
    _replace_subcontracts(project, rows, enterprise_user)
    part = project.subcontracts.get(is_active=True)
    subcontractor = _subcontractor_user(program, membership, prefix)
    milestone = project.milestones.filter(is_active=True).order_by("number").first()
    post = progress_post(
        access=program_access(user=subcontractor, slug=program.slug),
        application=project,
        milestone=milestone,
        percent=60,
        text=PART_TEXT,
        subcontract=part,
    )
    progress_respond(
        access=program_access(user=enterprise_user, slug=program.slug),
        post=post,
        confirm=True,
        response="现场核验属实。",
    )
