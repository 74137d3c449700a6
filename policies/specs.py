"""Which parameters each rule kind reads, with their type and label: the policy's schema, in one place.

The pages show parameters in this order with these labels; validation checks versions against it.
"""

from dataclasses import dataclass

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
        ParamSpec("n_cap", AMOUNT, "N部分投入上限（按行业）", table="industry"),
        ParamSpec("n_cap_default", AMOUNT, "N部分投入上限（其他行业）"),
        ParamSpec("n_rate", RATE, "N部分补助比例（按改造批次，之后批次沿用最后一档）", table="batch"),
        ParamSpec("x_rate", RATE, "X部分补助比例"),
        ParamSpec("project_cap", AMOUNT, "单个项目最高补助", required=False),
    ),
    "tiered_total": (
        ParamSpec("floor", AMOUNT, "总投入下限（低于此不予补助）"),
        ParamSpec("ceiling", AMOUNT, "按比例补助的投入上限"),
        ParamSpec("rate", RATE, "补助比例"),
        ParamSpec("project_cap", AMOUNT, "单个项目最高补助", required=False),
    ),
    "midlevel_factory": (
        ParamSpec("floor", AMOUNT, "软硬件总投入下限"),
        ParamSpec("ceiling", AMOUNT, "按比例补助的软硬件投入上限"),
        ParamSpec("rate", RATE, "软硬件补助比例"),
        ParamSpec("automation_threshold", AMOUNT, "自动化设备投入门槛"),
        ParamSpec("automation_rate", RATE, "自动化设备补助比例"),
        ParamSpec("project_cap", AMOUNT, "单个项目最高补助"),
        ParamSpec("acceptance_award", AMOUNT, "验收通过后一次性奖励", required=False),
    ),
    "level_year": (
        ParamSpec("min_level", COUNT, "最低数字化水平等级"),
        ParamSpec("level_cap", AMOUNT, "补助上限（按改造后数字化水平等级）", table="level"),
        ParamSpec("year_rate", RATE, "补助比例（按试点实施年度）", table="year"),
    ),
}

# Parameters any track may carry, whatever its rule kind: who may file it and how many projects at once.
COMMON_TRACK_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "open_projects_max",
        COUNT,
        "每家企业在本申报类型同时在办的项目数上限",
        required=False,
        help="在办：已提交、退回修改、重新提交或已批准的项目；未配置时为1。",
    ),
    ParamSpec("pilots_only", COUNT, "仅限认定的试点企业申报（1=是）", required=False),
    ParamSpec("pilots_excluded", COUNT, "认定的试点企业不得申报（1=是）", required=False),
    ParamSpec(
        "after_industry_pilot_accepted",
        COUNT,
        "本行业已有试点项目验收通过后方可申报（1=是）",
        required=False,
    ),
)

VERSION_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "general_informatization_rate",
        RATE,
        "“一般信息化项目”补助标准",
        required=False,
        help="超过上限部分按此比例补助；未配置时超出部分不予补助。",
    ),
    ParamSpec("approval_date", DATE, "试点批复日", required=False),
    ParamSpec("pilot_end", DATE, "试点结束日", required=False),
    ParamSpec("central_share", RATE, "中央资金占补助比例", required=False, help="中央:地方 = 1:1.5 即 0.40。"),
    ParamSpec("city_share", RATE, "地方资金中市级承担比例", required=False, help="未配置时地方资金不再细分为市、县。"),
    ParamSpec("central_pool", AMOUNT, "中央资金池总额", required=False),
    ParamSpec("award_max", AMOUNT, "奖励最高额（按奖励类别）", required=False, table="award"),
    ParamSpec("award_min", AMOUNT, "奖励最低额（按奖励类别）", required=False, table="award"),
    ParamSpec("award_fixed", AMOUNT, "固定金额奖励（按奖励类别）", required=False, table="award"),
    ParamSpec(
        "award_central_share",
        RATE,
        "奖励中的中央资金占比（按奖励类别）",
        required=False,
        table="award",
        help="未配置的类别与补助相同（中央资金占比）；0 即全部由地方承担。",
    ),
    ParamSpec("standard_level", COUNT, "数字化转型达标等级（改造后达到此等级为达标）", required=False),
    ParamSpec(
        "contract_budget_tolerance",
        AMOUNT,
        "合同金额与申报明细合计的允许差额",
        required=False,
        help="未配置时两者须相等。",
    ),
    ParamSpec("sample_quota", COUNT, "样本企业名额（按行业）", required=False, table="industry"),
    ParamSpec("pilot_quota_min", COUNT, "每个行业试点企业数（下限）", required=False),
    ParamSpec("pilot_quota_max", COUNT, "每个行业试点企业数（上限）", required=False),
    ParamSpec("selected_providers_per_industry", COUNT, "每个行业中选服务商数", required=False),
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
