"""Fixtures of the reminder tests; the helpers they use live in reminders_support.py."""

from reminders_support import (  # noqa: F401 - fixtures are found by name
    engine,
    northbridge,
    relay_config,
    settings,
    smtp,
    who,
)
