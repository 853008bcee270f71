"""Fixtures of the API tests: the web tests' app and people (tests/web/web_support.py), and tokens."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))

from web_support import (  # noqa: F401 - fixtures are found by name
    accounts,
    app,
    client,
    honest,
    honest_template,
    with_passwords,
)
