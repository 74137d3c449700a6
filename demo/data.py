"""The demo's reference data: its three programs, their batches and calendars, the enterprises, providers and
other organisations with their facts, the target lists and the designated pilots. `demo.build` writes them."""

from datetime import date, timedelta

from enterprises.models import OutputBand
from organisations.models import OrganisationKind
from policies.models import Scale
from programs.models import CalendarDayKind
from providers.models import PoolStatus

PROGRAMS = [
    {
        "slug": "wuyi-2024",
        "region": "330723",
        "name": "武义县细分行业中小企业轻量级数字化改造",
        "name_en": "Wuyi County lightweight digital transformation of SMEs in key industries",
        "short_name": "武义轻量级数改",
        "short_name_en": "Wuyi lightweight",
        "bureau_name": "武义县经济商务局",
        "bureau_name_en": "Wuyi County Bureau of Economy and Commerce",
        "policy_reference": "武制高办〔2024〕2号",
        "starts_on": date(2024, 4, 29),
        "ends_on": date(2025, 12, 31),
        "is_public": True,
        "description": "以餐厨用品、电动工具、休闲用品、五金加工、门等5个行业为重点细分行业，采取“N+X”改造方式。",
        "catalogue_industries": [],
    },
    {
        "slug": "yongkang-2024",
        "region": "330784",
        "name": "永康市学样仿样推广中小企业数字化改造",
        "name_en": "Yongkang City “learn from samples” SME digital transformation",
        "short_name": "永康学样仿样",
        "short_name_en": "Yongkang samples",
        "bureau_name": "永康市经济和信息化局",
        "bureau_name_en": "Yongkang City Bureau of Economy and Information Technology",
        "policy_reference": "关于深入实施学样仿样推广法 加快中小企业数字化改造的意见（征求意见稿）",
        "starts_on": date(2024, 6, 1),
        "ends_on": date(2025, 12, 31),
        "is_public": True,
        "description": (
            "“行业云平台+小快轻准产品服务”模式，推进电动（园林）工具行业“中级数智工厂”建设及规下企业SaaS推广。"
        ),
        "catalogue_industries": ["power-tools"],
    },
    {
        "slug": "jinhua-pilot",
        "region": "3307",
        "name": "金华市中小企业数字化转型城市试点",
        "name_en": "Jinhua City national pilot of SME digital transformation",
        "short_name": "金华城市试点",
        "short_name_en": "Jinhua pilot",
        "bureau_name": "金华市经济和信息化局",
        "bureau_name_en": "Jinhua City Bureau of Economy and Information Technology",
        "policy_reference": "金华市中小企业数字化转型城市试点实施方案",
        "starts_on": date(2024, 9, 1),
        "ends_on": date(2026, 9, 30),
        "is_public": False,
        "description": "聚焦电动工具、磁性材料、服装3个行业，按数字化水平等级给予补助，中央与地方资金1:1.5配套。",
        "catalogue_industries": [],
    },
]

BATCHES = {
    "wuyi-2024": [
        (1, "第一批", date(2024, 5, 6), date(2024, 7, 31)),
        (2, "第二批", date(2024, 8, 1), date(2024, 11, 30)),
        (3, "第三批", date(2024, 12, 1), date(2025, 6, 30)),
    ],
    "yongkang-2024": [
        (1, "第一批", date(2024, 6, 1), date(2024, 12, 31)),
        (2, "第二批", date(2025, 1, 1), date(2025, 6, 30)),
    ],
    "jinhua-pilot": [
        (1, "2024年度", date(2024, 9, 1), date(2024, 12, 31)),
        (2, "2025年度", date(2025, 1, 1), date(2025, 12, 31)),
    ],
}

CALENDAR = [
    (date(2024, 9, 14), CalendarDayKind.WORKDAY, "中秋节调休上班"),
    (date(2024, 9, 16), CalendarDayKind.HOLIDAY, "中秋节"),
    (date(2024, 9, 17), CalendarDayKind.HOLIDAY, "中秋节"),
    (date(2024, 9, 29), CalendarDayKind.WORKDAY, "国庆节调休上班"),
    *[(date(2024, 10, day), CalendarDayKind.HOLIDAY, "国庆节") for day in range(1, 8)],
    (date(2024, 10, 12), CalendarDayKind.WORKDAY, "国庆节调休上班"),
    (date(2025, 1, 1), CalendarDayKind.HOLIDAY, "元旦"),
    (date(2025, 1, 26), CalendarDayKind.WORKDAY, "春节调休上班"),
    *[(date(2025, 1, day), CalendarDayKind.HOLIDAY, "春节") for day in range(28, 32)],
    *[(date(2025, 2, day), CalendarDayKind.HOLIDAY, "春节") for day in range(1, 5)],
    (date(2025, 2, 8), CalendarDayKind.WORKDAY, "春节调休上班"),
]


def _days(first: date, last: date, kind, name):
    return [(first + timedelta(days=n), kind, name) for n in range((last - first).days + 1)]


# The State Council's 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知).
CALENDAR_2026 = [
    *_days(date(2026, 1, 1), date(2026, 1, 3), CalendarDayKind.HOLIDAY, "元旦"),
    (date(2026, 1, 4), CalendarDayKind.WORKDAY, "元旦调休上班"),
    (date(2026, 2, 14), CalendarDayKind.WORKDAY, "春节调休上班"),
    *_days(date(2026, 2, 15), date(2026, 2, 23), CalendarDayKind.HOLIDAY, "春节"),
    (date(2026, 2, 28), CalendarDayKind.WORKDAY, "春节调休上班"),
    *_days(date(2026, 4, 4), date(2026, 4, 6), CalendarDayKind.HOLIDAY, "清明节"),
    *_days(date(2026, 5, 1), date(2026, 5, 5), CalendarDayKind.HOLIDAY, "劳动节"),
    (date(2026, 5, 9), CalendarDayKind.WORKDAY, "劳动节调休上班"),
    *_days(date(2026, 6, 19), date(2026, 6, 21), CalendarDayKind.HOLIDAY, "端午节"),
    (date(2026, 9, 20), CalendarDayKind.WORKDAY, "国庆节调休上班"),
    *_days(date(2026, 9, 25), date(2026, 9, 27), CalendarDayKind.HOLIDAY, "中秋节"),
    *_days(date(2026, 10, 1), date(2026, 10, 7), CalendarDayKind.HOLIDAY, "国庆节"),
    (date(2026, 10, 10), CalendarDayKind.WORKDAY, "国庆节调休上班"),
]

# (program, name, industry code, township code or None, scale, output band, specialised, little giant, level)
ENTERPRISES = [
    (
        "wuyi-2024",
        "浙江武义炊具制造有限公司",
        "kitchenware",
        "330723.01",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "武义县金厨不锈钢制品有限公司",
        "kitchenware",
        "330723.06",
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        True,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "浙江壶山电动工具有限公司",
        "power-tools",
        "330723.02",
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        True,
        2,
    ),
    (
        "wuyi-2024",
        "武义泉溪五金工具厂",
        "hardware",
        "330723.07",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        0,
    ),
    (
        "wuyi-2024",
        "浙江熟溪休闲用品有限公司",
        "leisure",
        "330723.03",
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        False,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "武义桐琴门业有限公司",
        "doors",
        "330723.06",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
    (
        "wuyi-2024",
        "武义王宅机械配件有限公司",
        "other",
        "330723.09",
        Scale.BELOW,
        OutputBand.UNDER_100M,
        False,
        False,
        0,
    ),
    (
        "yongkang-2024",
        "永康市江南防盗门有限公司",
        "security-doors",
        "330784.03",
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        False,
        2,
    ),
    (
        "yongkang-2024",
        "浙江芝英保温杯有限公司",
        "thermos-cups",
        "330784.14",
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        False,
        False,
        1,
    ),
    (
        "yongkang-2024",
        "永康古山健康休闲器材厂",
        "health-leisure",
        "330784.07",
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
    (
        "yongkang-2024",
        "浙江方岩园林工具有限公司",
        "power-tools",
        "330784.08",
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        True,
        2,
    ),
    (
        "yongkang-2024",
        "永康市石柱小型电动工具厂",
        "power-tools",
        "330784.04",
        Scale.BELOW,
        OutputBand.UNDER_100M,
        False,
        False,
        0,
    ),
    (
        "jinhua-pilot",
        "浙江壶山电动工具有限公司",
        "power-tools",
        None,
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        True,
        2,
    ),
    (
        "jinhua-pilot",
        "金华东磁磁性材料有限公司",
        "magnetic-materials",
        None,
        Scale.ABOVE,
        OutputBand.OVER_200M,
        True,
        False,
        2,
    ),
    (
        "jinhua-pilot",
        "义乌市锦绣服装有限公司",
        "garments",
        None,
        Scale.ABOVE,
        OutputBand.FROM_100M_TO_200M,
        False,
        False,
        1,
    ),
    (
        "jinhua-pilot",
        "兰溪市纺织服饰有限公司",
        "garments",
        None,
        Scale.ABOVE,
        OutputBand.UNDER_100M,
        False,
        False,
        1,
    ),
]

# (name, {program: (industry codes, status)})
PROVIDERS = [
    (
        "浙江数智工联科技有限公司",
        {
            "wuyi-2024": (["kitchenware", "hardware"], PoolStatus.SELECTED),
            "jinhua-pilot": (["power-tools", "garments"], PoolStatus.SELECTED),
        },
    ),
    (
        "金华云工厂信息技术有限公司",
        {
            "wuyi-2024": (["power-tools", "leisure"], PoolStatus.SELECTED),
            "yongkang-2024": (["power-tools"], PoolStatus.SELECTED),
        },
    ),
    (
        "杭州轻量化软件服务有限公司",
        {
            "wuyi-2024": (["doors", "kitchenware"], PoolStatus.POOL),
            "yongkang-2024": (["security-doors", "thermos-cups"], PoolStatus.SELECTED),
        },
    ),
    ("永康五金云平台运营有限公司", {"yongkang-2024": (["health-leisure", "thermos-cups"], PoolStatus.POOL)}),
    ("金华磁材数字化服务有限公司", {"jinhua-pilot": (["magnetic-materials"], PoolStatus.SELECTED)}),
]

OTHER_ORGANISATIONS = [
    ("武义县经济商务局", OrganisationKind.BUREAU, "11330723"),
    ("永康市经济和信息化局", OrganisationKind.BUREAU, "11330784"),
    ("金华市经济和信息化局", OrganisationKind.BUREAU, "11330700"),
    ("武义县五金行业协会", OrganisationKind.ASSOCIATION, "51330723"),
    ("浙江之江会计师事务所有限公司", OrganisationKind.AUDIT_FIRM, "91330100"),
    ("金华智能制造研究院", OrganisationKind.INSTITUTION, "12330700"),
    ("浙江正衡工程监理有限公司", OrganisationKind.SUPERVISION_FIRM, "91330700"),
]

# The acceptance panel's other experts (`<prefix>-expert2`, `-expert3`): organisations that neither file nor
# implement projects, so no conflict of interest keeps them off a panel.
EXPERT_ORGANISATIONS = [
    ("浙江师范大学", OrganisationKind.INSTITUTION, "12330000"),
    ("金华职业技术学院", OrganisationKind.INSTITUTION, "12330700"),
]

# A second enterprise login per program (`<prefix>-enterprise2`): the demo's projects in implementation are
# theirs, so the first demo enterprise may file on its track today.
SECOND_ENTERPRISE = {
    "wuyi-2024": "武义县金厨不锈钢制品有限公司",
    "yongkang-2024": "浙江芝英保温杯有限公司",
    "jinhua-pilot": "金华东磁磁性材料有限公司",
}

# The target lists (摸底企业清单) the bureaus import, beyond the program's own enterprises that have a township:
# (name, township code, industry code, scale as the template writes it).
TARGETS = {
    "wuyi-2024": [
        ("武义履坦厨具有限公司", "330723.05", "kitchenware", "规上"),
        ("武义桃溪五金制品厂", "330723.10", "hardware", "规下"),
        ("武义开发区电动工具有限公司", "330723.19", "power-tools", "规上"),
        ("武义柳城休闲用品厂", "330723.04", "leisure", "规下"),
    ],
    "yongkang-2024": [
        ("永康市象珠保温杯厂", "330784.11", "thermos-cups", "规下"),
        ("永康市西城防盗门有限公司", "330784.02", "security-doors", "规上"),
        ("永康市龙山电动工具有限公司", "330784.09", "power-tools", "规上"),
    ],
    # The city's list in its counties that have townships here: power-tool makers of Wuyi and Yongkang.
    "jinhua-pilot": [
        ("浙江壶山电动工具有限公司", "330723.02", "power-tools", "规上"),
        ("浙江方岩园林工具有限公司", "330784.08", "power-tools", "规上"),
        ("永康市石柱小型电动工具厂", "330784.04", "power-tools", "规下"),
    ],
}
# Designated pilots (试点企业) of the Jinhua pilot, from its target list: (name, reason).
PILOTS = {
    "jinhua-pilot": [
        ("浙江壶山电动工具有限公司", "电动工具行业专精特新“小巨人”，改造意愿强、管理基础好，可复制性强"),
    ],
}
