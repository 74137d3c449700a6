"""One definition of a project's investment facts, from its amounts by part and category.

The filing's estimate (its lines), the acceptance audit (its audited amounts), the calculation run and its
what-ifs (the amounts stored on a line) all build the engine's investment facts here, so what an enterprise is
shown at filing is what it is paid for the same amounts.
"""

from decimal import Decimal

ZERO = Decimal("0.00")

# The amounts a project declares and an audit confirms: part (N/X) × kind, and automation equipment kept apart.
AMOUNT_KEYS = ("n_software", "n_hardware", "x_software", "x_hardware", "automation")


def amounts_from_lines(lines) -> dict[str, Decimal]:
    """The amounts of `lines` (objects or dicts with part, category, amount) by AMOUNT_KEYS: automation
    equipment counts apart whichever part it was filed in.

    >>> from types import SimpleNamespace as Line
    >>> amounts_from_lines([Line(part="N", category="software", amount=Decimal("10")),
    ...                     Line(part="N", category="automation", amount=Decimal("5"))])["automation"]
    Decimal('5.00')
    """
    amounts = dict.fromkeys(AMOUNT_KEYS, ZERO)
    for line in lines:
        part, category, amount = (
            (line["part"], line["category"], line["amount"])
            if isinstance(line, dict)
            else (line.part, line.category, line.amount)
        )
        key = "automation" if category == "automation" else f"{part.lower()}_{category}"
        amounts[key] += amount
    return amounts


def investment_facts(amounts: dict) -> dict[str, Decimal]:
    """The engine's investment facts from amounts by AMOUNT_KEYS (Decimal or decimal strings): N and X are
    software plus hardware of their part, the total is N plus X, automation equipment stays apart.

    >>> investment_facts({"n_software": "100", "n_hardware": "50", "x_software": "30", "x_hardware": "0",
    ...                   "automation": "7"})["total_investment"]
    Decimal('180')
    """
    value = {key: Decimal(amounts[key]) if isinstance(amounts[key], str) else amounts[key] for key in AMOUNT_KEYS}
    n = value["n_software"] + value["n_hardware"]
    x = value["x_software"] + value["x_hardware"]
    return {
        "n_investment": n,
        "x_investment": x,
        "total_investment": n + x,
        "automation_investment": value["automation"],
    }
