"""Filings of the demo's Wuyi program as its enterprise makes them through the services: N+X lines, the contract
fields, the contract attached."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.activity import DEMO_CONTRACT, demo_pdf
from filings.models import Application
from filings.services import application_create, attachment_add
from portal.core.roles import Role
from programs.models import ScenarioModule
from tests.support.people import WUYI, access_in, demo_user

SLUG = WUYI
DEMO_PROJECT = "炊具车间轻量化数字化改造"
access_of = access_in(SLUG)


def lines(n="200000", x="50000"):
    module = ScenarioModule.objects.filter(program__slug=SLUG, kind="N", investment_category="software").first()
    return [
        {"module": module, "part": "N", "category": "software", "description": "", "amount": Decimal(n)},
        {"module": None, "part": "X", "category": "hardware", "description": "定制看板", "amount": Decimal(x)},
    ]


def contract_fields(budget, slug=SLUG):
    """The nine contract fields of the province's template, the provider of the demo's project (selected for the
    demo enterprise's industry) and the budget the lines add up to."""
    provider = Application.objects.get(program__slug="wuyi-2024", title=DEMO_PROJECT).provider if slug == SLUG else None
    return {**DEMO_CONTRACT, "contract_budget": Decimal(budget), **({"provider": provider} if provider else {})}


def attach_contract(access, application):
    upload = SimpleUploadedFile("合同.pdf", demo_pdf(f"contract {application.pk}"), content_type="application/pdf")
    attachment_add(access=access, application=application, kind="contract", upload=upload)


def new_draft(title="车间数字化改造", attach=True):
    enterprise = access_of(demo_user(Role.ENTERPRISE))
    application = application_create(
        access=enterprise, fields={"title": title, "track": "lightweight", **contract_fields("250000")}, lines=lines()
    )
    if attach:
        attach_contract(enterprise, application)
    return application


def stored_files():
    """Every file stored under MEDIA_ROOT, sorted."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path) for path in root.rglob("*") if path.is_file())
