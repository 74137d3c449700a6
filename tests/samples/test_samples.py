"""Sample enterprises (样本企业, seed 000 §三(六)): the enterprise and its provider apply after acceptance, the bureau
checks on site and designates within the industry's quota (Wuyi: doors ≤ 2), and the designation enables the
sample award (100,000–200,000 by decision) that the next calculation run pays."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from acceptance.models import ReviewStatus
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.roles import Role
from programs.models import Program
from samples import services
from samples.models import (
    SampleApplication,
    SampleDesignation,
    SamplePhoto,
    SampleSiteCheck,
    SampleStatus,
)
from samples.selectors import sample_quota
from subsidies import runs
from subsidies.models import AwardDecision
from subsidies.selectors import run_lines
from tests.factories import user_with_role
from tests.support.pages import client_in
from tests.support.people import access_in, user
from tests.support.samples import accepted, designated, photo
from tests.support.urls import urls_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
D = Decimal
WUYI = "wuyi-2024"
access_of = access_in(WUYI)


def history(obj):
    return [
        (row.history_type, row.history_user.username if row.history_user else None, row.history_change_reason)
        for row in obj.history.order_by("history_id")
    ]


# --- the workflow ---------------------------------------------------------------------------------------


def test_the_whole_lifecycle_records_who_when_and_why_at_each_step():
    ((project, owner),) = accepted()
    item = services.sample_apply(
        access=access_of(owner),
        application=project,
        statement="订单交付周期缩短30%",
        photos=[photo("a.png"), photo("b.png")],
        captions=["看板", "设备"],
    )
    assert (item.status, item.industry_id, item.applied_by) == (
        SampleStatus.APPLIED,
        project.enterprise.industry_id,
        owner,
    )
    assert list(SamplePhoto.objects.filter(sample_application=item).values_list("caption", flat=True)) == [
        "看板",
        "设备",
    ]

    services.sample_cosign(access=access_of("wuyi-provider"), sample_application=item, statement="按N+X清单交付")
    bureau = access_of("wuyi-reviewer")
    check = services.sample_check_record(
        access=bureau,
        sample_application=item,
        checked_on=date(2025, 2, 1),
        experts="王专家",
        association_representatives="协会陈代表",
        findings="与申报一致",
        recommends=True,
    )
    sample = services.sample_designate(
        access=bureau,
        sample_application=item,
        reason="成效显著",
        reference="武经商〔2025〕6号",
        decided_on=date(2025, 2, 10),
    )
    item.refresh_from_db()
    assert item.status == SampleStatus.DESIGNATED
    assert (item.cosigned_by, item.provider_statement) == (user("wuyi-provider"), "按N+X清单交付")
    assert (item.decided_by, item.decision_reason) == (user("wuyi-reviewer"), "成效显著")
    assert (sample.is_active, sample.industry_id, sample.application_id) == (True, item.industry_id, project.pk)
    assert SampleSiteCheck.objects.get(sample_application=item) == check

    steps = history(item)
    assert [who for _type, who, _why in steps] == [owner.username, "wuyi-provider", "wuyi-reviewer", "wuyi-reviewer"]
    assert all(why for _type, _who, why in steps)
    assert all(row.history_date for row in item.history.all())
    assert history(check) == [("+", "wuyi-reviewer", check.history.get().history_change_reason)]
    assert history(sample)[0][:2] == ("+", "wuyi-reviewer")

    with pytest.raises(Conflict):  # decided: nothing to withdraw any more
        services.sample_withdraw(access=access_of(owner), sample_application=item, reason="不再参评")

    services.sample_revoke(access=bureau, designation=sample, reason="整改未到位")
    sample.refresh_from_db()
    assert (sample.is_active, sample.revoked_reason, sample.revoked_by) == (False, "整改未到位", user("wuyi-reviewer"))
    assert history(sample)[-1][:2] == ("~", "wuyi-reviewer")
    with pytest.raises(Conflict):
        services.sample_revoke(access=bureau, designation=sample, reason="again")


def test_refusals_of_the_workflow():
    ((project, owner), (other_project, other_owner)) = accepted(count=2)
    ((not_accepted, its_owner),) = accepted(status=ReviewStatus.AUDITED, name="未通过")
    ((no_provider, lonely_owner),) = accepted(provider=None, name="无服务商")
    apply = {"statement": "成效", "photos": []}

    with pytest.raises(PortalError) as refused:  # acceptance has not passed
        services.sample_apply(access=access_of(its_owner), application=not_accepted, **apply)
    assert "application" in refused.value.fields
    with pytest.raises(PortalError):  # the provider applies together with the enterprise: none named
        services.sample_apply(access=access_of(lonely_owner), application=no_provider, **apply)
    with pytest.raises(NotAllowed):  # another enterprise's project
        services.sample_apply(access=access_of(other_owner), application=project, **apply)
    with pytest.raises(NotAllowed):  # not an enterprise user
        services.sample_apply(access=access_of("wuyi-reviewer"), application=project, **apply)
    with pytest.raises(PortalError) as empty:
        services.sample_apply(access=access_of(owner), application=project, statement="  ", photos=[])
    assert "statement" in empty.value.fields
    with pytest.raises(PortalError) as too_many:
        services.sample_apply(
            access=access_of(owner),
            application=project,
            statement="成效",
            photos=[photo(f"{n}.png") for n in range(11)],
        )
    assert "photos" in too_many.value.fields
    with pytest.raises(PortalError):  # a PDF is not a photo
        services.sample_apply(
            access=access_of(owner),
            application=project,
            statement="成效",
            photos=[SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", content_type="application/pdf")],
        )
    assert not SampleApplication.objects.filter(application=project).exists()
    assert not SamplePhoto.objects.filter(sample_application__application=project).exists()

    item = services.sample_apply(access=access_of(owner), application=project, **apply)
    with pytest.raises(Conflict):  # one live application per project
        services.sample_apply(access=access_of(owner), application=project, **apply)

    bureau = access_of("wuyi-reviewer")
    with pytest.raises(Conflict):  # the check comes after the provider has joined
        services.sample_check_record(
            access=bureau,
            sample_application=item,
            checked_on=date(2025, 2, 1),
            experts="王",
            association_representatives="陈",
            findings="好",
            recommends=True,
        )
    with pytest.raises(NotAllowed):  # the provider of another project
        services.sample_cosign(access=access_of("wuyi-provider2"), sample_application=item, statement="我们也做了")
    with pytest.raises(NotAllowed):  # the enterprise cannot join for its provider
        services.sample_cosign(access=access_of(owner), sample_application=item, statement="代签")
    services.sample_cosign(access=access_of("wuyi-provider"), sample_application=item, statement="交付")
    with pytest.raises(Conflict):  # designate before the on-site check
        services.sample_designate(access=bureau, sample_application=item, reason="成效显著")
    with pytest.raises(NotAllowed):  # the enterprise does not check its own project
        services.sample_check_record(
            access=access_of(owner),
            sample_application=item,
            checked_on=date(2025, 2, 1),
            experts="王",
            association_representatives="陈",
            findings="好",
            recommends=True,
        )
    with pytest.raises(PortalError) as no_reason:  # decline without a reason
        services.sample_decline(access=bureau, sample_application=item, reason=" ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(NotAllowed):  # the provider of another project cannot withdraw it
        services.sample_withdraw(access=access_of("wuyi-provider2"), sample_application=item, reason="撤回")
    item.refresh_from_db()
    assert item.status == SampleStatus.COSIGNED

    services.sample_withdraw(access=access_of("wuyi-provider"), sample_application=item, reason="资料需补充")
    item.refresh_from_db()
    assert (item.status, item.decided_by, item.decision_reason) == (
        SampleStatus.WITHDRAWN,
        user("wuyi-provider"),
        "资料需补充",
    )
    again = services.sample_apply(access=access_of(owner), application=project, **apply)  # withdrawn: may reapply
    services.sample_decline(access=bureau, sample_application=again, reason="成效数据不足")
    again.refresh_from_db()
    assert (again.status, again.decision_reason) == (SampleStatus.DECLINED, "成效数据不足")


# --- the quota ------------------------------------------------------------------------------------------


def test_the_doors_quota_refuses_a_third_sample_and_a_revocation_frees_a_place():
    program = Program.objects.get(slug=WUYI)
    quota = sample_quota(program=program)
    assert (quota["doors"], quota["leisure"], quota["kitchenware"], quota["power-tools"], quota["hardware"]) == (
        2,
        2,
        3,
        3,
        3,
    )
    rows = accepted("doors", count=3, provider="wuyi-provider3")
    first = designated(*rows[0], provider="wuyi-provider3")
    designated(*rows[1], provider="wuyi-provider3")
    third, owner = rows[2]
    with pytest.raises(PortalError) as full:
        designated(third, owner, provider="wuyi-provider3")
    assert "2" in full.value.message
    item = SampleApplication.objects.get(application=third)
    assert item.status == SampleStatus.CHECKED  # refused: nothing of the designation written
    assert SampleDesignation.objects.filter(program=program, industry__code="doors", is_active=True).count() == 2

    bureau = access_of("wuyi-reviewer")
    services.sample_revoke(access=bureau, designation=first, reason="撤销样本资格")
    services.sample_designate(access=bureau, sample_application=item, reason="递补")
    assert SampleDesignation.objects.filter(program=program, industry__code="doors", is_active=True).count() == 2


# --- the award ------------------------------------------------------------------------------------------


def test_the_sample_award_needs_the_designation_stays_within_its_maximum_and_the_next_run_pays_it():
    ((project, owner),) = accepted("kitchenware")
    reviewer = access_of("wuyi-reviewer")
    grant = {
        "access": reviewer,
        "application": project,
        "kind": "sample",
        "reference": "武经商〔2025〕8号",
        "decided_on": date(2025, 2, 18),
    }
    with pytest.raises(PortalError) as undesignated:
        runs.award_grant(amount="150000", **grant)
    assert "application" in undesignated.value.fields
    assert not AwardDecision.objects.filter(application=project).exists()

    designated(project, owner)
    with pytest.raises(PortalError) as above:
        runs.award_grant(amount="200000.01", **grant)
    assert "amount" in above.value.fields
    with pytest.raises(PortalError) as below:
        runs.award_grant(amount="99999.99", **grant)
    assert "amount" in below.value.fields
    award = runs.award_grant(amount="150000", **grant)
    assert (award.amount, award.is_active) == (D("150000.00"), True)

    run = runs.run_create(access=reviewer, title="样本奖励核算")
    runs.run_calculate(run_id=run.pk)
    run.refresh_from_db()
    line = run_lines(run).get(application=project)
    assert line.awards == D("150000.00")
    assert line.subsidy == D("112000.00")  # kitchenware, batch 3: 280,000 × 40 %
    assert line.total == D("262000.00")


# --- pages and API --------------------------------------------------------------------------------------


client = client_in("zh-hans")

page = urls_in("samples", WUYI)


def test_the_workflow_through_the_pages(client):
    ((project, owner),) = accepted()
    client.force_login(owner)
    form = client.get(page("apply") + f"?application={project.pk}")
    assert form.status_code == 200 and project in form.context["form"].fields["application"].queryset
    response = client.post(
        page("apply"),
        {"application": project.pk, "statement": "库存周转天数下降", "photos": [photo("a.png"), photo("b.png")]},
    )
    item = SampleApplication.objects.get(application=project)
    assert response.status_code == 302 and response["Location"] == page("application", sample_application=item.pk)
    assert item.photos.count() == 2
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "库存周转天数下降" in detail.content.decode()
    first = item.photos.first()
    image = client.get(page("application-photo", sample_application=item.pk, sample_photo=first.pk))
    assert image.status_code == 200 and b"".join(image.streaming_content).startswith(b"\x89PNG")

    client.force_login(user("wuyi-provider"))
    assert client.get(page("applications")).context["page"].object_list[0] == item
    client.post(page("cosign", sample_application=item.pk), {"provider_statement": "交付完成"})
    client.force_login(user("wuyi-reviewer"))
    queue = client.get(page("applications"))
    assert item in list(queue.context["page"].object_list)
    client.post(page("designate", sample_application=item.pk), {"reason": "成效显著"})
    item.refresh_from_db()
    assert item.status == SampleStatus.COSIGNED  # refused: not checked yet
    client.post(
        page("check", sample_application=item.pk),
        {
            "checked_on": "2025-02-01",
            "experts": "王专家",
            "association_representatives": "陈代表",
            "findings": "属实",
            "recommends": "yes",
        },
    )
    client.post(page("designate", sample_application=item.pk), {"reason": "成效显著", "reference": "文号"})
    item.refresh_from_db()
    assert item.status == SampleStatus.DESIGNATED and item.site_check.recommends is True
    sample = SampleDesignation.objects.get(sample_application=item, is_active=True)
    assert client.get(page("detail", sample=sample.pk)).status_code == 200

    # the filing page's card: the owner reads the status, with a link to the application
    client.force_login(owner)
    from django.urls import reverse

    text = client.get(reverse("filings:detail", kwargs={"program": WUYI, "application": project.pk})).content.decode()
    assert page("application", sample_application=item.pk) in text
    assert client.get(page("check", sample_application=item.pk)).status_code == 403  # bureau only
    outsider = user_with_role(Program.objects.get(slug="yongkang-2024"), Role.BUREAU_ADMIN)
    client.force_login(outsider)
    assert client.get(page("application", sample_application=item.pk)).status_code == 404


def test_the_workflow_through_the_api():
    from rest_framework.test import APIClient

    ((project, owner),) = accepted()
    base = f"/api/v1/programs/{WUYI}/sample-applications/"

    def api(who):
        client = APIClient()
        client.force_authenticate(user(who) if isinstance(who, str) else who)
        return client

    created = api(owner).post(base, {"application": project.pk, "statement": "成效显著"}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    # what each may do now, by its roles and the state: the enterprise adds photos or withdraws; the provider
    # joins or withdraws; the bureau declines (it checks only once the provider joined)
    assert created.json()["actions"] == ["withdraw", "photo_add", "photo_remove"]
    assert api("wuyi-provider").get(f"{base}{pk}/").json()["actions"] == ["cosign", "withdraw"]
    assert api("wuyi-reviewer").get(base).json()[0]["actions"] == ["decline"]
    # another provider does not see the application at all
    assert (
        api("wuyi-provider2").post(f"{base}{pk}/cosign/", {"provider_statement": "x"}, format="json").status_code == 404
    )
    assert (
        api("wuyi-provider").post(f"{base}{pk}/cosign/", {"provider_statement": "交付"}, format="json").status_code
        == 200
    )
    assert api("wuyi-reviewer").post(f"{base}{pk}/designate/", {"reason": "好"}, format="json").status_code == 409
    checked = api("wuyi-reviewer").post(
        f"{base}{pk}/check/",
        {
            "checked_on": "2025-02-01",
            "experts": "王",
            "association_representatives": "陈",
            "findings": "属实",
            "recommends": True,
        },
        format="json",
    )
    assert checked.status_code == 200 and checked.json()["site_check"]["findings"] == "属实"
    assert api("wuyi-reviewer").post(f"{base}{pk}/decline/", {"reason": ""}, format="json").status_code == 400
    done = api("wuyi-reviewer").post(f"{base}{pk}/designate/", {"reason": "好"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "designated" and done.json()["sample"]
    assert done.json()["actions"] == []  # designated: only the enterprise's photos remain
    listed = api(owner).get(f"/api/v1/programs/{WUYI}/samples/", {"industry": "kitchenware"})
    assert [row["application"] for row in listed.json()] == [project.pk]
    assert listed.json()[0]["lines"][2]["amount"] == "60000.50" and listed.json()[0]["total"] == "340000.50"
    assert api("yongkang-enterprise").get(f"{base}{pk}/").status_code == 404
