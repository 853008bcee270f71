"""Fixtures of the web tests; the helpers they use live in web_support.py."""

from web_support import (  # noqa: F401 - fixtures are found by name
    accounts,
    app,
    client,
    honest,
    honest_template,
    with_passwords,
)
