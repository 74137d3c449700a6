"""Role grants: a bureau admin gives roles only to people of the organisations taking part in its program, or
creates the login of a new person of one of them; an unknown username and a person outside the program get the
same answer on the page and in the API, so the form tells nothing about other programs' accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from organisations.models import OrganisationKind
from portal.core.errors import PortalError
from portal.core.roles import Role
from programs import selectors, services
from programs.access import program_access
from programs.models import Program, ProgramOrganisation, RoleAssignment
from providers.models import PoolStatus
from tests.factories import (
    EnterpriseProfileFactory,
    OrganisationFactory,
    PoolMembershipFactory,
    ProgramFactory,
    UserFactory,
    user_with_role,
)
from tests.support.people import user as person

pytestmark = pytest.mark.django_db

PROGRAM = "wuyi-2024"
NEW_PASSWORD = "Chosen-password-2024"


def grant_page(client, username, role=Role.EXPERT, program=PROGRAM):
    client.force_login(person(f"{program.split('-')[0]}-admin"))
    return client.post(reverse("members:grant", kwargs={"program": program}), {"username": username, "role": role})


def grant_api(username, role=Role.EXPERT, program=PROGRAM):
    client = APIClient()
    client.force_authenticate(person(f"{program.split('-')[0]}-admin"))
    url = reverse("api:member-list", kwargs={"program": program})
    return client.post(url, {"username": username, "role": role}, format="json")


def held(username, program=PROGRAM):
    return RoleAssignment.objects.filter(program__slug=program, user__username=username, revoked_at=None).exists()


# --- the finding ---------------------------------------------------------------------------------------------


def test_another_programs_admin_cannot_be_given_a_role_and_looks_like_an_unknown_username(client):
    """Before: wuyi's admin gave yongkang's admin a role in wuyi by username, and an unknown username got another
    message, so the form told which accounts exist."""
    assert person("yongkang-admin").organisation not in selectors.participating_organisations(
        program=Program.objects.get(slug=PROGRAM)
    )
    foreign = grant_page(client, "yongkang-admin")
    unknown = grant_page(client, "nobody-has-this-name")
    assert foreign.status_code == unknown.status_code == 200  # the form again, nothing granted
    assert foreign.context["form"].errors == unknown.context["form"].errors
    assert list(foreign.context["form"].errors) == ["username"]
    assert not held("yongkang-admin")


def test_the_api_answers_a_foreign_and_an_unknown_username_alike():
    foreign = grant_api("yongkang-admin")
    unknown = grant_api("nobody-has-this-name")
    disabled = UserFactory(organisation=person("wuyi-expert").organisation, is_active=False)
    inactive = grant_api(disabled.username)
    assert foreign.status_code == unknown.status_code == inactive.status_code == 400
    assert foreign.json() == unknown.json() == inactive.json()
    assert list(foreign.json()["error"]["fields"]) == ["username"]
    assert not held("yongkang-admin")


def test_the_service_refuses_a_person_outside_the_program_too():
    """The pages and the API look the person up through the selector; the service checks again."""
    access = program_access(user=person("wuyi-admin"), slug=PROGRAM)
    with pytest.raises(PortalError) as refused:
        services.role_grant(access=access, program=access.program, user=person("yongkang-admin"), role=Role.EXPERT)
    assert list(refused.value.fields) == ["username"]
    assert not held("yongkang-admin")


def test_people_of_the_programs_organisations_are_given_roles(client):
    colleague = UserFactory(organisation=person("wuyi-admin").organisation)  # the bureau itself
    institute_member = UserFactory(organisation=person("wuyi-expert").organisation)
    assert grant_page(client, colleague.username, Role.BUREAU_REVIEWER).status_code == 302
    assert held(colleague.username)
    granted = grant_api(institute_member.username)
    assert granted.status_code == 201, granted.json()
    assert granted.json()["username"] == institute_member.username


def test_a_platform_user_of_no_organisation_is_refused_unless_already_a_member():
    loner = UserFactory()
    assert grant_api(loner.username).status_code == 400
    services.role_grant(program=Program.objects.get(slug=PROGRAM), user=loner, role=Role.AUDITOR)  # the platform
    assert grant_api(loner.username, Role.EXPERT).status_code == 201


# --- which organisations take part -----------------------------------------------------------------------------


def test_the_organisations_taking_part_are_defined_in_one_selector():
    program = ProgramFactory()
    admin = user_with_role(program, Role.BUREAU_ADMIN, organisation=OrganisationFactory(kind=OrganisationKind.BUREAU))
    enterprise = EnterpriseProfileFactory(program=program).organisation
    provider = PoolMembershipFactory(program=program).organisation
    removed = PoolMembershipFactory(program=program, status=PoolStatus.REMOVED).organisation
    institute = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    platform = UserFactory(is_superuser=True, is_staff=True)
    services.program_organisation_register(program=program, organisation=institute, acting_user=platform)
    elsewhere = EnterpriseProfileFactory().organisation  # another program's enterprise
    stranger = OrganisationFactory()

    taking_part = set(selectors.participating_organisations(program=program))
    assert taking_part == {admin.organisation, enterprise, provider, institute}
    assert not {removed, elsewhere, stranger} & taking_part
    registration = ProgramOrganisation.objects.get(program=program, organisation=institute)
    assert registration.registered_by == platform and registration.history.count() == 1


def test_the_query_count_of_a_grant_lookup_does_not_grow_with_the_program(django_assert_max_num_queries):
    access = program_access(user=person("wuyi-admin"), slug=PROGRAM)
    with django_assert_max_num_queries(1):
        selectors.grantable_users(program=access.program).filter(username="wuyi-expert").first()


# --- onboarding: the bureau creates the login ------------------------------------------------------------------


def test_the_admin_creates_a_login_for_a_person_of_a_taking_part_organisation_and_sees_the_link_once(client):
    institute = person("wuyi-expert").organisation
    client.force_login(person("wuyi-admin"))
    url = reverse("members:onboard", kwargs={"program": PROGRAM})
    assert client.get(url).status_code == 200
    body = {
        "organisation": institute.pk,
        "role": Role.EXPERT,
        "username": "wuyi-new-expert",
        "display_name": "新专家",
        "email": "",
        "phone": "",
    }
    response = client.post(url, body)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    created = person("wuyi-new-expert")
    assert created.organisation == institute and not created.has_usable_password()
    assert held("wuyi-new-expert")
    link = response.context["set_password_url"]
    assert link.startswith("http://testserver/accounts/password/set/")
    assert link in response.content.decode()
    assert created.history.first().history_user == person("wuyi-admin")

    # The person sets the password through the link; the link then stops working and the login works.
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert person("wuyi-new-expert").check_password(NEW_PASSWORD)
    client.logout()
    used = client.get(link, follow=True)
    assert used.status_code == 404 and not used.context["validlink"]


def test_a_login_is_not_created_for_an_organisation_outside_the_program(client):
    outside = person("yongkang-admin").organisation
    client.force_login(person("wuyi-admin"))
    url = reverse("members:onboard", kwargs={"program": PROGRAM})
    body = {"organisation": outside.pk, "role": Role.EXPERT, "username": "wuyi-sneaky", "display_name": "x"}
    response = client.post(url, body)
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="wuyi-sneaky").exists()

    api = APIClient()
    api.force_authenticate(person("wuyi-admin"))
    answer = api.post(reverse("api:member-onboard", kwargs={"program": PROGRAM}), body, format="json")
    unknown = api.post(
        reverse("api:member-onboard", kwargs={"program": PROGRAM}), {**body, "organisation": 10**9}, format="json"
    )
    assert answer.status_code == unknown.status_code == 400
    assert answer.json() == unknown.json() and list(answer.json()["error"]["fields"]) == ["organisation"]
    assert not get_user_model().objects.filter(username="wuyi-sneaky").exists()


def test_the_api_creates_a_login_and_lists_the_organisations_taking_part():
    api = APIClient()
    api.force_authenticate(person("wuyi-admin"))
    listed = api.get(reverse("api:member-organisations", kwargs={"program": PROGRAM}), {"page_size": 200})
    assert listed.status_code == 200
    names = {row["name"] for row in listed.json()["results"]}
    assert person("wuyi-expert").organisation.name in names
    assert person("yongkang-admin").organisation.name not in names

    institute = person("wuyi-expert").organisation
    body = {"organisation": institute.pk, "role": Role.EXPERT, "username": "wuyi-api-expert", "display_name": "专家"}
    created = api.post(reverse("api:member-onboard", kwargs={"program": PROGRAM}), body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["username"] == "wuyi-api-expert" and created.json()["role"] == Role.EXPERT
    assert "/accounts/password/set/" in created.json()["set_password_url"]
    taken = api.post(reverse("api:member-onboard", kwargs={"program": PROGRAM}), body, format="json")
    assert taken.status_code == 400 and "username" in taken.json()["error"]["fields"]


@pytest.mark.parametrize("who", ["wuyi-reviewer", "wuyi-enterprise", "wuyi-expert"])
def test_only_a_bureau_admin_creates_logins(client, who):
    client.force_login(person(who))
    url = reverse("members:onboard", kwargs={"program": PROGRAM})
    body = {"organisation": person("wuyi-expert").organisation.pk, "role": Role.EXPERT, "username": "x-new"}
    assert client.post(url, {**body, "display_name": "x"}).status_code == 403
    api = APIClient()
    api.force_authenticate(person(who))
    assert api.post(reverse("api:member-onboard", kwargs={"program": PROGRAM}), body, format="json").status_code == 403
    assert api.get(reverse("api:member-organisations", kwargs={"program": PROGRAM})).status_code == 403
    assert not get_user_model().objects.filter(username="x-new").exists()


# --- Django admin ----------------------------------------------------------------------------------------------


def test_django_admin_holds_a_bureau_admin_to_the_same_rule_and_the_operator_is_free(client):
    program = Program.objects.get(slug=PROGRAM)
    add = "/admin/programs/roleassignment/add/"
    body = {"program": program.pk, "username": "yongkang-admin", "role": Role.EXPERT}
    client.force_login(person("wuyi-admin"))
    foreign = client.post(add, body)
    unknown = client.post(add, {**body, "username": "nobody-has-this-name"})
    assert foreign.status_code == unknown.status_code == 200
    assert foreign.context["adminform"].form.errors == unknown.context["adminform"].form.errors
    assert not held("yongkang-admin")

    operator = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(operator)
    assert client.post(add, body).status_code == 302
    assert held("yongkang-admin")
