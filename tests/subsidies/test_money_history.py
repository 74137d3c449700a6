"""Every record that carries money has its change history on a page, for its own program's readers only."""

import pytest

from dashboard.selectors import history_scope
from dashboard.views import HISTORY_MODELS
from portal.core.roles import Role
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


def test_the_money_pages_link_each_record_to_its_history(client, tenant_pair):
    from subsidies.models import AwardDecision, FundingPool, Payment

    program = tenant_pair["a"]
    client.force_login(user_with_role(program, Role.AUDITOR, username="zz-money-links"))
    pool = FundingPool.objects.get(program=program)
    payment = Payment.objects.get(line__run__program=program)
    award = AwardDecision.objects.get(program=program)
    base = f"/p/{program.slug}"
    pages = {
        f"{base}/pools/{pool.pk}/": [f"{base}/history/fundingpool/{pool.pk}/", f"{base}/history/poolallocation/"],
        f"{base}/runs/{payment.line.run_id}/lines/{payment.line_id}/": [f"{base}/history/payment/{payment.pk}/"],
        f"{base}/runs/{payment.line.run_id}/": [f"{base}/history/calculationrun/{payment.line.run_id}/"],
        f"{base}/awards/": [f"{base}/history/awarddecision/{award.pk}/"],
    }
    for page, links in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        for link in links:
            assert link in response.content.decode(), (page, link)


@pytest.mark.parametrize("table", ["subsidies_payment", "subsidies_poolallocation"])
def test_payments_and_allocations_cannot_be_deleted_even_with_sql(tenant_pair, table):
    from django.db import DatabaseError, connection, transaction

    from tests.support.environment import need

    need(connection.vendor == "postgresql", "the database's own triggers are PostgreSQL's (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a fixed table name
        before = cursor.fetchone()[0]
        with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] == before > 0
