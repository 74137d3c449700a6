"""Sample enterprises of the demo's Wuyi program: accepted projects to apply with, and the whole workflow through
the services (apply, co-sign, check on site, designate)."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from acceptance.models import ReviewStatus
from demo.activity import demo_png
from portal.core.roles import Role
from programs.models import Program, ScenarioModule
from providers.models import PoolMembership
from samples import services
from subsidies.accepted import ProjectSpec, accepted_projects_create
from tests.factories import ApplicationLineFactory, user_with_role
from tests.support.clock import at
from tests.support.people import WUYI, access_in, user

D = Decimal
PNG = demo_png()  # a real image: uploads are decoded
access_of = access_in(WUYI)


def photo(name="现场.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def membership(username="wuyi-provider", slug=WUYI):
    return PoolMembership.objects.get(program__slug=slug, organisation=user(username).organisation)


def accepted(
    industry="kitchenware",
    count=1,
    slug=WUYI,
    provider="wuyi-provider",
    status=ReviewStatus.ANNOUNCED,
    name="样本候选",
    lines=True,
):
    """`count` accepted projects of `industry` with their provider, filed lines and an enterprise login each:
    [(project, enterprise user)]."""
    program = Program.objects.get(slug=slug)
    specs = [
        ProjectSpec(
            f"{name}{industry}{n}",
            industry,
            at("2025-01-10"),
            batch=3 if slug == WUYI else None,
            n_software=D("280000"),
            status=status,
            provider=membership(provider, slug) if provider else None,
        )
        for n in range(count)
    ]
    projects = accepted_projects_create(program, specs, actor=user(f"{slug.split('-')[0]}-reviewer"))
    modules = list(ScenarioModule.objects.filter(program=program).order_by("number")[:3])
    rows = []
    for project in projects:
        if lines:
            for module, part, category, amount in (
                (modules[0], "N", "software", D("180000.00")),
                (modules[1], "N", "hardware", D("100000.00")),
                (None, "X", "hardware", D("60000.50")),
            ):
                ApplicationLineFactory(
                    application=project,
                    module=module,
                    part=part,
                    category=category,
                    description=f"{project.title}-{part}",
                    amount=amount,
                )
        owner = user_with_role(program, Role.ENTERPRISE, organisation=project.enterprise.organisation)
        rows.append((project, owner))
    return rows


def designated(project, owner, provider="wuyi-provider", reviewer="wuyi-reviewer", photos=1):
    """The whole workflow through the services: apply, join, check, designate."""
    item = services.sample_apply(
        access=access_of(owner),
        application=project,
        statement="订单交付周期缩短30%",
        photos=[photo(f"p{n}.png") for n in range(photos)],
    )
    services.sample_cosign(access=access_of(provider), sample_application=item, statement="按N+X清单交付")
    bureau = access_of(reviewer)
    services.sample_check_record(
        access=bureau,
        sample_application=item,
        checked_on=date(2025, 2, 1),
        experts="王专家、李专家",
        association_representatives="行业协会陈代表",
        findings="与申报一致",
        recommends=True,
    )
    return services.sample_designate(
        access=bureau,
        sample_application=item,
        reason="成效显著",
        reference="武经商〔2025〕6号",
        decided_on=date(2025, 2, 10),
    )
