"""A bureau admin edits its program's configuration in the browser and in Django admin; history keeps it all."""

import pytest
from django.urls import reverse

from portal.core.errors import HardDeleteRefused
from portal.core.roles import Role
from programs.models import Industry, RoleAssignment
from tests.factories import EnterpriseProfileFactory, IndustryFactory, ProgramFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def admin_client(client, program):
    admin = user_with_role(program, Role.BUREAU_ADMIN, is_staff=True)
    client.force_login(admin)
    client.user = admin
    return client


def test_admin_edits_an_industry_and_history_shows_who_before_after(admin_client, program):
    industry = IndustryFactory(program=program, code="doors", name="门")
    url = reverse("dashboard:config-edit", kwargs={"program": program.slug, "kind": "industry", "pk": industry.pk})
    response = admin_client.post(
        url,
        {
            "code": "doors",
            "name": "门业",
            "name_en": "Doors",
            "sort_order": 5,
            "change_reason": "按2024年方案更名",
        },
    )
    assert response.status_code == 302
    industry.refresh_from_db()
    assert industry.name == "门业"
    latest = industry.history.first()
    assert latest.history_user == admin_client.user
    assert latest.history_change_reason == "按2024年方案更名"
    assert latest.prev_record.name == "门"

    page = admin_client.get(
        reverse("dashboard:history", kwargs={"program": program.slug, "model": "industry", "pk": industry.pk})
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "门业" in body and "按2024年方案更名" in body and str(admin_client.user) in body


def test_duplicate_code_is_a_clear_form_error_and_nothing_is_saved(admin_client, program):
    IndustryFactory(program=program, code="doors")
    url = reverse("dashboard:config-new", kwargs={"program": program.slug, "kind": "industry"})
    response = admin_client.post(url, {"code": "doors", "name": "重复", "sort_order": 1})
    assert response.status_code == 200
    assert Industry.objects.filter(program=program, code="doors").count() == 1
    assert "的 细分行业 已经存在" in response.content.decode()


def test_closing_needs_a_reason_and_deletes_nothing(admin_client, program):
    industry = IndustryFactory(program=program)
    url = reverse("dashboard:config-toggle", kwargs={"program": program.slug, "kind": "industry", "pk": industry.pk})
    admin_client.post(url, {})
    industry.refresh_from_db()
    assert industry.is_active
    admin_client.post(url, {"reason": "该行业不再纳入"})
    industry.refresh_from_db()
    assert not industry.is_active
    assert industry.history.first().history_change_reason == "该行业不再纳入"
    with pytest.raises(HardDeleteRefused):
        industry.delete()
    with pytest.raises(HardDeleteRefused):
        Industry.objects.filter(pk=industry.pk).delete()


def test_grant_and_revoke_a_role_keep_guardian_and_the_record_together(admin_client, program):
    person = UserFactory(organisation=EnterpriseProfileFactory(program=program).organisation)  # takes part
    base = {"program": program.slug}
    admin_client.post(reverse("members:grant", kwargs=base), {"username": person.username, "role": "expert"})
    assignment = RoleAssignment.objects.get(user=person, program=program)
    assert person.has_perm("programs.role_expert", program)
    assert assignment.granted_by == admin_client.user

    revoke = reverse("members:revoke", kwargs={**base, "assignment": assignment.pk})
    admin_client.post(revoke, {"reason": "任期结束"})
    assignment.refresh_from_db()
    person = type(person).objects.get(pk=person.pk)  # fresh permission cache
    assert assignment.revoked_at is not None and assignment.revoke_reason == "任期结束"
    assert not person.has_perm("programs.role_expert", program)
    assert admin_client.get(f"/p/{program.slug}/", follow=False).status_code == 200
    admin_client.force_login(person)
    assert admin_client.get(f"/p/{program.slug}/").status_code == 404


def test_reviewer_cannot_configure(client, program):
    client.force_login(user_with_role(program, Role.BUREAU_REVIEWER))
    url = reverse("dashboard:config-new", kwargs={"program": program.slug, "kind": "industry"})
    assert client.post(url, {"code": "x", "name": "x", "sort_order": 1}).status_code == 403
    assert not Industry.objects.filter(program=program, code="x").exists()


def test_django_admin_shows_a_bureau_admin_only_its_programs(admin_client, program):
    own = IndustryFactory(program=program, name="本项目行业")
    other = IndustryFactory(name="他项目行业")
    changelist = admin_client.get("/admin/programs/industry/")
    body = changelist.content.decode()
    assert changelist.status_code == 200
    assert own.name in body and other.name not in body and other.program.name not in body
    assert admin_client.get(f"/admin/programs/industry/{other.pk}/change/").status_code == 404
    change = admin_client.post(
        f"/admin/programs/industry/{own.pk}/change/",
        {
            "program": program.pk,
            "code": own.code,
            "name": "后台改名",
            "name_en": "",
            "sort_order": 1,
            "is_active": "on",
        },
    )
    assert change.status_code == 302
    own.refresh_from_db()
    assert own.name == "后台改名" and own.history.first().history_user == admin_client.user
    assert admin_client.get(f"/admin/programs/industry/{own.pk}/history/").status_code == 200
    assert admin_client.get(f"/admin/programs/industry/{own.pk}/delete/").status_code == 403
