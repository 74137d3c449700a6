"""Lead contractor (总包商) and subcontractors (分包), seed 001 §9–§10 and seed 004 §5: the shares add up through the
service, the page and the API; a subcontractor reports on its own part only and never for the whole; the lead
answers for the whole in the horse race and at acceptance; lists and pages do not grow with subcontracts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from acceptance import services as acceptance
from enterprises.models import EnterpriseProfile
from filings import services
from filings.models import Application, Status, Subcontract
from filings.selectors import application_get, application_list
from implementation import services as implementation
from implementation.models import PostStatus, ProgressPost
from implementation.services import milestones_create
from organisations.models import OrganisationKind
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Role
from programs.models import Program, ScenarioModule
from providers.models import PoolMembership, PoolStatus
from rankings import horse_race
from tests.factories import (
    EnterpriseProfileFactory,
    IndustryFactory,
    OrganisationFactory,
    PoolMembershipFactory,
    ProgramFactory,
    UserFactory,
    user_with_role,
)
from tests.support.pages import page_queries_sql
from tests.support.people import access_in
from tests.support.people import user as person

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
D = Decimal


access_of = access_in(SLUG)


@pytest.fixture
def program():
    return Program.objects.get(slug=SLUG)


@pytest.fixture
def lead(program):
    return PoolMembership.objects.get(program=program, organisation=person("wuyi-provider").organisation)


def new_subcontractor(program, name):
    """A provider of the program's pool with one PROVIDER user; returns (membership, user)."""
    membership = PoolMembershipFactory(
        program=program, organisation=OrganisationFactory(name=name, kind=OrganisationKind.PROVIDER)
    )
    return membership, user_with_role(program, Role.PROVIDER, organisation=membership.organisation)


@pytest.fixture
def sub_a(program):
    return new_subcontractor(program, "分包商甲科技有限公司")


@pytest.fixture
def sub_b(program):
    return new_subcontractor(program, "分包商乙科技有限公司")


def lines():
    module = ScenarioModule.objects.filter(program__slug=SLUG, kind="N").first()
    return [
        {"module": module, "part": "N", "category": "software", "description": "", "amount": D("200000")},
        {"module": None, "part": "X", "category": "hardware", "description": "采集终端", "amount": D("60000")},
    ]


def fields(lead, **changes):
    return {
        "title": "分包测试项目",
        "track": "lightweight",
        "provider": lead,
        "contract_budget": D("260000.00"),
        "lead_work_share": D("70.00"),
        "lead_amount": D("182000.00"),
        **changes,
    }


def part(membership, share="30.00", amount="78000.00", scope="产线数据采集终端安装"):
    return {"membership": membership, "scope": scope, "work_share": D(share), "amount": D(amount)}


# 1. The shares add up: service, page and API alike; nothing is saved on refusal.


def test_a_filing_whose_shares_add_up_is_saved(lead, sub_a, sub_b):
    application = services.application_create(
        access=access_of("wuyi-enterprise"),
        fields=fields(lead, lead_work_share=D("50"), lead_amount=D("130000")),
        lines=lines(),
        subcontracts=[
            part(sub_a[0], "30", "78000"),
            part(sub_b[0], "20", "52000", scope="员工培训"),
        ],
    )
    application.refresh_from_db()
    assert (application.lead_work_share, application.lead_amount) == (D("50.00"), D("130000.00"))
    rows = list(application.subcontracts.filter(is_active=True).order_by("id"))
    assert [(r.membership, r.scope, r.work_share, r.amount, r.percent) for r in rows] == [
        (sub_a[0], "产线数据采集终端安装", D("30.00"), D("78000.00"), 0),
        (sub_b[0], "员工培训", D("20.00"), D("52000.00"), 0),
    ]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"lead_work_share": D("60")}, "lead_work_share"),  # 60 + 30 = 90 %
        ({"lead_amount": D("180000")}, "lead_amount"),  # 180,000 + 78,000 ≠ 260,000
        ({"contract_budget": None}, "contract_budget"),
        ({"lead_work_share": None}, "lead_work_share"),
        ({"provider": None}, "provider"),
    ],
)
def test_shares_that_do_not_add_up_are_refused_by_the_service(lead, sub_a, change, key):
    before = (Application.objects.count(), Subcontract.objects.count())
    with pytest.raises(PortalError) as refused:
        services.application_create(
            access=access_of("wuyi-enterprise"),
            fields=fields(lead, **change),
            lines=lines(),
            subcontracts=[part(sub_a[0])],
        )
    assert key in refused.value.fields
    assert (Application.objects.count(), Subcontract.objects.count()) == before


def test_subcontractors_are_other_providers_of_the_programs_pool(program, lead, sub_a):
    enterprise = access_of("wuyi-enterprise")
    elsewhere = PoolMembershipFactory(program=Program.objects.get(slug="yongkang-2024"))
    removed = PoolMembershipFactory(program=program, status=PoolStatus.REMOVED)
    cases = [
        [part(lead)],  # the lead is not its own subcontractor
        [part(elsewhere)],  # another program's provider
        [part(removed)],  # removed from the pool
        [part(sub_a[0], "15", "39000"), part(sub_a[0], "15", "39000", scope="培训")],  # named twice
    ]
    before = Subcontract.objects.count()
    for parts in cases:
        with pytest.raises(PortalError) as refused:
            services.application_create(access=enterprise, fields=fields(lead), lines=lines(), subcontracts=parts)
        assert f"subcontracts.{len(parts) - 1}.membership" in refused.value.fields, parts
    assert Subcontract.objects.count() == before


def test_a_revision_replaces_the_subcontracts_and_keeps_the_old_rows(lead, sub_a, sub_b):
    enterprise = access_of("wuyi-enterprise")
    application = services.application_create(
        access=enterprise, fields=fields(lead), lines=lines(), subcontracts=[part(sub_a[0])]
    )
    first = application.subcontracts.get()
    services.application_update(
        access=enterprise,
        application=application,
        fields=fields(lead, lead_work_share=D("80"), lead_amount=D("208000")),
        lines=lines(),
        subcontracts=[part(sub_b[0], "20", "52000")],
    )
    first.refresh_from_db()
    assert not first.is_active
    assert [(r.membership, r.work_share) for r in application.subcontracts.filter(is_active=True)] == [
        (sub_b[0], D("20.00"))
    ]
    assert first.history.count() == 2  # filed, then taken off: recorded, never deleted
    # Left out, the subcontracts stay; the shares must still add up with the budget as revised.
    with pytest.raises(PortalError) as refused:
        services.application_update(
            access=enterprise,
            application=application,
            fields=fields(lead, lead_work_share=D("80"), lead_amount=D("208000"), contract_budget=D("300000")),
            lines=lines(),
        )
    assert "lead_amount" in refused.value.fields
    # Without subcontractors the lead's share is not kept.
    services.application_update(
        access=enterprise, application=application, fields=fields(lead), lines=lines(), subcontracts=[]
    )
    application.refresh_from_db()
    assert application.lead_work_share is None and not application.subcontracts.filter(is_active=True).exists()
    # Once submitted, nothing changes.
    services.application_update(
        access=enterprise, application=application, fields=fields(lead), lines=lines(), subcontracts=[part(sub_a[0])]
    )
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
    with pytest.raises(Conflict):
        services.application_update(
            access=enterprise, application=application, fields=fields(lead), lines=lines(), subcontracts=[]
        )
    assert application.subcontracts.filter(is_active=True).count() == 1


def form_post(lead, rows, **changes):
    module = ScenarioModule.objects.filter(program__slug=SLUG, kind="N").first()
    data = {
        "title": "分包页面申报",
        "track": "lightweight",
        "provider": str(lead.pk),
        "contract_budget": "260000",
        "lead_work_share": "70",
        "lead_amount": "182,000",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-module": str(module.pk),
        "lines-0-part": "N",
        "lines-0-category": "software",
        "lines-0-description": "",
        "lines-0-amount": "300000",
        "subcontracts-TOTAL_FORMS": str(len(rows) + 1),
        "subcontracts-INITIAL_FORMS": "0",
        "subcontracts-MIN_NUM_FORMS": "0",
        "subcontracts-MAX_NUM_FORMS": "1000",
        **changes,
    }
    for index, row in enumerate(rows):
        data.update({f"subcontracts-{index}-{key}": value for key, value in row.items()})
    data.update({f"subcontracts-{len(rows)}-{key}": "" for key in ("membership", "scope", "work_share", "amount")})
    return data


def test_the_page_refuses_shares_that_do_not_add_up_and_keeps_what_was_typed(client, lead, sub_a):
    client.force_login(person("wuyi-enterprise"))
    row = {"membership": str(sub_a[0].pk), "scope": "设备联网改造分包", "work_share": "20", "amount": "78,000"}
    before = Application.objects.count()
    refused = client.post(f"/p/{SLUG}/filings/new/", form_post(lead, [row]))
    assert refused.status_code == 200
    assert "lead_work_share" in refused.context["form"].errors  # 70 + 20 = 90 %
    page = refused.content.decode()
    assert "设备联网改造分包" in page and 'value="182,000"' in page and 'value="78,000"' in page
    assert Application.objects.count() == before

    other = PoolMembershipFactory(program=Program.objects.get(slug="yongkang-2024"))
    wrong = client.post(f"/p/{SLUG}/filings/new/", form_post(lead, [{**row, "membership": str(other.pk)}]))
    assert wrong.status_code == 200 and wrong.context["subcontracts"].forms[0].errors["membership"]

    same = client.post(
        f"/p/{SLUG}/filings/new/", form_post(lead, [{**row, "membership": str(lead.pk), "work_share": "30"}])
    )
    assert same.status_code == 200 and same.context["subcontracts"].forms[0].errors["membership"]
    assert Application.objects.count() == before

    saved = client.post(f"/p/{SLUG}/filings/new/", form_post(lead, [{**row, "work_share": "30"}]))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    application = Application.objects.get(title="分包页面申报")
    assert application.subcontracts.get().amount == D("78000.00") and application.lead_amount == D("182000.00")

    # The edit page shows the rows as filed; the detail page lists the contractors.
    edit = client.get(f"/p/{SLUG}/filings/{application.pk}/edit/")
    assert edit.context["subcontracts"].forms[0].initial["scope"] == "设备联网改造分包"
    detail = client.get(f"/p/{SLUG}/filings/{application.pk}/")
    assert "设备联网改造分包" in detail.content.decode() and sub_a[0].organisation.name in detail.content.decode()


def api_body(lead, parts, **changes):
    module = ScenarioModule.objects.filter(program__slug=SLUG, kind="N").first()
    return {
        "title": "分包接口申报",
        "track": "lightweight",
        "provider": lead.pk,
        "contract_budget": "260000.00",
        "lead_work_share": "70.00",
        "lead_amount": "182000.00",
        "lines": [{"module": module.pk, "part": "N", "category": "software", "amount": "300000"}],
        "subcontracts": parts,
        **changes,
    }


def test_the_api_gets_the_same_refusals(client, lead, sub_a):
    client.force_login(person("wuyi-enterprise"))
    url = f"/api/v1/programs/{SLUG}/applications/"
    row = {"membership": sub_a[0].pk, "scope": "接口分包范围", "work_share": "30.00", "amount": "78000.00"}
    before = Application.objects.count()
    for changes, key in [
        ({"lead_work_share": "60.00"}, "lead_work_share"),
        ({"lead_amount": "1000.00"}, "lead_amount"),
        ({"subcontracts": [{**row, "membership": lead.pk}]}, "subcontracts.0.membership"),
        (
            {"subcontracts": [{**row, "membership": PoolMembershipFactory(program=ProgramFactory()).pk}]},
            "subcontracts.0.membership",
        ),
    ]:
        refused = client.post(url, api_body(lead, [row], **changes), content_type="application/json")
        assert refused.status_code == 400, refused.content
        assert key in refused.json()["error"]["fields"]
    assert Application.objects.count() == before

    created = client.post(url, api_body(lead, [row]), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    detail = client.get(f"{url}{pk}/").json()
    assert detail["lead_work_share"] == "70.00" and detail["subcontracts"][0]["scope"] == "接口分包范围"
    listed = client.get(reverse("api:application-subcontracts", kwargs={"program": SLUG, "application": pk})).json()
    assert listed["lead_amount"] == "182000.00"
    assert [(s["membership"], s["work_share"], s["amount"], s["percent"]) for s in listed["subcontracts"]] == [
        (sub_a[0].pk, "30.00", "78000.00", 0)
    ]
    # A PUT that leaves the subcontracts out keeps them; one that gives 90 % is refused and changes nothing.
    body = api_body(lead, [row], title="改名")
    del body["subcontracts"]
    assert client.put(f"{url}{pk}/", body, content_type="application/json").status_code == 200
    assert Subcontract.objects.filter(application_id=pk, is_active=True).count() == 1
    bad = client.put(f"{url}{pk}/", api_body(lead, [{**row, "work_share": "20.00"}]), content_type="application/json")
    assert bad.status_code == 400 and "lead_work_share" in bad.json()["error"]["fields"]
    assert Application.objects.get(pk=pk).title == "改名"


# 2. A subcontractor reports on its own part only.


@pytest.fixture
def project(program, lead, sub_a, sub_b):
    """An approved Wuyi project of the demo provider (the lead), with two subcontracted parts."""
    enterprise = person("wuyi-enterprise")
    application = Application.objects.create(
        program=program,
        enterprise=EnterpriseProfile.objects.get(program=program, organisation=enterprise.organisation),
        provider=lead,
        track="lightweight",
        title="分包实施项目",
        status=Status.APPROVED,
        filing_number="SUB-TEST-0001",
        submitted_at=timezone.now() - timedelta(days=30),
        decided_at=timezone.now() - timedelta(days=20),
        implementation_deadline=timezone.localdate() + timedelta(days=120),
        created_by=enterprise,
        contract_budget=D("260000"),
        lead_work_share=D("50"),
        lead_amount=D("130000"),
    )
    milestones_create(application=application, approved_on=timezone.localdate(), acting_user=person("wuyi-reviewer"))
    for membership, share, amount, scope in ((sub_a[0], "30", "78000", "数据采集"), (sub_b[0], "20", "52000", "培训")):
        Subcontract.objects.create(
            application=application, membership=membership, scope=scope, work_share=D(share), amount=D(amount)
        )
    return application


def parts_of(project):
    return {s.membership_id: s for s in project.subcontracts.filter(is_active=True)}


def post_as(user, project, *, part=None, percent=40, **extra):
    return implementation.progress_post(
        access=access_of(user),
        application=project,
        milestone=project.milestones.order_by("number").first(),
        percent=percent,
        text="分包部分进展",
        subcontract=part,
        **extra,
    )


def test_a_subcontractor_posts_on_its_own_part_only(project, sub_a, sub_b):
    parts = parts_of(project)
    own, other = parts[sub_a[0].pk], parts[sub_b[0].pk]
    post = post_as(sub_a[1], project, part=own)
    assert (post.subcontract, post.status, post.posted_by) == (own, PostStatus.PENDING, sub_a[1])
    with pytest.raises(NotAllowed):
        post_as(sub_a[1], project, part=other)
    with pytest.raises(NotAllowed):
        post_as(sub_a[1], project)  # the whole project is the lead's to report
    last = project.milestones.order_by("-number").first()
    with pytest.raises(NotAllowed):
        implementation.progress_post(
            access=access_of(sub_a[1]),
            application=project,
            milestone=last,
            percent=100,
            text="全部完成",
            subcontract=own,
            claims_completion=True,
        )
    with pytest.raises(NotAllowed):
        post_as("wuyi-provider", project, part=own)  # the lead reports on the whole, not on a part
    assert list(ProgressPost.objects.filter(application=project)) == [post]

    # The lead's own update on the same milestone is not replaced by the part's, nor the other way round.
    lead_post = post_as("wuyi-provider", project, percent=20)
    newer = post_as(sub_a[1], project, part=own, percent=50)
    post.refresh_from_db()
    lead_post.refresh_from_db()
    assert (post.status, lead_post.status, newer.status) == (
        PostStatus.SUPERSEDED,
        PostStatus.PENDING,
        PostStatus.PENDING,
    )


def test_confirming_a_part_moves_the_part_and_not_the_milestone(project, sub_a):
    own = parts_of(project)[sub_a[0].pk]
    milestone = project.milestones.order_by("number").first()
    post = post_as(sub_a[1], project, part=own, percent=60)
    implementation.progress_respond(access=access_of("wuyi-enterprise"), post=post, confirm=True)
    own.refresh_from_db()
    milestone.refresh_from_db()
    assert (own.percent, milestone.percent) == (60, 0)
    assert own.history.first().history_user == person("wuyi-enterprise")
    with pytest.raises(PortalError):
        post_as(sub_a[1], project, part=own, percent=50)  # below what the enterprise confirmed of the part
    disputed = post_as(sub_a[1], project, part=own, percent=90)
    implementation.progress_respond(
        access=access_of("wuyi-enterprise"), post=disputed, confirm=False, response="未完成"
    )
    own.refresh_from_db()
    assert own.percent == 60


def test_the_progress_page_and_api_for_a_subcontractor(client, project, sub_a, sub_b):
    parts = parts_of(project)
    own, other = parts[sub_a[0].pk], parts[sub_b[0].pk]
    milestone = project.milestones.order_by("number").first()
    progress = reverse("implementation:progress", kwargs={"program": SLUG, "application": project.pk})
    client.force_login(sub_a[1])
    page = client.get(progress)
    assert page.status_code == 200
    assert page.context["own_parts"] == [own] and page.context["may_post"]
    assert [p.pk for p in page.context["parts"]] == [own.pk, other.pk]
    html = page.content.decode()
    assert f'<option value="{own.pk}"' in html and f'<option value="{other.pk}"' not in html
    assert 'name="claims_completion"' not in html

    post_url = reverse("implementation:post", kwargs={"program": SLUG, "application": project.pk})
    data = {"milestone": milestone.pk, "percent": 30, "text": "页面分包进展"}
    client.post(post_url, {**data, "subcontract": other.pk})
    client.post(post_url, data)
    assert not ProgressPost.objects.filter(application=project).exists()
    client.post(post_url, {**data, "subcontract": own.pk})
    assert ProgressPost.objects.get(application=project).subcontract == own

    api = f"/api/v1/programs/{SLUG}/applications/{project.pk}/progress/"
    refused = client.post(api, {**data, "subcontract": other.pk}, content_type="application/json")
    assert refused.status_code == 403
    made = client.post(api, {**data, "percent": 35, "subcontract": own.pk}, content_type="application/json")
    assert made.status_code == 201 and made.json()["subcontract"] == own.pk
    read = client.get(api).json()
    assert [(p["id"], p["percent"]) for p in read["parts"]] == [(own.pk, 0), (other.pk, 0)]
    assert {p["subcontract"] for p in read["posts"]} == {own.pk}

    client.force_login(person("wuyi-provider"))
    lead_page = client.get(progress)
    assert lead_page.context["own_parts"] == [] and lead_page.context["is_implementer"]
    assert "页面分包进展" in lead_page.content.decode()


def test_the_subcontractor_reads_the_filing_and_cannot_act_on_it(client, program, project, sub_a):
    client.force_login(sub_a[1])
    detail = client.get(f"/p/{SLUG}/filings/{project.pk}/")
    assert detail.status_code == 200
    assert not detail.context["may_edit"] and detail.context["actions"] == []
    assert client.get(f"/p/{SLUG}/filings/{project.pk}/edit/").status_code == 403
    with pytest.raises(NotAllowed):
        services.application_update(
            access=access_of(sub_a[1]), application=project, fields={"title": "改", "track": "lightweight"}, lines=[]
        )
    client.post(f"/p/{SLUG}/filings/{project.pk}/act/", {"action": "withdraw", "expected_status": "approved"})
    project.refresh_from_db()
    assert project.status == Status.APPROVED and project.title == "分包实施项目"
    assert client.get(f"/api/v1/programs/{SLUG}/applications/{project.pk}/").status_code == 200

    # A filing where it holds no part, or only a part taken off, is not there for it.
    demo = Application.objects.get(program=program, title="炊具车间轻量化数字化改造")
    assert client.get(f"/p/{SLUG}/filings/{demo.pk}/").status_code == 404
    assert client.get(f"/api/v1/programs/{SLUG}/applications/{demo.pk}/subcontracts/").status_code == 404
    visible = set(application_list(access=access_of(sub_a[1])).values_list("pk", flat=True))
    assert visible == {project.pk}
    Subcontract.objects.filter(application=project, membership=sub_a[0]).update(is_active=False)
    with pytest.raises(Http404):
        application_get(access=access_of(sub_a[1]), pk=project.pk)


# 3. The lead contractor answers for the whole.


def test_the_horse_race_counts_the_project_for_the_lead_only(program, project, lead, sub_a):
    implementation.progress_respond(
        access=access_of("wuyi-enterprise"),
        post=post_as(sub_a[1], project, part=parts_of(project)[sub_a[0].pk], percent=100),
        confirm=True,
    )
    cutoff = timezone.now() + timedelta(days=1)
    tallies = horse_race._tallies(program, cutoff)
    signed = Application.objects.filter(provider=lead, status=Status.APPROVED, decided_at__lt=cutoff).count()
    assert tallies[(lead.pk, horse_race.OVERALL)].contracts == signed
    assert (sub_a[0].pk, horse_race.OVERALL) not in tallies


def test_a_confirmed_part_does_not_count_as_the_leads_milestone(project, sub_a):
    post = post_as(sub_a[1], project, part=parts_of(project)[sub_a[0].pk], percent=100)
    implementation.progress_respond(access=access_of("wuyi-enterprise"), post=post, confirm=True)
    reached = horse_race.milestones_reached([project.pk], timezone.now() + timedelta(days=1))
    assert reached.get(post.milestone_id, 0) == 0


def test_a_subcontractor_cannot_cosign_the_acceptance_request(program, sub_a):
    project = Application.objects.get(program=program, title="炊具车间轻量化数字化改造")
    Subcontract.objects.create(
        application=project, membership=sub_a[0], scope="验收前分包", work_share=D("10"), amount=D("26000")
    )
    provider, enterprise = access_of("wuyi-provider"), access_of("wuyi-enterprise2")
    milestones = list(project.milestones.order_by("number"))
    for milestone in milestones:
        if milestone.percent < 100:
            post = implementation.progress_post(
                access=provider,
                application=project,
                milestone=milestone,
                percent=100,
                text="完成",
                claims_completion=milestone == milestones[-1],
            )
            implementation.progress_respond(access=enterprise, post=post, confirm=True)
    amounts = {key: D("0") for key in ("n_software", "n_hardware", "x_software", "x_hardware", "automation")}
    amounts["n_software"] = D("260000")
    review = acceptance.acceptance_request(
        access=enterprise, application=project, deliverables="MES、看板", amounts=amounts
    )
    with pytest.raises(NotAllowed):
        acceptance.acceptance_cosign(access=access_of(sub_a[1]), review=review)
    review.refresh_from_db()
    assert review.cosigned_at is None
    assert acceptance.acceptance_cosign(access=provider, review=review).cosigned_by == person("wuyi-provider")


# 4. Query counts do not grow with subcontracts.


def add_filings(program, number, subcontractor):
    industry = program.industries.first()
    for _ in range(number):
        application = Application.objects.create(
            program=program,
            enterprise=EnterpriseProfileFactory(program=program, industry=industry),
            provider=PoolMembershipFactory(program=program),
            track="lightweight",
            title="项目",
            status="submitted",
            submitted_at=timezone.now(),
            created_by=UserFactory(),
        )
        application.lines.create(part="N", category="software", amount=1000)
        for membership in (subcontractor, PoolMembershipFactory(program=program)):
            Subcontract.objects.create(
                application=application, membership=membership, scope="分包", work_share=D("10"), amount=D("100")
            )


@pytest.mark.parametrize(("url", "pinned"), [("/p/{slug}/filings/", 7), ("/api/v1/programs/{slug}/applications/", 7)])
def test_filing_lists_cost_the_same_with_subcontracts(client, url, pinned):
    program = ProgramFactory()
    IndustryFactory.create_batch(2, program=program)
    subcontractor, subcontractor_user = new_subcontractor(program, "计数分包商有限公司")
    admin = user_with_role(program, Role.BUREAU_ADMIN)
    url = url.format(slug=program.slug)

    def counts():
        found = []
        for user in (admin, subcontractor_user):
            client.force_login(user)
            page_queries_sql(client, url)  # warm the caches every later request finds full
            found.append(page_queries_sql(client, url))
        return found

    add_filings(program, 1, subcontractor)
    one = counts()
    add_filings(program, 49, subcontractor)
    fifty = counts()
    assert [n for n, _sql in one] == [n for n, _sql in fifty], fifty[1][1]
    assert fifty[0][0] == pinned, fifty[0][1]


def test_the_filing_page_does_not_grow_per_subcontract(client, program, project):
    client.force_login(person("wuyi-reviewer"))
    url = f"/p/{SLUG}/filings/{project.pk}/"
    page_queries_sql(client, url)
    two, _sql = page_queries_sql(client, url)
    for number in range(5):
        Subcontract.objects.create(
            application=project,
            membership=PoolMembershipFactory(program=program),
            scope=f"追加分包{number}",
            work_share=D("1"),
            amount=D("1"),
        )
    seven, sql = page_queries_sql(client, url)
    assert seven == two, sql


def test_the_demo_gives_a_project_a_subcontractor_idempotently():
    from demo.subcontracts import demo_subcontracts_build

    demo_subcontracts_build()
    demo_subcontracts_build()
    project = Application.objects.get(program__slug=SLUG, title="炊具车间轻量化数字化改造")
    part = project.subcontracts.get(is_active=True)
    assert project.lead_work_share + part.work_share == 100
    assert project.lead_amount + part.amount == project.contract_budget
    assert part.percent > 0 and part.posts.filter(status=PostStatus.CONFIRMED).count() == 1
    assert part.membership.organisation_id != project.provider.organisation_id


def test_the_answer_on_a_part_reaches_its_subcontractor_not_the_lead(project, sub_a, lead):
    from notifications.implementation_notices import post_notify
    from notifications.models import Notification

    post = post_as(sub_a[1], project, part=parts_of(project)[sub_a[0].pk], percent=60)
    implementation.progress_respond(access=access_of("wuyi-enterprise"), post=post, confirm=True)
    post_notify(post_id=post.pk, event="answered")
    told = set(
        Notification.objects.filter(source=f"implementation.ProgressPost:{post.pk}:answered").values_list(
            "recipient__organisation_id", flat=True
        )
    )
    assert told == {sub_a[0].organisation_id}
    assert lead.organisation_id not in told
