"""An engine error is a msgid and its values, said in the reader's language: the values fill the translation
(words among them translated in turn), text already worded is said as it is, braces and all, and the log's
English keeps the facts of a reason."""

from __future__ import annotations

from workflow.engine import reasons as R
from workflow.engine.errors import N_, BrokenDefinitionError, InvalidError, NotFoundError, Word
from workflow.engine.reasons import reason
from workflow.words import say
from workflow.words.language import gettext_for

WELSH = gettext_for("cy")


def test_values_fill_the_translation_and_words_among_them_are_translated() -> None:
    missing = NotFoundError(N_("no programme with id {programme_id}"), programme_id=42)
    assert say(missing) == str(missing) == "no programme with id 42"
    in_welsh = say(missing, WELSH, "cy")
    assert "42" in in_welsh and in_welsh != str(missing) and "{" not in in_welsh
    worded = InvalidError(N_("{label} must be a single line of text"), label=Word(N_("Meeting date")))
    assert say(worded) == "Meeting date must be a single line of text"
    assert "Meeting date" not in say(worded, WELSH, "cy")


def test_text_worded_already_is_said_as_it_is_even_with_braces() -> None:
    typed = InvalidError("expected text, got '{not a placeholder}'")
    assert str(typed) == say(typed) == say(typed, WELSH, "cy") == "expected text, got '{not a placeholder}'"


def test_a_value_that_looks_like_a_placeholder_is_never_read_as_one() -> None:
    named = InvalidError(N_("'{value}' is not an email address: {problem}"), value="{x}", problem="{y}")
    assert say(named) == "'{x}' is not an email address: {y}"


def test_the_log_keeps_the_facts_of_a_reason() -> None:
    why = reason(R.DEFINITION_UNREADABLE, lifecycle="shared-service", version=2, detail="stages: missing")
    broken = BrokenDefinitionError("abc", why)
    assert "version=2" in str(broken) and "stages: missing" in str(broken)
    assert "shared-service version 2" in say(broken)
