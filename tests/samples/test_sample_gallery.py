"""The "learn from samples" gallery (看样学样) and starting a filing from a sample (学样仿样): only the program's
active samples, by default of the viewer's industry, at a cost that does not grow with the samples on the page;
a filing started from a sample copies its scenario list exactly, for enterprises of the same program only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filings.models import Application, ApplicationLine
from programs.access import program_access
from samples import services
from samples.models import SampleCopy, SamplePhoto
from samples.selectors import project_sample_card
from tests.support.pages import client_in
from tests.support.people import WUYI, user
from tests.support.samples import PNG, accepted, designated
from tests.support.tenant.samples import sample_designation_for
from tests.support.urls import urls_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


client = client_in("zh-hans")

url = urls_in("samples", WUYI)


def shown(response):
    return [card["sample"].pk for card in response.context["page"].object_list]


def scenario_list(application):
    return list(
        ApplicationLine.objects.filter(application=application, is_active=True)
        .order_by("part", "id")
        .values_list("module_id", "part", "category", "description", "amount")
    )


def quick_samples(industry, count, name="快速样本"):
    """`count` active samples written directly (lines and a photo each), past the quota: for the page's cost."""
    samples = []
    for project, _owner in accepted(industry, count=count, name=name):
        sample = sample_designation_for(project)
        item = SamplePhoto(
            sample_application=sample.sample_application,
            caption="照片",
            original_name="p.png",
            content_type="image/png",
            size=len(PNG),
            sha256="0" * 64,
            uploaded_by=project.created_by,
        )
        from django.core.files.base import ContentFile

        item.file.save("p.png", ContentFile(PNG), save=True)
        samples.append(sample)
    return samples


def test_the_gallery_shows_the_programs_active_samples_and_an_enterprise_its_industry_first(client):
    kitchen = designated(*accepted("kitchenware")[0])
    tools = designated(*accepted("power-tools", provider="wuyi-provider2")[0], provider="wuyi-provider2")
    revoked = designated(*accepted("hardware", name="撤销")[0])
    services.sample_revoke(
        access=program_access(user=user("wuyi-reviewer"), slug=WUYI), designation=revoked, reason="撤销"
    )
    ((yongkang_project, _owner),) = accepted("security-doors", slug="yongkang-2024", provider=None, name="永康")
    elsewhere = sample_designation_for(yongkang_project)

    client.force_login(user("wuyi-reviewer"))  # staff: every industry
    everything = client.get(url("gallery"))
    assert everything.status_code == 200
    assert sorted(shown(everything)) == sorted([kitchen.pk, tools.pk])

    client.force_login(user("wuyi-enterprise"))  # 浙江武义炊具制造有限公司: kitchenware
    mine = client.get(url("gallery"))
    assert mine.context["industry"] == "kitchenware" and shown(mine) == [kitchen.pk]
    assert sorted(shown(client.get(url("gallery") + "?industry="))) == sorted([kitchen.pk, tools.pk])
    assert shown(client.get(url("gallery") + "?industry=power-tools")) == [tools.pk]
    assert client.get(url("detail", sample=tools.pk)).status_code == 200
    assert client.get(url("detail", sample=revoked.pk)).status_code == 404
    assert client.get(url("detail", sample=elsewhere.pk)).status_code == 404

    client.force_login(user("wuyi-provider"))
    assert client.get(url("gallery")).status_code == 200
    client.force_login(user("wuyi-committee"))
    assert client.get(url("gallery")).status_code == 403
    client.force_login(user("yongkang-enterprise"))
    assert client.get(url("gallery")).status_code == 404


@pytest.mark.parametrize("who", ["wuyi-reviewer", "wuyi-enterprise"])
def test_the_gallery_costs_the_same_queries_for_1_and_20_samples(client, who):
    client.force_login(user(who))
    path = url("gallery") + "?industry="
    quick_samples("leisure", 1)
    client.get(path)  # warm up session and caches
    with CaptureQueriesContext(connection) as one:
        response = client.get(path)
    assert len(shown(response)) == 1
    quick_samples("doors", 19, name="多样本")
    client.get(path)  # as warm as the first: the new samples' organisations renewed the cached program menu
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(path)
    assert len(shown(response)) == 20
    assert len(twenty) == len(one), "\n".join(q["sql"] for q in twenty.captured_queries)
    first = response.context["page"].object_list[0]["sample"]
    photo = first.sample_application.active_photos[0]
    text = response.content.decode()
    assert url("photo", sample=first.pk, sample_photo=photo.pk) in text
    image = client.get(url("photo", sample=first.pk, sample_photo=photo.pk))
    assert image.status_code == 200 and b"".join(image.streaming_content) == PNG


def test_a_filing_started_from_a_sample_copies_its_scenario_list_for_the_same_programs_enterprises_only(client):
    project, owner = accepted("kitchenware")[0]
    sample = designated(project, owner)
    expected = scenario_list(project)
    assert len(expected) == 3

    client.force_login(user("wuyi-reviewer"))
    before = client.get(url("detail", sample=sample.pk)).context["sample"].copy_count
    assert before == 0

    client.force_login(user("yongkang-enterprise"))  # another program's enterprise: nothing to see
    assert client.post(url("start-filing", sample=sample.pk)).status_code == 404
    client.force_login(user("wuyi-provider"))  # same program, but not an enterprise
    assert client.post(url("start-filing", sample=sample.pk)).status_code == 403
    assert not SampleCopy.objects.exists()

    enterprise = user("wuyi-enterprise")
    client.force_login(enterprise)
    detail = client.get(url("detail", sample=sample.pk))
    assert detail.context["may_file"] and detail.context["start_form"].initial["title"] == f"参照样本：{project.title}"
    response = client.post(url("start-filing", sample=sample.pk), {"title": "参照样本：我的改造"})
    copy = SampleCopy.objects.get(sample=sample)
    draft = copy.application
    assert response.status_code == 302
    assert response["Location"] == reverse("filings:edit", kwargs={"program": WUYI, "application": draft.pk})
    assert (draft.status, draft.title, draft.track) == ("draft", "参照样本：我的改造", project.track)
    assert draft.enterprise.organisation_id == enterprise.organisation_id and copy.copied_by == enterprise
    assert scenario_list(draft) == expected
    assert draft.provider_id == project.provider_id  # selected for kitchenware: the enterprise may pick it
    assert client.get(response["Location"]).status_code == 200

    client.force_login(user("wuyi-reviewer"))
    assert client.get(url("detail", sample=sample.pk)).context["sample"].copy_count == before + 1
    gallery = client.get(url("gallery") + "?industry=kitchenware")
    assert gallery.context["page"].object_list[0]["sample"].copy_count == 1

    # the copied filing's page says where it came from, in at most two queries
    access = program_access(user=enterprise, slug=WUYI)
    draft = Application.objects.select_related("enterprise").get(pk=draft.pk)
    with CaptureQueriesContext(connection) as queries:
        card = project_sample_card(access=access, application=draft)
    assert len(queries) <= 2 and card["copied_sample"] == sample.pk
    client.force_login(enterprise)
    page = client.get(reverse("filings:detail", kwargs={"program": WUYI, "application": draft.pk}))
    assert page.status_code == 200 and url("detail", sample=sample.pk) in page.content.decode()

    # the owner of an accepted project without an application reads the way to apply
    other, other_owner = accepted("kitchenware", name="可申请")[0]
    other = Application.objects.select_related("enterprise").get(pk=other.pk)
    owner_access = program_access(user=other_owner, slug=WUYI)
    with CaptureQueriesContext(connection) as queries:
        card = project_sample_card(access=owner_access, application=other)
    assert len(queries) <= 2 and card["may_apply"] and card["current"] is None
    client.force_login(other_owner)
    text = client.get(reverse("filings:detail", kwargs={"program": WUYI, "application": other.pk})).content.decode()
    assert url("apply") + f"?application={other.pk}" in text


def test_starting_a_filing_through_the_api():
    from rest_framework.test import APIClient

    project, owner = accepted("kitchenware")[0]
    sample = designated(project, owner)
    path = f"/api/v1/programs/{WUYI}/samples/{sample.pk}/start-filing/"
    api = APIClient()
    api.force_authenticate(user("wuyi-provider"))
    assert api.post(path, {}, format="json").status_code == 403
    api.force_authenticate(user("yongkang-enterprise"))
    assert api.post(path, {}, format="json").status_code == 404
    api.force_authenticate(user("wuyi-enterprise"))
    created = api.post(path, {}, format="json")
    assert created.status_code == 201
    draft = Application.objects.get(pk=created.json()["application"])
    assert draft.title == f"参照样本：{project.title}" and scenario_list(draft) == scenario_list(project)
    assert api.get(f"/api/v1/programs/{WUYI}/samples/{sample.pk}/").json()["copies"] == 1
