"""Every record that carries money has its change history on a page, for its own program's readers only."""

import pytest

from portal.core.roles import Role
from programs.views import HISTORY_MODELS, history_scope
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
MONEY_KINDS = (
    "calculationrun",
    "fundingpool",
    "poolallocation",
    "carriedfunding",
    "payment",
    "awarddecision",
    "runcorrection",
)


@pytest.mark.parametrize("kind", MONEY_KINDS)
def test_the_auditor_reads_the_history_of_each_money_record_of_its_program(client, tenant_pair, kind):
    program = tenant_pair["a"]
    model = HISTORY_MODELS[kind]
    record = model.objects.filter(**history_scope(model, program)).order_by("pk").first()
    path = f"/p/{program.slug}/history/{kind}/{record.pk}/"

    client.force_login(user_with_role(program, Role.AUDITOR, username="zz-money-auditor"))
    page = client.get(path)
    assert page.status_code == 200
    # The creation is on record with every field: the page lists at least the row's first version.
    assert record.history.count() >= 1 and str(model._meta.verbose_name) in page.content.decode()

    client.force_login(tenant_pair["users_b"][Role.BUREAU_ADMIN])
    assert client.get(path).status_code in (403, 404)
