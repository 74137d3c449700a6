"""Which parameters each rule kind reads, with their type and label: the policy's schema, in one place.

The pages show parameters in this order with these labels; validation checks versions against it. Labels and help
are lazy translations: keys, types and tables are codes.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

RATE, AMOUNT, DATE, COUNT = "rate", "amount", "date", "count"


@dataclass(frozen=True)
class ParamSpec:
    key: str
    type: str
    label: str
    required: bool = True
    table: str = ""  # "" scalar, else what the qualifier names: industry, batch, level, year, award
    help: str = ""


TRACK_SPECS: dict[str, tuple[ParamSpec, ...]] = {
    "nx_batch": (
        ParamSpec("n_cap", AMOUNT, _("N-part investment cap (by industry)"), table="industry"),
        ParamSpec("n_cap_default", AMOUNT, _("N-part investment cap (other industries)")),
        ParamSpec(
            "n_rate",
            RATE,
            _("N-part subsidy rate (by participation batch; later batches keep the last rate)"),
            table="batch",
        ),
        ParamSpec("x_rate", RATE, _("X-part subsidy rate")),
        ParamSpec("project_cap", AMOUNT, _("Maximum subsidy of one project"), required=False),
    ),
    "tiered_total": (
        ParamSpec("floor", AMOUNT, _("Total investment floor (no subsidy below it)")),
        ParamSpec("ceiling", AMOUNT, _("Investment ceiling of the rated subsidy")),
        ParamSpec("rate", RATE, _("Subsidy rate")),
        ParamSpec("project_cap", AMOUNT, _("Maximum subsidy of one project"), required=False),
    ),
    "midlevel_factory": (
        ParamSpec("floor", AMOUNT, _("Software and hardware investment floor")),
        ParamSpec("ceiling", AMOUNT, _("Software and hardware investment ceiling of the rated subsidy")),
        ParamSpec("rate", RATE, _("Software and hardware subsidy rate")),
        ParamSpec("automation_threshold", AMOUNT, _("Automation equipment investment threshold")),
        ParamSpec("automation_rate", RATE, _("Automation equipment subsidy rate")),
        ParamSpec("project_cap", AMOUNT, _("Maximum subsidy of one project")),
        ParamSpec("acceptance_award", AMOUNT, _("One-off award once acceptance is passed"), required=False),
    ),
    "level_year": (
        ParamSpec("min_level", COUNT, _("Lowest digital level")),
        ParamSpec("level_cap", AMOUNT, _("Subsidy cap (by digital level after the transformation)"), table="level"),
        ParamSpec("year_rate", RATE, _("Subsidy rate (by year of the pilot period)"), table="year"),
    ),
}

# Parameters any track may carry, whatever its rule kind: who may file it and how many projects at once.
COMMON_TRACK_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "open_projects_max",
        COUNT,
        _("Most projects one enterprise may have open at once in this track"),
        required=False,
        help=_("Open: submitted, returned for changes, resubmitted or approved. 1 when not configured."),
    ),
    ParamSpec("pilots_only", COUNT, _("Only designated pilot enterprises may apply (1 = yes)"), required=False),
    ParamSpec("pilots_excluded", COUNT, _("Designated pilot enterprises may not apply (1 = yes)"), required=False),
    ParamSpec(
        "after_industry_pilot_accepted",
        COUNT,
        _("Open only once a pilot project of the industry has passed acceptance (1 = yes)"),
        required=False,
    ),
)

VERSION_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "general_informatization_rate",
        RATE,
        _("“General informatization project” subsidy standard"),
        required=False,
        help=_("The part above the ceiling is subsidised at this rate; when not configured, it gets no subsidy."),
    ),
    ParamSpec("approval_date", DATE, _("Pilot approval date"), required=False),
    ParamSpec("pilot_end", DATE, _("Pilot end date"), required=False),
    ParamSpec(
        "central_share",
        RATE,
        _("Central funds' share of the subsidy"),
        required=False,
        help=_("Central : local = 1 : 1.5 is 0.40."),
    ),
    ParamSpec(
        "city_share",
        RATE,
        _("City's share of the local funds"),
        required=False,
        help=_("When not configured, local funds are not split into city and county."),
    ),
    ParamSpec("central_pool", AMOUNT, _("Total of the central funds pool"), required=False),
    ParamSpec("award_max", AMOUNT, _("Award maximum (by award kind)"), required=False, table="award"),
    ParamSpec("award_min", AMOUNT, _("Award minimum (by award kind)"), required=False, table="award"),
    ParamSpec("award_fixed", AMOUNT, _("Fixed award (by award kind)"), required=False, table="award"),
    ParamSpec(
        "award_central_share",
        RATE,
        _("Central funds' share of an award (by award kind)"),
        required=False,
        table="award",
        help=_("A kind not configured takes the subsidy's central share; 0 means all local."),
    ),
    ParamSpec(
        "standard_level",
        COUNT,
        _("Digital transformation standard level (reaching it after the transformation meets the standard)"),
        required=False,
    ),
    ParamSpec(
        "contract_budget_tolerance",
        AMOUNT,
        _("Allowed difference between the contract amount and the total of the filed items"),
        required=False,
        help=_("When not configured, the two must be equal."),
    ),
    ParamSpec("sample_quota", COUNT, _("Sample enterprise quota (by industry)"), required=False, table="industry"),
    ParamSpec("pilot_quota_min", COUNT, _("Pilot enterprises per industry (minimum)"), required=False),
    ParamSpec("pilot_quota_max", COUNT, _("Pilot enterprises per industry (maximum)"), required=False),
    ParamSpec("selected_providers_per_industry", COUNT, _("Selected service providers per industry"), required=False),
)

VERSION_SPEC_BY_KEY = {spec.key: spec for spec in VERSION_SPECS}

# Which kinds need which version-wide parameters.
KIND_NEEDS = {"level_year": ("approval_date",)}

INTEGER_TABLES = {"batch", "level", "year"}


def track_specs(kind: str) -> tuple[ParamSpec, ...]:
    """The parameters a track of rule kind `kind` may carry: its kind's, then those of every track."""
    return TRACK_SPECS.get(kind, ()) + COMMON_TRACK_SPECS


def track_spec(kind: str, key: str) -> ParamSpec | None:
    return next((spec for spec in track_specs(kind) if spec.key == key), None)
