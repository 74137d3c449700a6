"""policies.md, to the fen: every worked example through the pure function and through `quote_subsidy --json`,
plus the properties every track must keep."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies import engine
from policies.selectors import parse_override, policy_snapshot, policy_version_for_quote
from portal.core.money import round_fen
from programs.models import Program

pytestmark = pytest.mark.django_db

G15 = ["general_informatization_rate=0.15"]

# (program, version or "", track, CLI arguments, overrides, expected: subsidy, total, cap, lines, funding)
EXAMPLES = [
    (
        "wuyi-2024",
        "",
        "lightweight",
        {"industry": "doors", "batch": 2, "n": "600000", "x": "200000"},
        [],
        "330000.00",
        "330000.00",
        None,
        [("N", "500000.00", "0.50", "250000.00"), ("X", "200000.00", "0.40", "80000.00")],
        [("county", "330000.00")],
    ),
    (
        "wuyi-2024",
        "",
        "lightweight",
        {"industry": "leisure", "batch": 1, "n": "400000", "x": "800000"},
        [],
        "500000.00",
        "500000.00",
        "500000.00",
        [("N", "400000.00", "0.60", "240000.00"), ("X", "800000.00", "0.40", "320000.00")],
        [("county", "500000.00")],
    ),
    (
        "wuyi-2024",
        "",
        "lightweight",
        {"industry": "kitchenware", "batch": 3, "n": "280000", "x": "0"},
        [],
        "112000.00",
        "112000.00",
        None,
        [("N", "280000.00", "0.40", "112000.00")],
        [("county", "112000.00")],
    ),
    (
        "wuyi-2024",
        "",
        "lightweight",
        {"industry": "hardware", "batch": 1, "n": "123456.78", "x": "0"},
        [],
        "74074.07",
        "74074.07",
        None,
        [("N", "123456.78", "0.60", "74074.07")],
        [("county", "74074.07")],
    ),
    (
        "yongkang-2024",
        "",
        "lightweight",
        {"total": "450000"},
        G15,
        "180000.00",
        "180000.00",
        None,
        [("base", "450000.00", "0.40", "180000.00")],
        [("county", "180000.00")],
    ),
    (
        "yongkang-2024",
        "",
        "lightweight",
        {"total": "800000"},
        G15,
        "245000.00",
        "245000.00",
        None,
        [("base", "500000.00", "0.40", "200000.00"), ("excess", "300000.00", "0.15", "45000.00")],
        [("county", "245000.00")],
    ),
    (
        "yongkang-2024",
        "",
        "saas",
        {"total": "100000"},
        G15,
        "40000.00",
        "40000.00",
        None,
        [("base", "100000.00", "0.40", "40000.00")],
        [("county", "40000.00")],
    ),
    (
        "yongkang-2024",
        "yongkang-2024-opinion",
        "midlevel-pilot",
        {"total": "2000000", "automation": "1200000"},
        G15,
        "1416000.00",
        "1416000.00",
        None,
        [("base", "2000000.00", "0.60", "1200000.00"), ("automation", "1200000.00", "0.18", "216000.00")],
        [("county", "1416000.00")],
    ),
    (
        "yongkang-2024",
        "yongkang-2024-opinion",
        "midlevel-pilot",
        {"total": "9000000", "automation": "0"},
        G15,
        "2700000.00",
        "2700000.00",
        None,
        [("base", "3000000.00", "0.60", "1800000.00"), ("excess", "6000000.00", "0.15", "900000.00")],
        [("county", "2700000.00")],
    ),
    (
        "yongkang-2024",
        "yongkang-2024-opinion",
        "midlevel-promotion",
        {"total": "9000000", "automation": "4000000"},
        G15,
        "3000000.00",
        "3000000.00",
        None,
        [
            ("base", "3000000.00", "0.50", "1500000.00"),
            ("excess", "6000000.00", "0.15", "900000.00"),
            ("automation", "4000000.00", "0.15", "600000.00"),
        ],
        [("county", "3000000.00")],
    ),
    (
        "yongkang-2024",
        "yongkang-2024-drafting-note",
        "midlevel-pilot",
        {"total": "2000000", "automation": "900000"},
        G15,
        "600000.00",
        "900000.00",
        None,
        [("base", "2000000.00", "0.30", "600000.00")],
        [("county", "900000.00")],
    ),
    (
        "jinhua-pilot",
        "",
        "pilot",
        {"level": 3, "total": "1200000", "accepted_on": "2025-03-10"},
        [],
        "600000.00",
        "600000.00",
        None,
        [("pilot", "1200000.00", "0.50", "600000.00")],
        [("central", "240000.00"), ("local", "360000.00")],
    ),
    (
        "jinhua-pilot",
        "",
        "pilot",
        {"level": 2, "total": "1500000", "accepted_on": "2025-10-20"},
        [],
        "500000.00",
        "500000.00",
        "500000.00",
        [("pilot", "1500000.00", "0.40", "600000.00")],
        [("central", "200000.00"), ("local", "300000.00")],
    ),
    (
        "jinhua-pilot",
        "",
        "pilot",
        {"level": 4, "total": "3000000", "accepted_on": "2025-08-31"},
        [],
        "1000000.00",
        "1000000.00",
        "1000000.00",
        [("pilot", "3000000.00", "0.50", "1500000.00")],
        [("central", "400000.00"), ("local", "600000.00")],
    ),
]

INELIGIBLE = [
    ("yongkang-2024", "lightweight", {"total": "250000"}, "总投入低于30万元，不符合学样仿样推广项目条件"),
    ("jinhua-pilot", "pilot", {"level": 1, "total": "2000000", "accepted_on": "2025-05-01"}, "低于2级"),
    ("jinhua-pilot", "pilot", {"level": 3, "total": "2000000", "accepted_on": "2024-08-31"}, "不在试点实施期内"),
    ("jinhua-pilot", "pilot", {"level": 3, "total": "2000000", "accepted_on": "2026-09-01"}, "不在试点实施期内"),
]

worked_examples = pytest.mark.parametrize(
    ("slug", "version", "track", "values", "overrides", "subsidy", "total", "cap", "lines", "funding"), EXAMPLES
)

FLAG = {
    "n": "n-investment",
    "x": "x-investment",
    "total": "total-investment",
    "automation": "automation-investment",
    "accepted_on": "accepted-on",
}
FACT = {"n": "n_investment", "x": "x_investment", "total": "total_investment", "automation": "automation_investment"}


def facts_of(track, values):
    fields = {}
    for key, value in values.items():
        if key in FACT:
            fields[FACT[key]] = Decimal(value)
        elif key == "accepted_on":
            fields[key] = date.fromisoformat(value)
        else:
            fields[key] = value
    return engine.Facts(track=track, **fields)


def snapshot(slug, code="", overrides=(), track="lightweight"):
    version = policy_version_for_quote(program=Program.objects.get(slug=slug), code=code)
    kind = version.tracks.get(code=track).kind
    return policy_snapshot(version=version, overrides=[parse_override(text, track_kind=kind) for text in overrides])


def cli(slug, track, values, *, version="", overrides=(), awards=()):
    args = ["quote_subsidy", "--program", slug, "--track", track, "--json"]
    for key, value in values.items():
        args += [f"--{FLAG.get(key, key)}", str(value)]
    if version:
        args += ["--version", version]
    for text in overrides:
        args += ["--set", text]
    for text in awards:
        args += ["--award", text]
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


@worked_examples
def test_worked_examples_through_the_pure_function(
    slug, version, track, values, overrides, subsidy, total, cap, lines, funding
):
    result = engine.evaluate(snapshot(slug, version, overrides, track), facts_of(track, values))
    assert result.eligible
    assert [
        (line.component, str(line.base), str(line.rate.quantize(Decimal("0.01"))), str(line.amount))
        for line in result.subsidy_lines
    ] == lines
    assert str(result.subsidy) == subsidy and str(result.total) == total
    assert (None if result.cap is None else str(result.cap)) == cap
    assert [(line.source, str(line.amount)) for line in result.funding_lines] == funding


@worked_examples
def test_worked_examples_through_the_command(
    slug, version, track, values, overrides, subsidy, total, cap, lines, funding
):
    payload = cli(slug, track, values, version=version, overrides=overrides)
    assert payload["eligible"] is True
    assert [
        (line["component"], line["base"], line["rate"], line["amount"]) for line in payload["subsidy_lines"]
    ] == lines
    assert (payload["subsidy"], payload["total"], payload["cap"]) == (subsidy, total, cap)
    assert [(line["source"], line["amount"]) for line in payload["funding_lines"]] == funding
    assert set(payload) >= {
        "eligible",
        "reasons",
        "policy_version",
        "subsidy_lines",
        "subsidy_subtotal",
        "cap",
        "subsidy",
        "award_lines",
        "total",
        "funding_lines",
    }


def test_drafting_note_award_and_version_name():
    payload = cli(
        "yongkang-2024",
        "midlevel-pilot",
        {"total": "2000000", "automation": "900000"},
        version="yongkang-2024-drafting-note",
    )
    assert payload["policy_version"] == "yongkang-2024-drafting-note"
    assert payload["award_lines"] == [
        {"kind": "acceptance", "amount": "300000.00", "rule": payload["award_lines"][0]["rule"]}
    ]
    assert payload["subsidy"] == "600000.00" and payload["total"] == "900000.00"
    assert cli("yongkang-2024", "lightweight", {"total": "450000"})["policy_version"] == "yongkang-2024-opinion"


@pytest.mark.parametrize(("slug", "track", "values", "reason"), INELIGIBLE)
def test_ineligible_results_say_why(slug, track, values, reason):
    payload = cli(slug, track, values)
    assert payload["eligible"] is False
    assert any(reason in text for text in payload["reasons"]), payload["reasons"]
    assert payload["total"] == "0.00" and payload["subsidy_lines"] == [] and payload["funding_lines"] == []


def test_the_trace_is_in_the_active_language_chinese_by_default():
    policy = snapshot("wuyi-2024")
    facts = facts_of("lightweight", {"industry": "doors", "batch": 2, "n": "600000", "x": "200000"})
    with translation.override("en"):
        english = engine.evaluate(policy, facts).trace_text()
    with translation.override("zh-hans"):
        chinese = engine.evaluate(policy, facts).trace_text()
    assert english[1] == "X: 200,000.00 × 40% = 80,000.00 (X-part investment is subsidised at 40% whatever the batch)"
    assert chinese[1] == "X: 200,000.00 × 40% = 80,000.00（X部分投入不分批次，统一补助40%）"
    assert engine.evaluate(policy, facts).trace_text() == chinese


def test_unconfigured_general_rate_pays_nothing_above_the_ceiling_and_says_so():
    payload = cli("yongkang-2024", "lightweight", {"total": "800000"})
    assert payload["subsidy"] == "200000.00"
    assert [line["component"] for line in payload["subsidy_lines"]] == ["base"]
    assert any("尚未配置" in reason for reason in payload["reasons"])


def test_awards_within_and_beyond_their_maximum():
    payload = cli(
        "jinhua-pilot",
        "pilot",
        {"level": 3, "total": "1200000", "accepted_on": "2025-03-10"},
        awards=["standard-reached=300000", "new-tech=150000.50"],
    )
    assert payload["total"] == "1050000.50"
    # awards are matched 1:1.5 like the subsidy (seed 004 六(二)): central = 40% × 1,050,000.50 = 420,000.20
    assert payload["funding_lines"] == [
        {"source": "central", "amount": "420000.20"},
        {"source": "local", "amount": "630000.30"},
    ]
    split = cli(
        "jinhua-pilot",
        "pilot",
        {"level": 3, "total": "1200000", "accepted_on": "2025-03-10"},
        overrides=["city_share=0.35"],
    )
    assert split["funding_lines"] == [
        {"source": "central", "amount": "240000.00"},
        {"source": "city", "amount": "126000.00"},
        {"source": "county", "amount": "234000.00"},
    ]
    with pytest.raises(CommandError, match="award"):
        cli(
            "jinhua-pilot",
            "pilot",
            {"level": 3, "total": "1", "accepted_on": "2025-03-10"},
            awards=["chain-case=300000.01"],
        )
    with pytest.raises(CommandError, match="award"):
        cli("wuyi-2024", "lightweight", {"batch": 1, "n": "1"}, awards=["sample=90000"])
    assert (
        cli("wuyi-2024", "lightweight", {"batch": 1, "n": "100000"}, awards=["sample=150000"])["total"] == "210000.00"
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--program", "nowhere", "--track", "x"], "program"),
        (["--program", "wuyi-2024", "--track", "nope"], "track"),
        (
            [
                "--program",
                "wuyi-2024",
                "--track",
                "lightweight",
                "--industry",
                "ships",
                "--batch",
                "1",
                "--n-investment",
                "1",
            ],
            "industry",
        ),
        (["--program", "wuyi-2024", "--track", "lightweight", "--batch", "1", "--n-investment", "-5"], "n_investment"),
        (["--program", "wuyi-2024", "--track", "lightweight", "--batch", "1", "--n-investment", "abc"], "n_investment"),
        (
            [
                "--program",
                "jinhua-pilot",
                "--track",
                "pilot",
                "--level",
                "5",
                "--total-investment",
                "1",
                "--accepted-on",
                "2025-01-01",
            ],
            "level",
        ),
        (
            [
                "--program",
                "jinhua-pilot",
                "--track",
                "pilot",
                "--level",
                "0",
                "--total-investment",
                "1",
                "--accepted-on",
                "2025-01-01",
            ],
            "level",
        ),
        (
            [
                "--program",
                "jinhua-pilot",
                "--track",
                "pilot",
                "--level",
                "3",
                "--total-investment",
                "1",
                "--accepted-on",
                "2025-02-30",
            ],
            "accepted_on",
        ),
        (
            [
                "--program",
                "yongkang-2024",
                "--track",
                "lightweight",
                "--total-investment",
                "1",
                "--set",
                "general_informatization_rate=1.5",
            ],
            "set",
        ),
        (
            ["--program", "yongkang-2024", "--track", "lightweight", "--total-investment", "1", "--set", "bogus=1"],
            "set",
        ),
        (
            [
                "--program",
                "jinhua-pilot",
                "--track",
                "pilot",
                "--level",
                "3",
                "--total-investment",
                "1",
                "--accepted-on",
                "2025-01-01",
                "--award",
                "gold=1",
            ],
            "award",
        ),
        (
            ["--program", "yongkang-2024", "--track", "lightweight", "--version", "v9", "--total-investment", "1"],
            "version",
        ),
    ],
)
def test_bad_input_exits_with_a_message_naming_the_field(args, field):
    with pytest.raises(CommandError) as error:
        call_command("quote_subsidy", *args, "--json", stdout=io.StringIO())
    message = str(error.value)
    assert message.startswith(f"{field}:") and "\n" not in message


# --- properties ------------------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=20_000_000, places=2, allow_nan=False, allow_infinity=False)
TRACKS = [
    ("wuyi-2024", "", "lightweight"),
    ("yongkang-2024", "", "lightweight"),
    ("yongkang-2024", "", "saas"),
    ("yongkang-2024", "", "midlevel-pilot"),
    ("yongkang-2024", "", "midlevel-promotion"),
    ("yongkang-2024", "yongkang-2024-drafting-note", "midlevel-pilot"),
    ("jinhua-pilot", "", "pilot"),
]


def track_facts(track, kind, a, b, extra):
    if kind == "nx_batch":
        return engine.Facts(
            track=track, industry=extra["industry"], batch=extra["batch"], n_investment=a, x_investment=b
        )
    if kind == "level_year":
        return engine.Facts(track=track, total_investment=a, level=extra["level"], accepted_on=extra["accepted_on"])
    return engine.Facts(track=track, total_investment=a, automation_investment=b)


def highest_rate(policy, track):
    rates = []
    for key, value in {**policy.params, **policy.tracks[track].params}.items():
        if key.endswith("rate"):
            rates.extend(value.values() if isinstance(value, dict) else [value])
    return max(rates)


extras = st.fixed_dictionaries(
    {
        "industry": st.sampled_from(["kitchenware", "power-tools", "hardware", "leisure", "doors", "other"]),
        "batch": st.integers(min_value=1, max_value=6),
        "level": st.integers(min_value=1, max_value=4),
        "accepted_on": st.dates(min_value=date(2024, 6, 1), max_value=date(2026, 12, 31)),
    }
)


@pytest.mark.parametrize(("slug", "version", "track"), TRACKS)
def test_properties_of_every_track(slug, version, track):
    policy = snapshot(slug, version, G15 if slug == "yongkang-2024" else (), track)
    kind = policy.tracks[track].kind
    cap_key = "level_cap" if kind == "level_year" else "project_cap"
    top = highest_rate(policy, track)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(a=money, b=money, more=money, extra=extras)
    def check(a, b, more, extra):
        result = engine.evaluate(policy, track_facts(track, kind, a, b, extra))
        caps = policy.tracks[track].params.get(cap_key)
        if isinstance(caps, dict):
            caps = caps.get(extra["level"])
        if caps is not None:
            assert result.subsidy <= caps
        assert result.subsidy <= round_fen((a + b) * top)
        for line in result.subsidy_lines:
            assert line.amount == round_fen(line.base * line.rate)
            assert abs(line.amount - line.base * line.rate) <= Decimal("0.005")
        assert result.total == result.subsidy + sum((line.amount for line in result.award_lines), Decimal("0"))
        if result.funding_lines:
            assert sum(line.amount for line in result.funding_lines) == result.total
        # more investment never lowers the subsidy, in either figure
        for bigger in (track_facts(track, kind, a + more, b, extra), track_facts(track, kind, a, b + more, extra)):
            assert engine.evaluate(policy, bigger).subsidy >= result.subsidy

    check()
