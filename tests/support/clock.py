"""Times as the programs count them: in Asia/Shanghai."""

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    """`day` (ISO) at `hour` o'clock in Asia/Shanghai."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)
