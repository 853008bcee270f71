"""The engine's errors: one base, subclasses that carry what a person needs to act on them.

``web/`` and the command line map these once: not found, not allowed, conflict, invalid, refused.

An error says what is wrong as data, never as a sentence: ``message`` is an English msgid with named
placeholders (``"no partner with id {partner_id}"``), marked with :func:`N_` where it is raised so that
``make i18n`` extracts it into the catalogue, and ``values`` fill it. :func:`workflow.words.say` renders it
in a person's language; ``str()`` of an error is its English, for logs and tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from .reasons import Reason


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue without translating it here: it is translated where it is shown
    (:func:`workflow.words.say`)."""
    return msgid


class Word(str):
    """A value that is itself words to translate (a kind, a field's name), not a name or a number:
    ``kind=Word(N_("risk"))``. Rendered through the catalogue like the message around it."""

    __slots__ = ()


class Worded(str):
    """A reason that must also pass as text (a figure check's why, which a decision pack keeps as it was said):
    its English, given by the caller, and the :class:`~.reasons.Reason` that :mod:`workflow.words` renders
    in a person's language."""

    reason: Reason

    def __new__(cls, english: str, reason: Reason) -> Worded:
        made = super().__new__(cls, english)
        made.reason = reason
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Worded, (str(self), self.reason))


class Lines(tuple[Any, ...]):
    """A list of values each on a line of its own (a wrong setting's problems), not joined with commas:
    ``problems=Lines(errors)``."""

    __slots__ = ()


@dataclass(frozen=True)
class Day:
    """A day written out with its month's name in the reader's language: "04 January 2027", "04 Ionawr 2027"
    (``str()``: the English)."""

    value: date

    def in_(self, language: str) -> str:
        return format_date(self.value, "dd MMMM y", locale=language)

    def __str__(self) -> str:
        return self.in_("en")

    def __format__(self, spec: str) -> str:
        return str(self)


class Phrase(str):
    """A msgid filled with its values that is itself text: its English, so that it passes wherever a string is
    expected (a form's problem, a file's problem), while :mod:`workflow.words` renders it in a person's
    language from ``message`` and ``values``. ``Phrase(N_("is at most {most} characters"), most=100)``."""

    message: str
    values: dict[str, Any]

    def __new__(cls, message: str, /, **values: Any) -> Phrase:
        made = super().__new__(cls, english(message, values))
        made.message, made.values = message, values
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (_phrase, (self.message, self.values))


def _phrase(message: str, values: dict[str, Any]) -> Phrase:
    return Phrase(message, **values)


class BannsError(Exception):
    """Base of every error the engine raises on purpose: ``message`` (a msgid with ``{placeholders}``) and
    ``values`` to fill it."""

    def __init__(self, message: str = "", /, **values: Any) -> None:
        self.message = message
        self.values: dict[str, Any] = values
        super().__init__(english(message, values))


def english(message: str, values: dict[str, Any]) -> str:
    """``message`` filled with ``values`` as they stand: the English an error's ``str()`` gives (logs, tests).
    A message with no values is text as it is (worded already, braces and all)."""
    if not values:
        return message
    shown = {key: _english(value) for key, value in values.items()}
    return message.format_map(shown)


def _english(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ("\n" if isinstance(value, Lines) else ", ").join(str(_english(v)) for v in value)
    if isinstance(value, Reason):  # for logs: the code and its facts ("definition_unreadable: version=2, ...")
        facts = ", ".join(f"{key}={_english(v)}" for key, v in value.values.items())
        return f"{value.code}: {facts}" if facts else value.code
    return "" if value is None else value


class NotFoundError(BannsError):
    """A programme, person, partner or definition that does not exist."""


class InvalidError(BannsError):
    """Input that is wrong: says which field (``field``, a form's or file's name for it) and why."""

    def __init__(self, message: str, /, field: str | None = None, **values: Any) -> None:
        self.field = field
        super().__init__(message, **values)


class BrokenDefinitionError(BannsError):
    """The lifecycle a programme is pinned to cannot be read: its stored text is missing, or no longer reads
    (a figure check it names is not installed, or a newer banns reads it differently). Only the programmes
    pinned to it are affected."""

    def __init__(self, source_hash: str, reason: Reason) -> None:
        self.source_hash = source_hash
        self.reason = reason  # DEFINITION_TEXT_MISSING or DEFINITION_UNREADABLE
        super().__init__(N_("the lifecycle this programme runs on cannot be read: {reason}"), reason=reason)


class NotAllowedError(BannsError):
    """The person may not do this on this programme."""


class ConflictError(BannsError):
    """Someone else changed the programme since it was read; reload and try again."""

    def __init__(self, programme_id: int, message: str | None = None, /, **values: Any) -> None:
        self.programme_id = programme_id
        message = message or N_(
            "programme {programme_id} was changed by someone else meanwhile; nothing was saved. Reload it and "
            "try again."
        )
        super().__init__(message, **{"programme_id": programme_id, **values})


class MoveRefusedError(BannsError):
    """A move that is not possible now; ``reasons`` says why, as codes and values (:mod:`.reasons`), which
    :mod:`workflow.words` renders in a person's language. Its text names the move and the codes, for logs.

    ``move`` is a code (``advance``, ``withdraw_evidence``, or one of a lifecycle's own outcome moves such as
    ``abandon``); ``move_title`` names a lifecycle's own move in its words (the title of the outcome it
    reaches, a :class:`~workflow.engine.bilingual.Text`) where the engine knows it; ``state_title`` names the
    stage it was refused from in the lifecycle's words, where the engine has the lifecycle at hand."""

    def __init__(
        self,
        programme_id: int,
        move: str,
        state: str,
        reasons: Iterable[Reason],
        *,
        move_title: str | None = None,
        state_title: str | None = None,
    ) -> None:
        self.programme_id = programme_id
        self.move = move
        self.move_title = move_title
        self.state = state
        self.state_title = state_title
        self.reasons: tuple[Reason, ...] = tuple(reasons)
        codes = ", ".join(r.code for r in self.reasons)
        super().__init__(f"move refused: {move} programme={programme_id} state={state} reasons={codes}")
