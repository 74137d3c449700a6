"""Nothing typed is changed without a word: over-long text, numbers in other scripts' digits and text made of
invisible characters are refused by field, in forms, the API, the services and the target-list import; and one
request's work is bounded (items per filing, rows per import, one import of a program at a time)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings

from enterprises.models import TargetEnterprise
from enterprises.target_list import COLUMNS, target_list_import
from filings.services import application_create
from portal.core.errors import PortalError
from portal.core.roles import Role
from programs.models import Program
from subsidies.forms import PaymentForm
from tests.factories import valid_uscc
from tests.support.environment import need
from tests.support.filings import contract_fields, lines
from tests.support.people import access_in, demo_user
from tests.support.target_list import target_list_xlsx as xlsx

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
access_of = access_in(SLUG)


def enterprise():
    return access_of(demo_user(Role.ENTERPRISE))


def refused(**changes):
    """The fields a new draft with `changes` is refused on."""
    fields = {"title": "车间数字化改造", "track": "lightweight", **contract_fields("250000"), **changes}
    new_lines = fields.pop("lines", lines())
    with pytest.raises(PortalError) as error:
        application_create(access=enterprise(), fields=fields, lines=new_lines)
    return set(error.value.fields)


@pytest.mark.parametrize("digits", ["１２３４.５０", "١٢٣٤.٥٠", "1e3", "NaN", "\u200b12"])
def test_an_amount_in_other_digits_is_refused_by_the_form(digits):
    data = {"source": "county", "amount": digits, "paid_on": "2025-01-20", "voucher": "V-1"}
    form = PaymentForm(data=data, sources=["county"])
    assert not form.is_valid() and "amount" in form.errors


@pytest.mark.parametrize("digits", ["８０００００", "٨٠٠٠٠٠"])
def test_an_amount_in_other_digits_is_refused_by_the_api(client, digits):
    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    response = client.post(
        f"/api/v1/programs/{SLUG}/quote/",
        {"track": "lightweight", "industry": "kitchenware", "batch": 1, "n_investment": digits},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "n_investment" in response.json()["error"]["fields"]


def test_a_contract_clause_longer_than_the_bound_is_refused_not_cut():
    with override_settings(TEXT_MAX_CHARS=500):
        assert refused(breach_handling="违" * 501) == {"breach_handling"}
        application_create(
            access=enterprise(),
            fields={
                "title": "恰好",
                "track": "lightweight",
                **contract_fields("250000"),
                "breach_handling": "违" * 500,
            },
            lines=lines(),
        )


def test_text_made_only_of_invisible_characters_is_refused():
    assert refused(training="\u200b\u200b") == {"training"}
    assert refused(contract_subject="\ufeff \u200d") == {"contract_subject"}


def test_a_filing_with_more_items_than_the_bound_is_refused_before_anything_is_written():
    from filings.models import Application

    before = Application.objects.count()
    item = {"module": None, "part": "X", "category": "hardware", "description": "看板", "amount": Decimal("1000")}
    with override_settings(FILING_MAX_LINES=5):
        assert refused(lines=[item] * 6, contract_budget=Decimal("6000")) == {"lines"}
    assert Application.objects.count() == before


def import_report(rows):
    program = Program.objects.get(slug=SLUG)
    admin = demo_user(Role.BUREAU_ADMIN)
    return target_list_import(program=program, acting_user=admin, content=xlsx(rows).getvalue())


def test_the_target_import_refuses_over_long_and_invisible_values_instead_of_cutting_them():
    before = TargetEnterprise.objects.count()
    report = import_report(
        [
            [valid_uscc(), "武" * 121, "白洋街道", "餐厨用品", "规上", "张三", "0579-1"],
            [valid_uscc(), "武义丙制造有限公司", "白洋街道", "餐厨用品", "规上", "李" * 41, "1" * 31],
            [valid_uscc(), "武义丁制造有限公司", "白洋街道", "餐厨用品", "规上", "\u200b", ""],
        ]
    )
    assert {(error.row, error.column) for error in report.errors} == {
        (2, COLUMNS[1]),
        (3, COLUMNS[5]),
        (3, COLUMNS[6]),
        (4, COLUMNS[5]),
    }
    assert TargetEnterprise.objects.count() == before


@override_settings(TARGET_IMPORT_MAX_ROWS=2)
def test_the_target_import_is_bounded_by_its_setting():
    rows = [[valid_uscc(), f"武义{n}制造有限公司", "白洋街道", "餐厨用品", "规上", "", ""] for n in range(3)]
    report = import_report(rows)
    assert report.created == 0 and [error.row for error in report.errors] == [4]


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_list_at_once_give_one_list_and_one_clear_refusal():
    need(connection.vendor == "postgresql", "two imports at once need PostgreSQL (DATABASE_URL)")
    from demo.build import demo_build

    demo_build()
    rows = [[valid_uscc(), f"武义并发{n}有限公司", "白洋街道", "餐厨用品", "规上", "", ""] for n in range(30)]
    content = xlsx(rows).getvalue()
    program = Program.objects.get(slug=SLUG)
    admin = demo_user(Role.BUREAU_ADMIN)
    barrier, results = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            results.append(target_list_import(program=program, acting_user=admin, content=content))
        except Exception as error:  # noqa: BLE001 — the test reports it
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not isinstance(result, Exception) for result in results), results
    assert sorted(result.created for result in results) == [0, 30]
    refused_report = next(result for result in results if result.created == 0)
    assert {error.column for error in refused_report.errors} == {COLUMNS[0]}
    assert TargetEnterprise.objects.filter(program=program, name__startswith="武义并发").count() == 30
