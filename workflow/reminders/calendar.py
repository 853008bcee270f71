"""Working days per UK nation: moved down to :mod:`workflow.engine.calendar` so the engine and the records can
count them too; kept here so existing imports go on working."""

from workflow.engine.calendar import *  # noqa: F403
from workflow.engine.calendar import (
    NATIONS,
    add_days,
    add_months,
    bank_holidays,
    is_working_day,
    occurrences,
    working_day_on_or_before,
)

__all__ = [
    "NATIONS",
    "add_days",
    "add_months",
    "bank_holidays",
    "is_working_day",
    "occurrences",
    "working_day_on_or_before",
]
