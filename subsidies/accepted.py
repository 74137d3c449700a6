"""Accepted projects written in bulk, as a finished acceptance leaves them (filing approved under the program's
active policy version and completed, review passed and announced, audit recorded, digital level assessed). The
demo, the tests of calculation runs and the run benchmark (100,000 projects) stand on it; the acceptance services
remain the way people do it."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from acceptance.models import AcceptanceReview, DigitalAssessment, FinancialAudit, ReviewStatus
from acceptance.selectors import rubric_for
from enterprises.models import EnterpriseProfile, OutputBand
from filings.models import Application, Status
from organisations import uscc
from organisations.models import Organisation, OrganisationKind
from policies.models import PolicyVersion, Scale, VersionStatus
from portal.core import versions

D = Decimal


@dataclass(frozen=True)
class ProjectSpec:
    enterprise: str
    industry: str  # industry code of the program
    decided_at: datetime  # when acceptance passed (aware)
    track: str = "lightweight"
    batch: int | None = None
    n_software: Decimal = D("0")
    n_hardware: Decimal = D("0")
    x_software: Decimal = D("0")
    x_hardware: Decimal = D("0")
    automation: Decimal = D("0")
    level: int | None = None  # the assessed level after transformation
    target_level: int | None = None  # the level the filing commits to (the assessed level when not given)
    status: str = ReviewStatus.ANNOUNCED
    township: object = None  # a Region, or None
    scale: str = Scale.ABOVE
    provider: object = None  # a PoolMembership, or None
    uscc: str = ""
    score: Decimal = D("85.00")  # the panel's mean score


def _codes(count: int) -> list[str]:
    """Valid, unused unified social credit codes."""
    start = Organisation.objects.filter(uscc__startswith="91330781MC").count()
    return [uscc.complete(f"91330781MC{start + n:07d}") for n in range(count)]


@transaction.atomic
def accepted_projects_create(program, specs: list[ProjectSpec], *, actor, batch_size: int = 2000) -> list[Application]:
    """Write the projects of `specs` in bulk and return their filings (in the order of `specs`), each priced under
    the version active now, as approval fixes it (none when the program has no active version)."""
    industries = {industry.code: industry for industry in program.industries.all()}
    batches = {batch.number: batch for batch in program.batches.all()}
    codes = iter(_codes(sum(1 for spec in specs if not spec.uscc)))
    prefix = f"{program.slug.upper()}-YS-"
    numbered = Application.objects.filter(program=program, filing_number__startswith=prefix).count()
    active = PolicyVersion.objects.filter(program=program, status=VersionStatus.ACTIVE).first()
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(uscc=spec.uscc or next(codes), name=spec.enterprise, kind=OrganisationKind.ENTERPRISE)
            for spec in specs
        ],
        batch_size=batch_size,
    )
    profiles = _profiles_create(program, specs, organisations, industries, batch_size)
    applications = Application.objects.bulk_create(
        [
            Application(
                program=program,
                enterprise=profile,
                track=spec.track,
                provider=spec.provider,
                title=f"{spec.enterprise}数字化改造",
                status=Status.APPROVED,
                filing_number=f"{prefix}{numbered + index + 1:06d}",
                batch=batches.get(spec.batch),
                policy_version=active,
                submitted_at=spec.decided_at - timedelta(days=120),
                decided_at=spec.decided_at - timedelta(days=110),
                completed_at=spec.decided_at - timedelta(days=20),
                created_by=actor,
            )
            for index, (spec, profile) in enumerate(zip(specs, profiles, strict=True))
        ],
        batch_size=batch_size,
    )
    reviews = _reviews_create(specs, applications, actor, batch_size)
    _audits_create(specs, reviews, actor, batch_size)
    _assessments_create(specs, applications, actor, batch_size)
    versions.bump(program.pk)  # bulk writes send no signal
    return applications


def _profiles_create(program, specs, organisations, industries, batch_size) -> list[EnterpriseProfile]:
    return EnterpriseProfile.objects.bulk_create(
        [
            EnterpriseProfile(
                program=program,
                organisation=organisation,
                industry=industries[spec.industry],
                township=spec.township,
                scale=spec.scale,
                output_band=OutputBand.UNDER_100M,
            )
            for spec, organisation in zip(specs, organisations, strict=True)
        ],
        batch_size=batch_size,
    )


def _reviews_create(specs, applications, actor, batch_size) -> list[AcceptanceReview]:
    """The acceptance reviews, each in its spec's status and score, under the program's acceptance rubric."""
    template = rubric_for(applications[0]) if applications else None
    return AcceptanceReview.objects.bulk_create(
        [
            AcceptanceReview(
                application=application,
                status=spec.status,
                template=template,
                deliverables="数字化改造交付物",
                declared_n_software=spec.n_software,
                declared_n_hardware=spec.n_hardware,
                declared_x_software=spec.x_software,
                declared_x_hardware=spec.x_hardware,
                declared_automation=spec.automation,
                requested_by=actor,
                financial_auditor=actor,
                score=spec.score,
                working=f"{spec.score}",
                decided_at=spec.decided_at,
                announcement_starts_on=spec.decided_at.date() + timedelta(days=1),
                announcement_ends_on=spec.decided_at.date() + timedelta(days=10),
            )
            for spec, application in zip(specs, applications, strict=True)
        ],
        batch_size=batch_size,
    )


def _audits_create(specs, reviews, actor, batch_size) -> None:
    FinancialAudit.objects.bulk_create(
        [
            FinancialAudit(
                review=review,
                auditor=actor,
                n_software=spec.n_software,
                n_hardware=spec.n_hardware,
                x_software=spec.x_software,
                x_hardware=spec.x_hardware,
                automation=spec.automation,
                conclusion="审计确认投资额",
            )
            for spec, review in zip(specs, reviews, strict=True)
        ],
        batch_size=batch_size,
    )


def _assessments_create(specs, applications, actor, batch_size) -> None:
    """The digital level assessed after the transformation, for the specs that give one."""
    DigitalAssessment.objects.bulk_create(
        [
            DigitalAssessment(
                application=application,
                phase="after",
                assessor=actor,
                assessed_on=spec.decided_at.date(),
                basics=D("40"),
                management=D("20") if spec.level >= 3 else D("10"),
                results=D("10"),
                scene_levels=[spec.level] * 16,
                level=spec.level,
                reason=f"{spec.level}级",
            )
            for spec, application in zip(specs, applications, strict=True)
            if spec.level is not None
        ],
        batch_size=batch_size,
    )
