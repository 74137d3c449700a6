"""A province-sized data set for measuring the portal at scale (`manage.py seed_scale`).

Reproducible: every name, code, amount, state and date comes from `random.Random(seed)` and a fixed calendar, so
the same arguments give the same data set on any database. Written in bulk (`bulk_create` in chunks), never one
save per row, except the few rows per program that go through the services (programs, reference data, users and
roles, the calculation run and its approval).

Each generated program copies the reference data of the Wuyi program (industries, scenario catalogue, policy,
milestone templates) under its own slug `scale-NNN`. Its filings spread over every state of the workflow in fixed
shares (`STATE_SHARES`), and the approved ones over the stages after approval (`STAGE_SHARES`): in implementation
with milestones and progress posts, waiting for acceptance, accepted and announced, and paid through an approved
calculation run whose lines the ledger exports.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils.translation import gettext as _

from acceptance.models import AcceptanceReview, FinancialAudit, ReviewStatus
from acceptance.selectors import rubric_for
from acceptance.services import track_rubric_set
from demo.activity import RUBRICS, SHEETS
from enterprises.models import EnterpriseProfile, OutputBand, VerificationStatus
from filings.models import Application, ApplicationLine, Category, Part, Status
from implementation.models import Milestone, MilestoneTemplate, PostStatus, ProgressPost
from implementation.services import milestone_templates_load
from organisations import uscc
from organisations.models import Organisation, OrganisationKind
from policies.models import Scale
from portal.core import versions
from portal.core.errors import PortalError
from portal.core.money import round_fen
from portal.core.roles import Role
from portal.core.services import record_save
from programs import reference_data
from programs.access import ProgramAccess
from programs.models import Batch, Program, Region, RegionLevel, ScenarioModule
from programs.services import role_grant
from providers.models import PoolMembership, PoolStatus
from scoring.services import sheet_templates_load

SOURCE = "wuyi-2024"  # the seeded program whose reference data each generated program copies
SLUG_PREFIX = "scale-"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR = 2021
YEARS = 6  # programs start in 2021–2026, one after another
PROVIDERS_PER_PROGRAM = 15
SELECTED_PER_INDUSTRY = 3
ENTERPRISES_PER_APPLICATION = Decimal("0.87")  # some enterprises file more than once
CHUNK = 5_000
BATCH_DAYS = timedelta(days=119)  # each of the three yearly filing batches stays open four months

# Shares of all filings by workflow state (they add up to 1).
STATE_SHARES = {
    Status.DRAFT: Decimal("0.04"),
    Status.SUBMITTED: Decimal("0.06"),
    Status.RETURNED: Decimal("0.02"),
    Status.RESUBMITTED: Decimal("0.02"),
    Status.REJECTED: Decimal("0.04"),
    Status.WITHDRAWN: Decimal("0.02"),
    Status.APPROVED: Decimal("0.80"),
}
# Shares of the approved filings by stage after approval (they add up to 1).
STAGE_SHARES = {
    "implementing": Decimal("0.25"),  # milestones under way
    "acceptance": Decimal("0.10"),  # acceptance requested, panel or audit under way
    "accepted": Decimal("0.15"),  # passed, not yet announced: the next run's
    "paid": Decimal("0.50"),  # announced, calculated in an approved run and paid
}
ACCEPTANCE_STATUSES = (ReviewStatus.REQUESTED, ReviewStatus.PANEL, ReviewStatus.SCORING, ReviewStatus.AUDITED)

PLACES = [
    *("金华", "兰溪", "义乌", "东阳", "永康", "武义", "浦江"),
    *("磐安", "婺城", "金东", "衢州", "丽水", "台州", "温岭"),
]
BRANDS = list("宏达恒信瑞丰鑫隆盛泰华鼎力天成新源博远嘉德正通中科精工联合永安金达宇航")
TRADES = ["五金", "工具", "机电", "厨具", "门业", "休闲用品", "电器", "制品"]
SUFFIXES = ["有限公司", "股份有限公司", "制造有限公司", "科技有限公司"]
PROVIDER_TRADES = ["信息技术", "软件", "智能科技", "数字科技", "工业互联网"]


@dataclass
class ScaleSummary:
    """What was built: filings per program and per state, and the other rows in bulk."""

    seed: int
    programs: list[str] = field(default_factory=list)
    by_program: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_stage: Counter = field(default_factory=Counter)
    rows: Counter = field(default_factory=Counter)

    @property
    def applications(self) -> int:
        return sum(self.by_program.values())


def split(total: int, shares: dict) -> dict:
    """`total` split by `shares` (largest remainder): the parts add up to `total` exactly, in the shares' order.

    >>> split(10, {"a": Decimal("0.5"), "b": Decimal("0.25"), "c": Decimal("0.25")})
    {'a': 5, 'b': 3, 'c': 2}
    """
    exact = {key: Decimal(total) * share for key, share in shares.items()}
    parts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(shares, key=lambda key: (-(exact[key] - parts[key]), list(shares).index(key)))
    for key in by_remainder[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


def generated_code(seed: int, index: int) -> str:
    """A valid unified social credit code, distinct per (seed, index), in a range no real or demo code uses."""
    return uscc.complete(f"91330700G{uscc.ALPHABET[seed % 31]}{index:07d}")


def foreign_data_exists() -> bool:
    """True when the database holds programs or filings that `seed_scale` did not make."""
    return Program.objects.exclude(slug__startswith=SLUG_PREFIX).exists()


class ScaleBuilder:
    def __init__(self, *, applications: int, programs: int, seed: int, log=None):
        if applications < 1 or programs < 1:
            raise PortalError(_("Give at least one application and one program."))
        if programs > applications:
            raise PortalError(_("Give at least as many applications as programs."))
        self.total, self.program_count, self.seed = applications, programs, seed
        self.random = random.Random(seed)
        self.log = log or (lambda message: None)
        self.summary = ScaleSummary(seed=seed)
        self.password = make_password(None)  # unusable: generated users never log in with a password
        self.codes = 0

    # --- programs and their reference data --------------------------------------------------------------

    def build(self) -> ScaleSummary:
        if Program.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise PortalError(_("This database already holds a generated data set: use an empty database."))
        reference_data.regions_load()
        counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
        townships = {}
        for township in Region.objects.filter(level=RegionLevel.TOWNSHIP, parent__in=counties).order_by("code"):
            townships.setdefault(township.parent_id, []).append(township)
        per_program = split(self.total, {n: Decimal(1) / self.program_count for n in range(self.program_count)})
        with transaction.atomic():  # all or nothing: a failure leaves no half-built data set behind
            providers = self._provider_organisations()
            for number in range(self.program_count):
                county = counties[number % len(counties)]
                program = self._program(number + 1, county)
                self._fill(program, per_program[number], townships.get(county.pk, []), providers)
                self.log(f"{program.slug}: {per_program[number]} filings")
            versions.bump()  # the filings, lines and organisations were written in bulk, without signals
        if connection.vendor == "postgresql":
            # Bulk-loaded tables have no statistics and no visibility map until autovacuum comes by: the planner
            # needs the first, index-only scans the second. VACUUM cannot run inside a transaction (the tests).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        return self.summary

    def _program(self, number: int, county: Region) -> Program:
        year = FIRST_YEAR + (number - 1) % YEARS
        program = record_save(
            Program(
                slug=f"{SLUG_PREFIX}{number:03d}",
                region=county,
                name=f"{county.name}中小企业数字化改造（规模测试{number:03d}）",
                short_name=f"{county.name}数改{number:03d}",
                bureau_name=f"{county.name}经济和信息化局",
                starts_on=date(year, 1, 1),
                ends_on=date(year + 1, 12, 31),
                description="规模测试数据：按固定比例覆盖申报、审核、实施、验收与资金拨付的各个环节。",
            ),
            acting_user=None,
            reason="seed_scale",
        )
        reference_data.industries_load(program=program, source=SOURCE)
        reference_data.scenario_modules_load(program=program, source=SOURCE)
        from policies.services import policy_versions_load

        policy_versions_load(program=program, source=SOURCE)
        milestone_templates_load(program=program, tracks=["lightweight"])
        sheets = sheet_templates_load(program=program, sheets=SHEETS[SOURCE])
        templates = {template.code: template for template in sheets}
        for track, code in RUBRICS[SOURCE].items():
            track_rubric_set(program=program, track=track, template=templates[code])
        for batch_number, (month, name) in enumerate(((2, "第一批"), (6, "第二批"), (10, "第三批")), start=1):
            opens = date(year, month, 1)
            record_save(
                Batch(program=program, number=batch_number, name=name, opens_on=opens, closes_on=opens + BATCH_DAYS),
                acting_user=None,
                reason="seed_scale",
            )
        self.summary.programs.append(program.slug)
        return program

    def _users(self, program: Program, *, provider: Organisation, enterprise: Organisation) -> dict:
        """One user per role that the generated history needs (they never log in with a password)."""
        User = get_user_model()
        bureau = Organisation.objects.create(uscc=self._code(), name=program.bureau_name, kind=OrganisationKind.BUREAU)
        users = {}
        for role, suffix, organisation in (
            (Role.BUREAU_ADMIN, "admin", bureau),
            (Role.BUREAU_REVIEWER, "reviewer", bureau),
            (Role.BUREAU_REVIEWER, "reviewer2", bureau),
            (Role.AUDITOR, "auditor", bureau),
            (Role.PROVIDER, "provider", provider),
            (Role.ENTERPRISE, "enterprise", enterprise),
        ):
            user = User(
                username=f"{program.slug}-{suffix}",
                display_name=f"{program.short_name}·{suffix}",
                organisation=organisation,
                password=self.password,
            )
            user._history_user = None
            user.save()
            role_grant(program=program, user=user, role=role)
            users[suffix] = user
        return users

    def _provider_organisations(self) -> list[Organisation]:
        count = PROVIDERS_PER_PROGRAM * 2 + self.program_count // 2
        return Organisation.objects.bulk_create(
            [
                Organisation(
                    uscc=self._code(),
                    name=f"{self.random.choice(PLACES)}{''.join(self.random.sample(BRANDS, 2))}"
                    f"{self.random.choice(PROVIDER_TRADES)}{n:03d}有限公司",
                    kind=OrganisationKind.PROVIDER,
                )
                for n in range(count)
            ],
            batch_size=CHUNK,
        )

    def _code(self) -> str:
        self.codes += 1
        return generated_code(self.seed, self.codes)

    # --- one program's filings ---------------------------------------------------------------------------

    def _fill(self, program: Program, total: int, townships: list, providers: list) -> None:
        industries = list(program.industries.order_by("sort_order"))
        modules = list(ScenarioModule.objects.filter(program=program).order_by("number"))
        batches = list(program.batches.order_by("number"))
        memberships = self._memberships(program, industries, providers)
        selected = [m for m in memberships if m.status == PoolStatus.SELECTED]
        enterprises = self._enterprises(program, total, industries, townships)
        users = self._users(program, provider=selected[0].organisation, enterprise=enterprises[0].organisation)

        states = split(total, STATE_SHARES)
        stages = split(states[Status.APPROVED], STAGE_SHARES)
        plan = [status for status, count in states.items() for _n in range(count)]
        self.random.shuffle(plan)
        stage_plan = [stage for stage, count in stages.items() for _n in range(count)]
        self.random.shuffle(stage_plan)
        stage_of = iter(stage_plan)

        start = datetime.combine(program.starts_on, time(9), tzinfo=SHANGHAI)
        span = (program.ends_on - program.starts_on).days - 200
        applications, stage_by_index = [], {}
        for index, status in enumerate(plan):
            enterprise = enterprises[index % len(enterprises)]
            submitted = start + timedelta(days=self.random.randrange(max(span, 1)), minutes=self.random.randrange(600))
            batch = batches[min(len(batches) - 1, (submitted.date() - program.starts_on).days * len(batches) // 365)]
            application = Application(
                program=program,
                enterprise=enterprise,
                track="lightweight",
                provider=self.random.choice(selected) if status != Status.DRAFT else None,
                title=f"{enterprise._name}数字化改造项目",
                status=status,
                created_by=users["enterprise"],
                batch=batch if status != Status.DRAFT else None,
                filing_number=f"{program.slug.upper()}-{index + 1:06d}" if status != Status.DRAFT else "",
                submitted_at=None if status == Status.DRAFT else submitted,
                contract_budget=None,
            )
            if status in (Status.APPROVED, Status.REJECTED):
                application.decided_at = submitted + timedelta(days=12)
            if status == Status.APPROVED:
                stage = next(stage_of)
                stage_by_index[index] = stage
                application.implementation_deadline = (application.decided_at + timedelta(days=90)).date()
                if stage != "implementing":
                    application.completed_at = application.decided_at + timedelta(days=80)
            applications.append(application)
        applications = Application.objects.bulk_create(applications, batch_size=CHUNK)
        self.summary.by_program[program.slug] += total
        self.summary.by_status.update(states)
        self.summary.by_stage.update(stages)
        self.summary.rows["applications"] += len(applications)

        amounts = self._lines(applications, modules)
        approved = [(a, stage_by_index[i]) for i, a in enumerate(applications) if i in stage_by_index]
        self._implementation(program, approved, users)
        self._acceptance(approved, amounts, users)
        self._runs(program, users)

    def _memberships(self, program, industries, providers) -> list[PoolMembership]:
        chosen = self.random.sample(providers, PROVIDERS_PER_PROGRAM)
        memberships = PoolMembership.objects.bulk_create(
            [
                PoolMembership(
                    program=program,
                    organisation=organisation,
                    status=PoolStatus.SELECTED if n < SELECTED_PER_INDUSTRY * len(industries) else PoolStatus.POOL,
                    joined_on=program.starts_on,
                    local_support_staff=self.random.randrange(3, 20),
                )
                for n, organisation in enumerate(chosen)
            ]
        )
        through = PoolMembership.industries.through
        through.objects.bulk_create(
            [
                through(poolmembership_id=membership.pk, industry_id=industries[n % len(industries)].pk)
                for n, membership in enumerate(memberships)
            ]
        )
        self.summary.rows["pool memberships"] += len(memberships)
        return memberships

    def _enterprises(self, program, total, industries, townships) -> list[EnterpriseProfile]:
        count = max(1, int(Decimal(total) * ENTERPRISES_PER_APPLICATION))
        names = []
        for _index in range(count):
            place = self.random.choice(PLACES)
            brand = "".join(self.random.sample(BRANDS, 2))
            names.append(f"{place}{brand}{self.random.choice(TRADES)}{self.random.choice(SUFFIXES)}")
        organisations = Organisation.objects.bulk_create(
            [Organisation(uscc=self._code(), name=name, kind=OrganisationKind.ENTERPRISE) for name in names],
            batch_size=CHUNK,
        )
        profiles = EnterpriseProfile.objects.bulk_create(
            [
                EnterpriseProfile(
                    program=program,
                    organisation=organisation,
                    industry=self.random.choice(industries),
                    township=self.random.choice(townships) if townships else None,
                    scale=Scale.ABOVE if self.random.random() < 0.4 else Scale.BELOW,
                    output_band=OutputBand.UNDER_100M,
                    verification=VerificationStatus.VERIFIED,
                )
                for organisation in organisations
            ],
            batch_size=CHUNK,
        )
        for profile, name in zip(profiles, names, strict=True):
            profile._name = name
        self.summary.rows["enterprises"] += len(profiles)
        return profiles

    def _lines(self, applications, modules) -> dict:
        """Two to six items per filing from the program's catalogue; returns {application id: amounts by kind}."""
        lines, amounts = [], {}
        for application in applications:
            sums = {
                "n_software": Decimal(0),
                "n_hardware": Decimal(0),
                "x_software": Decimal(0),
                "x_hardware": Decimal(0),
                "automation": Decimal(0),
            }
            for number in range(self.random.randrange(2, 7)):
                part = Part.N if number < 2 else Part.X
                category = self.random.choice((Category.SOFTWARE, Category.SOFTWARE, Category.HARDWARE))
                amount = round_fen(Decimal(self.random.randrange(2_000_000, 40_000_000)) / 100)
                module = self.random.choice(modules) if modules else None
                lines.append(
                    ApplicationLine(application=application, module=module, part=part, category=category, amount=amount)
                )
                sums[f"{part.lower()}_{category}"] += amount
            amounts[application.pk] = sums
        self.summary.rows["filing lines"] += len(ApplicationLine.objects.bulk_create(lines, batch_size=CHUNK))
        return amounts

    def _implementation(self, program, approved, users) -> None:
        templates = list(MilestoneTemplate.objects.filter(program=program, track="lightweight").order_by("number"))
        milestones, posts = [], []
        for application, stage in approved:
            done = stage != "implementing"
            reached = len(templates) if done else self.random.randrange(0, len(templates) + 1)
            for template in templates:
                milestones.append(
                    Milestone(
                        application=application,
                        number=template.number,
                        name=template.name,
                        due_on=application.decided_at.date() + timedelta(days=template.due_days),
                        percent=100 if template.number <= reached else 0,
                    )
                )
        milestones = Milestone.objects.bulk_create(milestones, batch_size=CHUNK)
        by_application = {}
        for milestone in milestones:
            by_application.setdefault(milestone.application_id, []).append(milestone)
        for application, stage in approved:
            provider_user, enterprise_user = users["provider"], users["enterprise"]
            for milestone in by_application.get(application.pk, []):
                if milestone.percent == 100:
                    posts.append(
                        ProgressPost(
                            application=application,
                            milestone=milestone,
                            percent=100,
                            text=f"{milestone.name}已完成",
                            posted_by=provider_user,
                            status=PostStatus.CONFIRMED,
                            responded_by=enterprise_user,
                            claims_completion=stage != "implementing"
                            and milestone.number == len(by_application[application.pk]),
                        )
                    )
                else:
                    posts.append(
                        ProgressPost(
                            application=application,
                            milestone=milestone,
                            percent=50,
                            text=f"{milestone.name}进行中",
                            posted_by=provider_user,
                        )
                    )
                    break
        self.summary.rows["milestones"] += len(milestones)
        self.summary.rows["progress posts"] += len(ProgressPost.objects.bulk_create(posts, batch_size=CHUNK))

    def _acceptance(self, approved, amounts, users) -> None:
        accepted = [(a, s) for a, s in approved if s != "implementing"]
        if not accepted:
            return
        template = rubric_for(accepted[0][0])
        reviews = []
        for application, stage in accepted:
            done = stage in ("accepted", "paid")
            decided = application.completed_at + timedelta(days=25)
            sums = amounts[application.pk]
            reviews.append(
                AcceptanceReview(
                    application=application,
                    status={"paid": ReviewStatus.ANNOUNCED, "accepted": ReviewStatus.PASSED}.get(
                        stage, self.random.choice(ACCEPTANCE_STATUSES)
                    ),
                    template=template,
                    deliverables="系统上线运行，数据采集覆盖主要工序",
                    requested_by=users["reviewer"],
                    financial_auditor=users["auditor"] if done else None,
                    score=Decimal(self.random.randrange(7000, 9800)) / 100 if done else None,
                    decided_at=decided if done else None,
                    announcement_starts_on=decided.date() + timedelta(days=1) if stage == "paid" else None,
                    announcement_ends_on=decided.date() + timedelta(days=8) if stage == "paid" else None,
                    **{f"declared_{key}": value for key, value in sums.items()},
                )
            )
        reviews = AcceptanceReview.objects.bulk_create(reviews, batch_size=CHUNK)
        audits = FinancialAudit.objects.bulk_create(
            [
                FinancialAudit(
                    review=review,
                    auditor=users["auditor"],
                    conclusion="审计确认投资额",
                    **amounts[review.application_id],
                )
                for review in reviews
                if review.status in (ReviewStatus.ANNOUNCED, ReviewStatus.PASSED)
            ],
            batch_size=CHUNK,
        )
        self.summary.rows["acceptance reviews"] += len(reviews)
        self.summary.rows["financial audits"] += len(audits)

    def _runs(self, program, users) -> None:
        """One run per program, through the services: calculated, reviewed and approved by another reviewer. It
        takes the announced projects; the paid ones are those the earlier announcement dates put in it."""
        from subsidies import approvals, runs
        from subsidies.models import RunLine

        creator = ProgramAccess(program=program, user=users["reviewer"], roles=frozenset({Role.BUREAU_REVIEWER}))
        approver = ProgramAccess(program=program, user=users["reviewer2"], roles=frozenset({Role.BUREAU_REVIEWER}))
        run = runs.run_create(access=creator, title=_("Generated run"))
        run = runs.run_calculate(run_id=run.pk)
        run = runs.run_review(access=creator, run=run)
        run = approvals.run_approve(access=approver, run=run, background=False)
        paid_on = max(program.starts_on + timedelta(days=400), date(FIRST_YEAR, 1, 1))
        runs.run_pay_remaining(access=approver, run=run, paid_on=paid_on, voucher=f"{program.slug.upper()}-PAY-1")
        self.summary.rows["run lines"] += RunLine.objects.filter(run=run).count()


def scale_build(*, applications: int, programs: int = 1, seed: int = 1, log=None) -> ScaleSummary:
    """Build the data set: `applications` filings spread evenly over `programs` generated programs."""
    return ScaleBuilder(applications=applications, programs=programs, seed=seed, log=log).build()
