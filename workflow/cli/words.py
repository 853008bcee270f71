"""The command line's words: its messages in the language chosen by ``BANNS_LANGUAGE`` (or the locale's,
``LANG=cy_GB.UTF-8``), from the engine's catalogue (``workflow/words/translations``).

Every message the command line prints is written ``_("Created programme {id}.", id=view.id)``: ``_`` marks it
for ``make i18n`` and translates it, and the values fill its named placeholders after translation. The engine's
errors and reasons are rendered by :func:`error` and :func:`reason` through the same catalogue.
"""

from __future__ import annotations

from typing import Any

from ..engine.bilingual import in_language
from ..engine.errors import BannsError
from ..engine.reasons import Reason
from ..engine.yamlsource import Problem, SourceError
from ..words import Gettext, describe, problem_message, problem_text, say
from ..words.language import chosen_language, gettext_for


def language() -> str:
    """The command line's language now (read each time: tests and embedders set it per call)."""
    return chosen_language()


def words() -> Gettext:
    """The catalogue's gettext in the command line's language."""
    return gettext_for(language())


def _(msgid: str, /, **values: Any) -> str:
    """``msgid`` in the command line's language, its ``{placeholders}`` filled with ``values`` (a lifecycle's
    title among them in that language where the file gives it)."""
    return words()(msgid).format_map({key: local(value) for key, value in values.items()})


def local(value: Any) -> Any:
    """A lifecycle's title (a :class:`~workflow.engine.bilingual.Text`) in the command line's language;
    anything else as it is."""
    return in_language(value, language())


def error(exc: BannsError | SourceError) -> str:
    """What an engine's error says, in the command line's language (a wrong file's problems one to a line)."""
    return say(exc, words(), language())


def problem(found: Problem) -> str:
    """A wrong file's problem, ``file:line: field: message``, in the command line's language."""
    return problem_text(found, words(), language())


def reason(found: Reason) -> str:
    """An engine's reason, in the command line's language."""
    return describe(found, words(), language())


def problem_words(found: Problem) -> str:
    """What is wrong in a file's problem, without where, in the command line's language."""
    return problem_message(found, words(), language())
