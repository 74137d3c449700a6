"""Demo subcontracts (分包): in Wuyi and in the Jinhua pilot, one approved project in implementation names a
subcontractor from the program's pool in its filing, with shares that add up, and the subcontractor posts one
update on its part that the enterprise confirms. Wuyi's is its project in implementation (`demo.activity`
files it with these terms); the Jinhua pilot's is filed here by `jinhua-enterprise2`, answered, approved and
updated through the services as their people in the last weeks. Called by `seed_demo` after `demo_build`;
idempotent (a part that has an update is left as it is)."""

from contextlib import nullcontext
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from demo.activity import DEMO_CONTRACT, demo_day, demo_pdf
from filings.models import Application, Status
from filings.services import application_create, application_provider_respond, application_transition, attachment_add
from implementation.services import progress_post, progress_respond
from notifications.selectors import role_holders
from policies.selectors import active_track_list
from portal.core.money import round_fen
from portal.core.roles import Role
from programs.access import program_access
from programs.models import Program, ScenarioModule
from programs.services import role_grant
from providers.models import PoolMembership, PoolStatus

PREFIX = {"wuyi-2024": "wuyi", "jinhua-pilot": "jinhua"}
LEAD_SHARE = Decimal("70.00")
SCOPE = {
    "wuyi-2024": "产线数据采集终端安装与设备联网",
    "jinhua-pilot": "磁材烧结工序数据采集与能耗监测",
}
PART_TEXT = "完成首批 8 台设备的数据采集终端安装并联调，数据已接入平台。"
# A project for a program whose demo has none in implementation (the Jinhua pilot).
FALLBACK_TITLE = "磁材产线数字化改造（分包示范）"
FALLBACK_BUDGET = Decimal("600000")
# Days before today: the fallback filed (the enterprise designated a pilot five days earlier on a pilot-only
# track), answered by its lead contractor, approved, its first milestone reported done by the lead contractor;
# the subcontractor's update on its part; each update confirmed by the enterprise the next day.
FILED, ANSWERED, APPROVED, LEAD_POSTED, POSTED = 40, 39, 35, 14, 12


def subcontract_terms(program, lead, budget) -> tuple[dict, list[dict]]:
    """What a demo filing of `program` with lead contractor `lead` and `budget` says of its contractors: the lead's
    share (fields `lead_work_share`, `lead_amount`) and one subcontracted part for a provider of the pool, a
    selected one first, then the earliest. ({}, []) when the pool holds no other provider."""
    candidates = PoolMembership.objects.filter(program=program).exclude(pk=lead.pk).exclude(status=PoolStatus.REMOVED)
    membership = min(candidates, key=lambda m: (m.status != PoolStatus.SELECTED, m.pk), default=None)
    if membership is None:
        return {}, []
    lead_amount = round_fen(budget * LEAD_SHARE / 100)
    part = {
        "membership": membership,
        "scope": SCOPE[program.slug],
        "work_share": Decimal("100.00") - LEAD_SHARE,
        "amount": budget - lead_amount,
    }
    return {"lead_work_share": LEAD_SHARE, "lead_amount": lead_amount}, [part]


@transaction.atomic
def demo_subcontracts_build() -> list[Application]:
    """Have each demo program's subcontractor report on its part; returns the projects touched."""
    done = []
    for slug, prefix in PREFIX.items():
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            continue
        project = _project(program, prefix)
        part = project and project.subcontracts.filter(is_active=True).order_by("pk").first()
        if part is None or part.posts.exists():
            continue
        _part_update(project, part, prefix)
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
    enterprise_user, reviewer = _user(f"{prefix}-enterprise2"), _user(f"{prefix}-reviewer")
    if not (enterprise_user and reviewer):
        return None
    return _fallback(program, enterprise_user, reviewer)


def _fallback(program, enterprise_user, reviewer):
    """File, answer and approve the fallback project through the services as its people, then its lead contractor
    reports the first milestone done and the enterprise confirms it, on the days of FILED … LEAD_POSTED before
    today; on a pilot-only track the bureau admin first designates the enterprise a pilot."""
    from demo.runs import demo_townships, pilot_designated, provider_for, provider_login

    profile = program.enterprises.select_related("industry", "organisation").get(
        organisation=enterprise_user.organisation
    )
    track = active_track_list(program=program).first()
    lead = provider_for(program, profile.industry.code)
    lead_terms, subcontracts = subcontract_terms(program, lead, FALLBACK_BUDGET)
    today = timezone.localdate()
    if track.parameters.filter(key="pilots_only", value=1, qualifier="").exists():
        with demo_day(today - timedelta(days=FILED + 5)):
            pilot_designated(
                program,
                name=profile.organisation.name,
                township=profile.township or demo_townships(program)[0],
                industry_code=profile.industry.code,
                admin_user=_user(f"{PREFIX[program.slug]}-admin"),
            )
    enterprise = program_access(user=enterprise_user, slug=program.slug)
    with demo_day(today - timedelta(days=FILED)):
        fields = {
            **DEMO_CONTRACT,
            **lead_terms,
            "title": FALLBACK_TITLE,
            "track": track.code,
            "provider": lead,
            "contract_budget": FALLBACK_BUDGET,
            "contract_subject": "磁材产线数字化改造服务合同",
        }
        if track.kind == "level_year":
            fields["target_level"] = 3
        module = ScenarioModule.objects.filter(program=program, is_active=True).order_by("number").first()
        line = {
            "module": module,
            "part": "N",
            "category": "software",
            "description": "生产执行与能耗监测",
            "amount": FALLBACK_BUDGET,
        }
        project = application_create(access=enterprise, fields=fields, lines=[line], subcontracts=subcontracts)
        attachment_add(
            access=enterprise,
            application=project,
            kind="contract",
            upload=SimpleUploadedFile("数字化改造服务合同.pdf", demo_pdf("contract"), content_type="application/pdf"),
        )
        application_transition(access=enterprise, application=project, action="submit")
    implementer = program_access(user=provider_login(program, lead), slug=program.slug)
    with demo_day(today - timedelta(days=ANSWERED)):
        application_provider_respond(access=implementer, application=project, decision="accept")
    with demo_day(today - timedelta(days=APPROVED)):
        application_transition(
            access=program_access(user=reviewer, slug=program.slug),
            application=project,
            action="approve",
            comment="同意备案",
        )
    project = Application.objects.get(pk=project.pk)
    first = project.milestones.filter(is_active=True).order_by("number").first()
    with demo_day(today - timedelta(days=LEAD_POSTED)):
        post = progress_post(
            access=implementer,
            application=project,
            milestone=first,
            percent=100,
            text="完成诊断评估，改造方案经企业确认。",
        )
    with demo_day(today - timedelta(days=LEAD_POSTED - 1)):
        progress_respond(access=enterprise, post=post, confirm=True, response="方案已确认。")
    return project


def _subcontractor_user(program, membership, prefix):
    """A PROVIDER user of the subcontractor's organisation in the program; `<prefix>-subcontractor` if none."""
    existing = role_holders(program, Role.PROVIDER, membership.organisation_id)
    if existing:
        return sorted(existing, key=lambda user: user.username)[0]
    from demo.build import _user as demo_user

    user = demo_user(
        f"{prefix}-subcontractor",
        display_name=f"{membership.organisation.name}·分包",
        organisation=membership.organisation,
    )
    role_grant(program=program, user=user, role=Role.PROVIDER)
    return user


def _part_update(project, part, prefix):
    """The subcontractor reports 60 % of its part under the first milestone and the enterprise confirms it: on the
    fallback's days before today, else now (Wuyi's project is filed today)."""
    program = project.program
    enterprise_user = sorted(
        role_holders(program, Role.ENTERPRISE, project.enterprise.organisation_id), key=lambda user: user.username
    )[0]
    subcontractor = _subcontractor_user(program, part.membership, prefix)
    milestone = project.milestones.filter(is_active=True).order_by("number").first()
    today = timezone.localdate()

    def on(days_before):
        return demo_day(today - timedelta(days=days_before)) if project.title == FALLBACK_TITLE else nullcontext()

    with on(POSTED):
        post = progress_post(
            access=program_access(user=subcontractor, slug=program.slug),
            application=project,
            milestone=milestone,
            percent=60,
            text=PART_TEXT,
            subcontract=part,
        )
    with on(POSTED - 1):
        progress_respond(
            access=program_access(user=enterprise_user, slug=program.slug),
            post=post,
            confirm=True,
            response="现场核验属实。",
        )
