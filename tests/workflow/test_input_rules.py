"""What people type, checked the same way everywhere: control characters in one-line fields, NUL anywhere
(also caught centrally, before anything reaches the database), email addresses, plausible dates and amounts,
ids that cannot exist. Rules as properties; then the engine and the command line (exit 2 or 3, one message,
nothing saved)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import select, text

from workflow.engine.db import Database
from workflow.engine.errors import InvalidError
from workflow.engine.importer import PartnerSpec, ProgrammeFileError, parse_programme
from workflow.engine.models import Person
from workflow.engine.programmes import Programmes
from workflow.engine.text import (
    EARLIEST_DAY,
    LARGEST_AMOUNT,
    LATEST_DAY,
    amount_problem,
    check_day,
    email_address,
    no_nul,
    single_line,
)
from workflow.engine.views import ProgrammeView

#: What may not appear on one line: every Unicode control character but TAB, and the line separators.
NOT_ON_ONE_LINE = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc" and chr(c) != "\t"] + [
    "\u2028",
    "\u2029",
]
plain = st.text(st.characters(blacklist_characters=NOT_ON_ONE_LINE, blacklist_categories=["Cs"]))


@given(before=plain, bad=st.sampled_from(NOT_ON_ONE_LINE), after=plain)
def test_any_text_with_a_control_character_is_refused_as_a_one_line_field(before: str, bad: str, after: str) -> None:
    with pytest.raises(InvalidError) as caught:
        single_line(before + bad + after, "name")
    assert caught.value.field == "name"
    assert f"U+{ord(bad):04X}" in str(caught.value) and f"at character {len(before) + 1}" in str(caught.value)


@given(text=plain)
def test_any_text_without_one_is_accepted_as_a_one_line_field_unchanged(text: str) -> None:
    assert single_line(text, "name") == text


@given(before=plain, bad=st.sampled_from(NOT_ON_ONE_LINE), after=plain)
def test_a_partner_name_from_a_file_or_form_follows_the_same_rule(before: str, bad: str, after: str) -> None:
    fields = {"kind": "other", "population": 1, "net_budget": "1.00"}
    with pytest.raises(ValidationError) as caught:
        PartnerSpec.model_validate({"name": before + bad + after, **fields})
    assert f"U+{ord(bad):04X}" in str(caught.value)
    name = (before + after).strip() or "A"
    assert PartnerSpec.model_validate({"name": name[:200], **fields}).name == name[:200].strip()


@given(before=st.text(), after=st.text())
def test_a_nul_is_refused_even_in_multi_line_text(before: str, after: str) -> None:
    with pytest.raises(InvalidError, match="NUL character"):
        no_nul(before + "\x00" + after, "summary")


@given(text=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"])))
def test_multi_line_text_without_a_nul_is_accepted(text: str) -> None:
    assert no_nul(text, "summary") == text


@given(day=st.dates())
def test_dates_are_accepted_exactly_from_2000_to_2100(day: date) -> None:
    if EARLIEST_DAY <= day <= LATEST_DAY:
        assert check_day(day, "start") == day
    else:
        with pytest.raises(InvalidError, match="not a plausible date; expected a date from 2000 to 2100"):
            check_day(day, "start")


@given(amount=st.decimals(allow_nan=True, allow_infinity=True))
def test_amounts_are_accepted_exactly_when_finite_whole_pence_and_at_most_100bn(amount: Decimal) -> None:
    fine = amount.is_finite() and abs(amount) <= LARGEST_AMOUNT and amount == amount.quantize(Decimal("0.01"))
    assert (amount_problem(amount) is None) == fine


@pytest.mark.parametrize(
    "address",
    ["tom.hardy@northbridge.example", "Tom.Hardy@NorthBridge.example", "  aisha.khan@southmoor.example "],
)
def test_email_addresses_are_lower_cased(address: str) -> None:
    assert email_address(address) == address.strip().lower()


@pytest.mark.parametrize(
    "address", ["tom", "tom@", "tom@localhost", "Tom <tom@northbridge.example>", "tom\r\n@x.example", "a\x00@x.example"]
)
def test_what_is_not_an_email_address_is_refused_naming_the_field(address: str) -> None:
    with pytest.raises(InvalidError) as caught:
        email_address(address)
    assert caught.value.field == "email" and "not an email address" in str(caught.value)


# --- programme files -------------------------------------------------------------------------------------

PROGRAMME = """\
name: {name}
definition: shared-service
start: {start}
partners:
  - {{name: Westshire Council, kind: unitary_council, population: 50000, net_budget: "{budget}"}}
  - {{name: Dale Council, kind: district_council, population: 40000, net_budget: "900000.00"}}
people:
  - {{name: Owen Other, email: "{email}", roles: [programme_manager]}}
"""


def programme_file(**given: str) -> str:
    values = {"name": "Westdale", "start": "2027-01-04", "budget": "1000000.00", "email": "owen@westshire.example"}
    return PROGRAMME.format(**{**values, **given})


@pytest.mark.parametrize(
    ("given", "line", "field", "why"),
    [
        ({"name": '"West\\r\\ndale"'}, 1, "name", "contains a carriage return (U+000D)"),
        ({"name": '"West\\0dale"'}, 1, "name", "contains a NUL (U+0000)"),
        ({"start": "1999-12-31"}, 3, "start", "1999-12-31 is not a plausible date"),
        ({"start": "2101-01-01"}, 3, "start", "2101-01-01 is not a plausible date"),
        ({"budget": "100000000000.01"}, 5, "partners[0].net_budget", "not an amount banns can hold"),
        ({"budget": "12.345"}, 5, "partners[0].net_budget", "not a whole number of pence"),
        ({"budget": "NaN"}, 5, "partners[0].net_budget", "a finite number"),
        ({"email": "owen at westshire"}, 8, "people[0].email", "is not an email address"),
    ],
)
def test_a_programme_file_refuses_odd_values_naming_line_and_field(
    given: dict[str, str], line: int, field: str, why: str
) -> None:
    with pytest.raises(ProgrammeFileError) as caught:
        parse_programme(programme_file(**given), "westdale.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (line, field) and why in problem.text


# --- the engine: edits, roles, and the central guard against NUL -----------------------------------------


def test_editing_a_name_to_two_lines_is_refused_and_nothing_changes(
    programmes: Programmes, sample: ProgrammeView
) -> None:
    with pytest.raises(InvalidError) as caught:
        programmes.edit(sample.id, name="Three\r\nCouncils", description="", plan={})
    assert caught.value.field == "name" and "carriage return" in str(caught.value)
    assert programmes.get(sample.id) == sample


def test_planned_dates_outside_2000_to_2100_are_refused(programmes: Programmes, sample: ProgrammeView) -> None:
    with pytest.raises(InvalidError) as caught:
        programmes.edit(sample.id, name=sample.name, description="", plan={"courtship": (date(1027, 1, 4), None)})
    assert caught.value.field == "plan-courtship" and "1027-01-04 is not a plausible date" in str(caught.value)
    assert programmes.get(sample.id) == sample


def test_a_nul_in_text_another_use_case_saves_is_refused_before_the_database(
    programmes: Programmes, sample: ProgrammeView
) -> None:
    with pytest.raises(InvalidError) as caught:
        programmes.record_evidence(sample.id, "partners_named", "Named in the\x00 minutes")
    assert caught.value.field == "summary" and "NUL character" in str(caught.value)
    assert programmes.get(sample.id) == sample
    assert len(programmes.history(sample.id)) == 1


def test_a_nul_deep_in_the_log_data_is_refused_too(programmes: Programmes, sample: ProgrammeView) -> None:
    with pytest.raises(InvalidError, match="NUL character"):
        programmes.withdraw(sample.id, sample.partners[0].id, "Leaving\x00 now")
    assert programmes.get(sample.id) == sample


def test_no_statement_sends_a_nul_to_the_database(db: Database, sample: ProgrammeView) -> None:
    with pytest.raises(InvalidError) as caught, db.read() as session:
        session.scalar(select(Person).where(Person.email == "priya\x00@northbridge.example"))
    assert caught.value.field == "email"
    with pytest.raises(InvalidError), db.engine.connect() as conn:
        conn.execute(text("SELECT :name"), {"name": "North\x00bridge"})


def test_a_role_for_something_that_is_not_an_email_address_is_refused(
    programmes: Programmes, sample: ProgrammeView
) -> None:
    with pytest.raises(InvalidError) as caught:
        programmes.assign_role(sample.id, "new.person@", "observer", name="New Person")
    assert caught.value.field == "email"
    with pytest.raises(InvalidError) as caught:
        programmes.assign_role(sample.id, "new.person@x.example", "observer", name="New\nPerson")
    assert caught.value.field == "name"
    assert programmes.get(sample.id) == sample


# --- the command line ------------------------------------------------------------------------------------

HUGE = "99999999999999999999"


def fails(result: Any, code: int, *expected: str) -> None:
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{result.output}"
    assert "Traceback" not in result.output and "Internal error" not in result.output
    for part in expected:
        assert part in result.output, f"{part!r} not in:\n{result.output}"


@pytest.mark.parametrize("number", [HUGE, "2147483648", "0", "-1"])
@pytest.mark.parametrize(
    "command", [("programme", "show"), ("history",), ("advance",), ("money", "results"), ("audit", "verify")]
)
def test_ids_no_programme_can_have_are_not_found(cli: Any, command: tuple[str, ...], number: str) -> None:
    fails(cli(*command, "--", number, ok=False), 3, f"no programme with id {number}")


def test_the_largest_id_is_simply_not_found(cli: Any) -> None:
    fails(cli("programme", "show", "2147483647", ok=False), 3, "no programme with id 2147483647")


def test_role_add_checks_the_email_address(cli: Any, sample: ProgrammeView) -> None:
    fails(cli("role", "add", sample.id, "someone@", "observer", "--name", "Some One", ok=False), 2, "email address")
    fails(cli("role", "add", sample.id, "a@b.example", "observer", "--name", "Some\r\nOne", ok=False), 2, "name")
    fails(cli("sign", sample.id, "approve", "--as", "tom\x00@x.example", ok=False), 2, "not an email address")


def test_a_name_over_two_lines_in_an_imported_programme_is_refused(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_text(programme_file(name='"West\\r\\ndale"'), encoding="utf-8")
    fails(cli("programme", "import", path, ok=False), 2, f"{path}:1: name: contains a carriage return (U+000D)")


def test_a_nul_in_evidence_is_refused_by_the_command_line(cli: Any, sample: ProgrammeView) -> None:
    fails(cli("evidence", sample.id, "partners_named", "Named\x00", ok=False), 2, "Summary contains a NUL")


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (("cost", "1999-12-31", "it", "100.00"), "1999-12-31 is not a plausible date"),
        (("cost", "2027-01-05", "it", "100000000000.01"), "not an amount banns can hold"),
        (("cost", "2027-01-05", "it", "0.001"), "not a whole number of pence"),
        (("cost", "2027-01-05", "it", "NaN"), "not an amount banns can hold"),
        (("actual", "1999-00", "Revenues", "10.00"), "not a plausible financial year"),
        (("actual", "2027-28", "Reve\nnues", "10.00"), "line feed"),
        (("what-if", "Eastvale Borough Council", "--on", "2200-01-01"), "2200-01-01 is not a plausible date"),
        (("confidence", "2027\r\nQ1", "Amber", "--commentary", "On track"), "carriage return"),
    ],
)
def test_money_commands_refuse_absurd_dates_and_amounts(
    cli: Any, sample: ProgrammeView, programmes: Programmes, args: tuple[str, ...], why: str
) -> None:
    fails(cli("money", args[0], sample.id, *args[1:], ok=False), 2, why)
    assert programmes.get(sample.id).version == sample.version


def test_absurd_money_file_values_are_refused_with_their_lines(cli: Any, sample: ProgrammeView, tmp_path: Path) -> None:
    path = tmp_path / "money.yaml"
    path.write_text(
        "agreement:\n  starts_on: 1899-04-01\ncosts_incurred:\n"
        '  - {incurred_on: 2027-01-05, category: it, amount: "1e12"}\n',
        encoding="utf-8",
    )
    result = cli("money", "import", sample.id, path, ok=False)
    fails(result, 2, f"{path}:2: agreement.starts_on: 1899-04-01 is not a plausible date")
    assert f"{path}:4: costs_incurred[0].amount: " in result.output and "not an amount banns can hold" in result.output


def test_dates_just_inside_the_range_are_fine() -> None:
    assert check_day(EARLIEST_DAY, "d") == EARLIEST_DAY and check_day(LATEST_DAY, "d") == LATEST_DAY
    with pytest.raises(InvalidError):
        check_day(LATEST_DAY + timedelta(days=1), "d")
