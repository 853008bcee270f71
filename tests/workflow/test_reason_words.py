"""Every reason the engine can give has words: each code listed in workflow/engine/reasons.py renders in
English with its values filled in, lists joined, and codes among its values (a body, a status) in words."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from workflow.engine import reasons as R
from workflow.engine.bilingual import Text
from workflow.engine.errors import MoveRefusedError
from workflow.engine.reasons import Reason, reason
from workflow.words import TERMS, WORDS, describe, english, refusal

ROOT = Path(__file__).resolve().parents[2]


def placeholders(code: str) -> set[str]:
    words = WORDS[code]
    msgids = [m for m in (words.msgid, words.one, words.without) if m]
    return {name for m in msgids for _, name, _, _ in string.Formatter().parse(m) if name}


def sample(code: str) -> Reason:
    """``code`` with a value for every placeholder its words have: lists where the words join a list."""
    words = WORDS[code]
    values: dict[str, object] = {}
    for name in placeholders(code):
        values[name] = ("Northbridge", "Southmoor") if name in words.joins else f"<{name}>"
    if "count" in values:
        values["count"] = 2
    return Reason(code, values)


def test_every_code_has_words_or_is_a_term() -> None:
    assert set(WORDS) | set(TERMS) == R.CODES
    for code, terms in TERMS.items():
        assert set(terms) >= set(
            {R.BODY: R.BODIES, R.HOLD_STATUS: R.HOLD_STATUSES, R.DECLARATION_KIND: R.DECLARATION_KINDS}.get(
                code, R.QUORUM_MEASURES
            )
        )


@pytest.mark.parametrize("code", sorted(WORDS))
def test_every_code_renders_in_english_with_its_values(code: str) -> None:
    text = describe(sample(code))
    assert text and "{" not in text and "}" not in text
    for name, value in sample(code).values.items():
        if isinstance(value, str):
            assert value in text or WORDS[code].optional == name


def test_lists_are_joined_and_codes_among_values_are_words() -> None:
    missing = reason(R.EVIDENCE_MISSING, count=2, titles=("Vision drafted", "Leaders met"))
    assert describe(missing) == "evidence is missing for 2 criteria: 'Vision drafted'; 'Leaders met'"
    assert describe(reason(R.EVIDENCE_MISSING, count=1, titles=("Vision drafted",))).endswith(
        "1 criterion: 'Vision drafted'"
    )
    held = reason(
        R.APPROVAL_HELD,
        partner="Southmoor",
        body=reason(R.BODY, body="full_council"),
        status=reason(R.HOLD_STATUS, status="in_call_in"),
    )
    assert describe(held) == "the approval of Southmoor does not count yet: its full council decision is in_call_in"
    quorum = reason(R.QUORUM_COUNT, approving=1, members=4, needed=3, measure=reason(R.QUORUM_MEASURE, measure="all"))
    assert describe(quorum) == "1 of 4 members approved, 3 needed (all of them)"
    assert describe(reason(R.QUORUM_COUNT, approving=1, members=4, needed=2, measure=None)).endswith("2 needed")


def test_words_are_translated_by_the_gettext_given() -> None:
    withdrew = reason(R.PARTNER_WITHDREW_ALREADY, partner="Eastvale")
    shouting = describe(withdrew, lambda m: m.replace("withdrew", "WITHDREW"))
    assert shouting == "Eastvale WITHDREW already"  # the msgid is translated, the value is not


def test_a_refusal_reads_as_the_command_line_said_it_and_its_own_text_is_codes() -> None:
    error = MoveRefusedError(7, "sign", "courtship", [reason(R.ROUND_CLOSED), reason(R.PACK_CHANGED)])
    assert refusal(error, english).splitlines() == [
        "cannot sign on programme 7 from 'courtship':",
        "  - the request you were asked to decide has closed; it has been made again, so review it and decide",
        "  - the evidence, figures or request changed after you opened the page; review the gate as it is now, "
        "then decide again",
    ]
    assert "round_closed, pack_changed" in str(error) and "review" not in str(error)


def test_every_move_refused_has_a_heading_of_its_own_and_a_lifecycle_move_is_named_by_its_title() -> None:
    ended = [reason(R.PROGRAMME_ENDED, state_title="Abandoned")]
    heading = refusal(MoveRefusedError(3, "withdraw_evidence", "abandoned", ended), english).splitlines()[0]
    assert heading == "cannot withdraw evidence on programme 3 from 'abandoned':"
    titled = MoveRefusedError(3, "abandon", "abandoned", ended, move_title=Text("Abandoned", "Rhoddwyd y gorau iddi"))
    assert refusal(titled, english).splitlines()[0] == "cannot end programme 3 as 'Abandoned' from 'abandoned':"
    untitled = MoveRefusedError(3, "leap", "courtship", ended)
    assert refusal(untitled, english).splitlines()[0] == "cannot make the move 'leap' on programme 3 from 'courtship':"


def test_a_code_without_words_is_an_error_not_a_silent_blank() -> None:
    with pytest.raises(KeyError):
        describe(Reason("no_such_code", {}))
    with pytest.raises(KeyError):
        describe(Reason(R.PARTNER_WITHDREW_ALREADY, {}))


def welsh() -> Callable[[str], str]:
    """The engine's Welsh catalogue as a gettext that fails on a msgid with no translation."""
    with (ROOT / "workflow/words/translations/cy/LC_MESSAGES/workflow.po").open("rb") as po:
        catalogue = read_po(po)

    def gettext(msgid: str) -> str:
        message = catalogue.get(msgid)
        assert message is not None and message.string, f"no Welsh for {msgid!r}"
        return str(message.string)

    return gettext


@pytest.mark.parametrize("code", sorted(WORDS))
def test_every_code_renders_in_welsh_with_its_values(code: str) -> None:
    text = describe(sample(code), welsh())
    assert text and "{" not in text and "}" not in text


def test_every_term_has_welsh() -> None:
    cy = welsh()
    for code, terms in TERMS.items():
        for value in terms:
            assert describe(Reason(code, {"value": value}), cy)
    held = reason(
        R.APPROVAL_HELD,
        partner="Cyngor Sir Ddinbych",
        body=reason(R.BODY, body="full_council"),
        status=reason(R.HOLD_STATUS, status="in_call_in"),
    )
    assert describe(held, cy) == (
        "nid yw cymeradwyaeth Cyngor Sir Ddinbych yn cyfrif eto (penderfyniad cyngor llawn: yn y cyfnod galw i mewn)"
    )


def test_a_lifecycle_title_is_given_in_the_language_asked_where_the_file_has_it() -> None:
    ended = reason(R.PROGRAMME_ENDED, state_title=Text("Abandoned", "Wedi'i adael"))
    assert describe(ended) == "the programme has ended (Abandoned)"
    assert describe(ended, welsh(), "cy") == "mae'r rhaglen wedi dod i ben (Wedi'i adael)"
    untitled = reason(R.PROGRAMME_ENDED, state_title=Text("Abandoned"))
    assert describe(untitled, welsh(), "cy") == "mae'r rhaglen wedi dod i ben (Abandoned)"
