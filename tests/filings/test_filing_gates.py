"""The gates of submission and approval: each refusal names its field, and each rule is program or policy data.

Every test starts from a filing that passes every gate (so the refusal it shows comes from the one gate it
breaks) and asserts the exact field refused, then that mending that one thing lets it through."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from enterprises.models import PilotDesignation, TargetEnterprise
from filings.models import Application, Status
from filings.services import application_provider_respond, application_transition, application_update
from policies.models import PolicyParameter
from portal.core.errors import NotAllowed, PortalError
from portal.core.roles import Role
from programs.models import Batch, Program, Region, ScenarioModule
from tests.support.filings import DEMO_PROJECT, attach_contract, contract_fields, lines, new_draft
from tests.support.people import access_in, demo_user

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
access_of = access_in(SLUG)


@pytest.fixture(autouse=True)
def demo_project_completed(db):
    Application.objects.filter(program__slug=SLUG, title=DEMO_PROJECT).update(completed_at=timezone.now())


def enterprise():
    return access_of(demo_user(Role.ENTERPRISE))


def reviewer():
    return access_of(demo_user(Role.BUREAU_REVIEWER))


def refused_fields(application, action="submit", access=None, comment=""):
    with pytest.raises(PortalError) as error:
        application_transition(access=access or enterprise(), application=application, action=action, comment=comment)
    application.refresh_from_db()
    return set(error.value.fields)


def revise(application, **changes):
    fields = {"title": application.title, "track": application.track, **contract_fields("250000"), **changes}
    new_lines = fields.pop("lines", lines())
    return application_update(access=enterprise(), application=application, fields=fields, lines=new_lines)


def test_a_complete_filing_passes_every_gate():
    application = new_draft()
    submitted = application_transition(access=enterprise(), application=application, action="submit")
    assert submitted.status == Status.SUBMITTED


def test_submission_names_every_missing_contract_term_and_the_contract_file():
    application = new_draft()
    application.attachments.update(is_active=False)
    revise(application, contract_subject="", warranty_months=None, training="")
    assert refused_fields(application) == {"contract_subject", "warranty_months", "training", "attachments"}
    assert application.status == Status.DRAFT
    revise(application)
    attach_contract(enterprise(), application)
    assert application_transition(access=enterprise(), application=application, action="submit").status == "submitted"


def test_a_provider_selected_for_the_industry_is_required():
    application = new_draft()
    revise(application, provider=None)
    assert refused_fields(application) == {"provider"}


def test_the_contract_budget_equals_the_items_within_the_policy_tolerance():
    application = new_draft()  # items 200,000 + 50,000
    revise(application, contract_budget=Decimal("1.00"))
    assert refused_fields(application) == {"contract_budget"}
    revise(application, contract_budget=Decimal("249990.00"))
    assert refused_fields(application) == {"contract_budget"}
    PolicyParameter.objects.filter(
        version__program__slug=SLUG, version__status="active", track=None, key="contract_budget_tolerance"
    ).update(value=Decimal("10"))
    assert application_transition(access=enterprise(), application=application, action="submit").status == "submitted"


def test_each_catalogue_module_once_in_its_own_part_and_type():
    application = new_draft()
    software = ScenarioModule.objects.filter(program__slug=SLUG, kind="N", investment_category="software").first()
    hardware = ScenarioModule.objects.filter(program__slug=SLUG, kind="N", investment_category="hardware").first()
    item = {"description": "", "amount": Decimal("125000")}
    revise(
        application,
        lines=[
            {**item, "module": software, "part": "X", "category": "software"},
            {**item, "module": hardware, "part": "N", "category": "software"},
        ],
    )
    assert refused_fields(application) == {"lines"}
    revise(
        application,
        lines=[
            {**item, "module": software, "part": "N", "category": "software"},
            {**item, "module": software, "part": "N", "category": "software"},
        ],
    )
    with pytest.raises(PortalError) as error:
        application_transition(access=enterprise(), application=application, action="submit")
    assert set(error.value.fields) == {"lines"} and "2" in error.value.message


def test_submissions_only_inside_an_open_batch_of_a_running_program():
    application = new_draft()
    today = timezone.localdate()
    Batch.objects.filter(program__slug=SLUG, closes_on__gte=today).update(closes_on=today - timedelta(days=1))
    assert refused_fields(application) == {"batch"}
    Batch.objects.filter(program__slug=SLUG).order_by("-number").update(closes_on=today + timedelta(days=30))
    Program.objects.filter(slug=SLUG).update(ends_on=today - timedelta(days=1))
    assert refused_fields(application) == {"batch"}
    Program.objects.filter(slug=SLUG).update(ends_on=today + timedelta(days=30))
    assert application_transition(access=enterprise(), application=application, action="submit").status == "submitted"


def test_one_open_project_per_enterprise_and_track_as_policy_data():
    first = new_draft("第一个项目")
    application_transition(access=enterprise(), application=first, action="submit")
    second = new_draft("第二个项目")
    assert refused_fields(second) == {"track"}
    PolicyParameter.objects.filter(version__program__slug=SLUG, key="open_projects_max").update(value=Decimal("2"))
    assert application_transition(access=enterprise(), application=second, action="submit").status == "submitted"


def test_approval_waits_for_the_provider_to_accept():
    application = new_draft()
    application_transition(access=enterprise(), application=application, action="submit")
    assert refused_fields(application, "approve", reviewer()) == {"provider"}
    provider_user = get_user_model().objects.get(username="wuyi-provider")
    with pytest.raises(PortalError) as error:
        application_provider_respond(access=access_of(provider_user), application=application, decision="decline")
    assert set(error.value.fields) == {"comment"}
    application_provider_respond(
        access=access_of(provider_user), application=application, decision="decline", comment="排期已满"
    )
    assert refused_fields(application, "approve", reviewer()) == {"provider"}
    with pytest.raises(NotAllowed):
        application_provider_respond(access=enterprise(), application=application, decision="accept")
    application_provider_respond(access=access_of(provider_user), application=application, decision="accept")
    approved = application_transition(access=reviewer(), application=application, action="approve")
    assert approved.status == Status.APPROVED and approved.policy_version.code == "wuyi-2024-plan"
    steps = list(approved.transitions.values_list("action", flat=True))
    assert steps == ["submit", "provider_decline", "provider_accept", "approve"]


def test_approval_after_the_program_ended_needs_a_bureau_admins_reason():
    application = new_draft()
    application_transition(access=enterprise(), application=application, action="submit")
    Application.objects.filter(pk=application.pk).update(provider_response="accepted")
    Program.objects.filter(slug=SLUG).update(ends_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(NotAllowed):
        application_transition(access=reviewer(), application=application, action="approve")
    admin = access_of(demo_user(Role.BUREAU_ADMIN))
    assert refused_fields(application, "approve", admin) == {"comment"}
    approved = application_transition(
        access=admin, application=application, action="approve", comment="省厅批复延期验收，补录审核"
    )
    assert approved.status == Status.APPROVED
    assert approved.transitions.get(action="approve").comment == "省厅批复延期验收，补录审核"


def test_jinhua_pilot_needs_the_target_level_and_a_designated_pilot(client):
    slug = "jinhua-pilot"
    program = Program.objects.get(slug=slug)
    user = demo_user(Role.ENTERPRISE, slug)
    # Not (or no longer) a designated pilot, whatever the demo designated.
    PilotDesignation.objects.filter(program=program, target__uscc=user.organisation.uscc).update(is_active=False)
    client.force_login(user)
    base = f"/api/v1/programs/{slug}/applications/"
    body = {"title": "试点改造", "track": "pilot", "lines": [{"part": "N", "category": "software", "amount": "800000"}]}
    created = client.post(base, body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = client.post(f"{base}{pk}/transitions/", {"action": "submit"}, content_type="application/json")
    assert refused.status_code == 400
    fields = refused.json()["error"]["fields"]
    with translation.override("zh-hans"):
        stated = translation.gettext("State the digital level (2–4) the project commits to reach.")
    assert fields["target_level"] == [stated] and "track" in fields  # no level stated; not a designated pilot
    assert client.get(f"{base}{pk}/").json()["target_level"] is None
    client.put(f"{base}{pk}/", {**body, "target_level": 3}, content_type="application/json")
    assert client.get(f"{base}{pk}/").json()["target_level"] == 3
    organisation = user.organisation
    profile = program.enterprises.get(organisation=organisation)
    target = TargetEnterprise.objects.filter(
        program=program, uscc=organisation.uscc
    ).first() or TargetEnterprise.objects.create(
        program=program,
        uscc=organisation.uscc,
        name=organisation.name,
        industry=profile.industry,
        scale=profile.scale,
        township=Region.objects.filter(path__startswith=program.region.path, level="township").first(),
    )
    PilotDesignation.objects.create(
        program=program, target=target, industry=profile.industry, reason="试点名单", designated_by=user
    )
    again = client.post(f"{base}{pk}/transitions/", {"action": "submit"}, content_type="application/json")
    left = again.json()["error"]["fields"] if again.status_code == 400 else {}
    assert "target_level" not in left and "track" not in left


def test_a_level_estimate_before_acceptance_warns_instead_of_refusing_outside_the_pilot_years():
    from datetime import date

    from policies.quotes import QuoteInput, quote

    program = Program.objects.get(slug="jinhua-pilot")
    facts = {"track": "pilot", "industry": "garments", "level": 3, "total_investment": "1000000"}
    _version, inside = quote(program=program, data=QuoteInput(**facts, quoted_on=date(2025, 3, 1)))
    assert inside.eligible and inside.subsidy == Decimal("500000.00")  # year 1: 1,000,000 × 50 %
    assert inside.reasons == []
    _version, after = quote(program=program, data=QuoteInput(**facts, quoted_on=date(2026, 12, 7)))
    assert after.eligible and after.subsidy == Decimal("400000.00")  # the last year's 40 %, with a warning
    assert any("实施期后验收的项目不予补助" in reason for reason in after.reasons)
    _version, accepted = quote(program=program, data=QuoteInput(**facts, accepted_on=date(2026, 12, 7)))
    assert not accepted.eligible  # accepted after the pilot years: nothing is paid
