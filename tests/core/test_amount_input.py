"""Amounts people type: ASCII digits only, within what a money column holds, refused by field otherwise."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from portal.core.errors import PortalError
from portal.core.money import MAX_AMOUNT, parse_amount


@pytest.mark.parametrize(
    "typed",
    ["1e999999", "1E5", "NaN", "Infinity", "١٢٣", "１２３", "\u200b", "\u200b12", " ", "12.3.4", "1,23", "0x10", True],
)
def test_anything_but_ascii_digits_is_refused_naming_its_field(typed):
    with pytest.raises(PortalError) as error:
        parse_amount(typed, "amount")
    assert list(error.value.fields) == ["amount"]


def test_an_amount_beyond_the_money_columns_is_refused():
    assert parse_amount(str(MAX_AMOUNT), "budget") == MAX_AMOUNT
    with pytest.raises(PortalError) as error:
        parse_amount("1000000000000.00", "budget")
    assert list(error.value.fields) == ["budget"]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1,234.50", "1234.50"), (" 800000 ", "800000"), (Decimal("12.30"), "12.30"), (7, "7"), ("-5.00", "-5.00")],
)
def test_amounts_as_people_type_them(typed, amount):
    assert parse_amount(typed, "amount", allow_negative=True) == Decimal(amount)


@pytest.mark.django_db
def test_quote_subsidy_answers_an_absurd_amount_with_its_one_line_error():
    with pytest.raises(CommandError) as error:
        call_command("quote_subsidy", program="wuyi-2024", track="lightweight", total_investment="1e999999")
    assert str(error.value).startswith("total_investment: ")
