from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.core.money import format_yuan, round_fen, to_decimal, wan_to_yuan


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.005", "1.01"), ("1.004", "1.00"), ("74074.068", "74074.07"), ("-0.005", "-0.01"), ("2.675", "2.68")],
)
def test_round_fen_is_half_up(value, expected):
    assert round_fen(Decimal(value)) == Decimal(expected)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_decimal(0.1)


def test_wan_and_display():
    assert wan_to_yuan("35") == Decimal("350000.00")
    assert format_yuan(Decimal("1234567.8")) == "1,234,567.80"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_rounding_moves_a_value_by_at_most_half_a_fen(value):
    assert abs(round_fen(value) - value) <= Decimal("0.005")
    assert round_fen(value).as_tuple().exponent == -2
