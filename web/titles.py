"""Lifecycle titles and descriptions in the reader's language.

A definition's texts are :class:`workflow.engine.bilingual.Text`: the English as a string, with the Welsh
beside it. Templates need no change: the Jinja ``finalize`` prints a ``Text`` in the current locale, and the
template ``_()`` does the same for the values it formats in. Python code in ``web/`` that builds a string
from a title (form labels, choices, event lines, the PDF) calls :func:`local` first.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from jinja2 import pass_context
from jinja2.runtime import Context

from workflow.engine.bilingual import Text, in_language


def local(value: Any) -> Any:
    """``value`` in the current locale when it is a lifecycle :class:`Text`; anything else as it is."""
    return in_language(value, get_locale()) if isinstance(value, Text) else value


def init_app(app: Flask) -> None:
    """Print lifecycle texts in the current locale; call after flask_babel has installed ``gettext``."""
    env = app.jinja_env
    env.finalize = local
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        if name in env.globals:
            env.globals[name] = _localising(env.globals[name])


def _localising(translate: Any) -> Any:
    """Jinja's (newstyle) gettext with any ``Text`` among its values put in the current locale first."""

    @pass_context
    def call(context: Context, *args: Any, **variables: Any) -> Any:
        return context.call(translate, *args, **{k: local(v) for k, v in variables.items()})

    return call
