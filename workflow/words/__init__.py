"""Words for the engine's reasons and errors: one renderer for the web, the command line, the API and the
emails.

The engine says why as data (:class:`~workflow.engine.reasons.Reason`: a code and its values; an error: a
msgid and its values); here each code has its English msgid (:mod:`.catalogue`), and :func:`describe` (a
reason), :func:`say` (an error) and :func:`problem_text` (a file's problem) translate it with the gettext
they are given (:func:`.language.gettext_for`: the page's language on the web, ``BANNS_LANGUAGE`` on the
command line; :func:`english` by default) and fill in the values. Nothing here knows the request or the
person: the caller picks the language by the gettext it passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..engine.bilingual import Text
from ..engine.errors import BannsError, Day, Lines, MoveRefusedError, Phrase, Word, Worded
from ..engine.reasons import Reason
from ..engine.yamlsource import Either, Problem, SourceError
from .catalogue import N_, TERMS, WORDS, Words

__all__ = [
    "N_",
    "TERMS",
    "WORDS",
    "Gettext",
    "as_data",
    "capital",
    "describe",
    "english",
    "problem_message",
    "problem_text",
    "refusal",
    "say",
    "sentence",
]

Gettext = Callable[[str], str]


def english(msgid: str) -> str:
    """The identity gettext: the msgid is the English."""
    return msgid


def describe(reason: Reason, gettext: Gettext = english, language: object = None) -> str:
    """``reason`` in words: its msgid translated by ``gettext``, its values filled in (codes among them
    translated too; a lifecycle's title in ``language`` where the file gives it in that language, else in
    English). Raises KeyError for a code with no words or a placeholder with no value."""
    if reason.code in TERMS:
        value = str(next(iter(reason.values.values()), ""))
        msgid = TERMS[reason.code].get(value)
        return gettext(msgid) if msgid else value.replace("_", " ")
    words = WORDS[reason.code]
    msgid = _msgid(words, reason.values)
    filled = {key: _value(value, words.joins.get(key), gettext, language) for key, value in reason.values.items()}
    return gettext(msgid).format_map(filled)


def sentence(reason: Reason, gettext: Gettext = english, language: object = None) -> str:
    """:func:`describe`, with a capital letter: a line of its own on a page."""
    return capital(describe(reason, gettext, language))


def say(error: BannsError | SourceError, gettext: Gettext = english, language: object = None) -> str:
    """What ``error`` says, in words: its message translated by ``gettext`` and filled with its values
    (words among them translated, lifecycle titles in ``language``); a refused move with its reasons; a wrong
    file's problems, one to a line."""
    if isinstance(error, SourceError):
        return "\n".join(problem_text(p, gettext, language) for p in error.problems)
    if isinstance(error, MoveRefusedError):
        return refusal(error, gettext, language)
    if not error.message:
        return gettext(N_("something went wrong"))
    if not error.values:  # a message with no values is said as it is (text worded already may hold braces)
        return gettext(error.message)
    filled = {key: _value(value, None, gettext, language) for key, value in error.values.items()}
    return gettext(error.message).format_map(filled)


def problem_text(problem: Problem, gettext: Gettext = english, language: object = None) -> str:
    """A wrong file's problem as a line of its own: ``file:line: field: message``, the message in words."""
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    message = problem_message(problem, gettext, language)
    return f"{where}: {problem.field}: {message}" if problem.field else f"{where}: {message}"


def problem_message(problem: Problem | Phrase, gettext: Gettext = english, language: object = None) -> str:
    """What is wrong, without where (a page shows the line and field beside it): the msgid translated by
    ``gettext`` and filled with its values, rendered in turn."""
    filled = {key: _value(value, None, gettext, language) for key, value in problem.values.items()}
    return gettext(problem.message).format_map(filled)


def _either(options: Either, gettext: Gettext, language: object) -> str:
    """Alternatives, ``a or b or c``: each pair joined by the catalogue's ``{first} or {second}``."""
    shown = [_value(option, None, gettext, language) for option in options.options]
    text = shown[0] if shown else ""
    for option in shown[1:]:
        text = gettext(N_("{first} or {second}")).format(first=text, second=option)
    return text


def capital(text: str) -> str:
    """``text`` with a capital first letter (an error or reason that stands as a sentence of its own)."""
    return text[:1].upper() + text[1:]


def refusal(error: MoveRefusedError, gettext: Gettext = english, language: object = None) -> str:
    """A refused move as the command line tells it: which move, from where, and each reason on a line."""
    heading = HEADINGS.get(error.move)
    if heading is None:
        heading = OUTCOME_MOVE if error.move_title is not None else OTHER_MOVE
    move = _value(error.move_title, None, gettext, language) if error.move_title is not None else error.move
    state = _value(error.state_title, None, gettext, language) if error.state_title is not None else error.state
    header = gettext(heading).format(programme=error.programme_id, state=state, move=move)
    lines = "\n".join(f"  - {describe(r, gettext, language)}" for r in error.reasons)
    return header + "\n" + lines


#: The heading of each move the engine owns (and of each change refused as a move), by the move's code.
HEADINGS = {
    "advance": N_("cannot advance programme {programme} from '{state}':"),
    "return_to": N_("cannot return programme {programme} from '{state}':"),
    "waive": N_("cannot waive programme {programme} from '{state}':"),
    "withdraw": N_("cannot withdraw a partner on programme {programme} from '{state}':"),
    "add_partner": N_("cannot add a partner on programme {programme} from '{state}':"),
    "end_too_few": N_("cannot end programme {programme} from '{state}':"),
    "migrate": N_("cannot migrate programme {programme} from '{state}':"),
    "sign": N_("cannot sign on programme {programme} from '{state}':"),
    "request_sign_off": N_("cannot request sign-off on programme {programme} from '{state}':"),
    "record_evidence": N_("cannot record evidence on programme {programme} from '{state}':"),
    "withdraw_evidence": N_("cannot withdraw evidence on programme {programme} from '{state}':"),
    "remove_role": N_("cannot remove the role on programme {programme} from '{state}':"),
    "record_transfer": N_("cannot record a staff transfer on programme {programme} from '{state}':"),
    "declaration_made": N_("cannot record a declaration on programme {programme} from '{state}':"),
    "nothing_declared": N_("cannot record that nothing is declared on programme {programme} from '{state}':"),
    "declaration_revised": N_("cannot revise a declaration on programme {programme} from '{state}':"),
    "declaration_accepted": N_("cannot accept a declaration on programme {programme} from '{state}':"),
    "declaration_objected": N_("cannot object to a declaration on programme {programme} from '{state}':"),
    "objection_withdrawn": N_("cannot withdraw an objection on programme {programme} from '{state}':"),
}
#: A lifecycle's own outcome move (``abandon``, ``dissolve``), named by the outcome it reaches.
OUTCOME_MOVE = N_("cannot end programme {programme} as '{move}' from '{state}':")
#: Any other move, named by its code.
OTHER_MOVE = N_("cannot make the move '{move}' on programme {programme} from '{state}':")


def as_data(reason: Reason) -> dict[str, Any]:
    """``reason`` as JSON data: ``{"code": ..., "values": {...}}``, reasons among its values in turn."""
    return {"code": reason.code, "values": {k: _data(v) for k, v in reason.values.items()}}


def _msgid(words: Words, values: Mapping[str, Any]) -> str:
    if words.optional and not values.get(words.optional):
        assert words.without is not None
        return words.without
    if words.one is not None and values.get("count") == 1:
        return words.one
    return words.msgid


def _value(value: Any, join: tuple[str, str] | None, gettext: Gettext, language: object) -> str:
    if isinstance(value, Reason):
        return describe(value, gettext, language)
    if isinstance(value, Word):
        return gettext(value)
    if isinstance(value, Worded):
        return describe(value.reason, gettext, language)
    if isinstance(value, Phrase):
        return gettext(value.message).format_map(
            {k: _value(v, None, gettext, language) for k, v in value.values.items()}
        )
    if isinstance(value, BannsError):
        return say(value, gettext, language)
    if isinstance(value, Day):
        from .language import language_of

        return value.in_(language_of(language))
    if isinstance(value, Problem):
        return problem_text(value, gettext, language)
    if isinstance(value, Either):
        return _either(value, gettext, language)
    if isinstance(value, (list, tuple)):
        separator, item = join or ("\n" if isinstance(value, Lines) else ", ", "{}")
        return separator.join(item.format(_value(v, None, gettext, language)) for v in value)
    if isinstance(value, Text):
        return value.in_(language) if language is not None else value.en
    return "" if value is None else str(value)


def _data(value: Any) -> Any:
    if isinstance(value, Reason):
        return as_data(value)
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def codes_of(reasons: Iterable[Reason]) -> list[str]:
    """The codes of ``reasons``, in order (for tests and logs)."""
    return [r.code for r in reasons]
