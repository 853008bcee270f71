"""The command line in Welsh: with ``BANNS_LANGUAGE=cy`` its own messages, the engine's errors it reports and
the reasons it prints come from the Welsh catalogue (``workflow/words/translations/cy``), and the English is
gone; with ``BANNS_LANGUAGE=en`` the same commands speak English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "northbridge-southmoor.yaml"


@pytest.fixture
def welsh(cli: Any) -> Any:
    cli.env["BANNS_LANGUAGE"] = "cy"
    return cli


def test_a_programme_is_started_listed_and_shown_in_welsh(welsh: Any) -> None:
    assert "Dim rhaglenni eto" in welsh("programme", "list").output
    started = welsh("programme", "import", EXAMPLE).output
    assert "Dechreuwyd rhaglen 1:" in started and "Started programme" not in started
    shown = welsh("programme", "show", 1).output
    for phrase in ("(rhaglen 1, fersiwn", "Diffiniad:", "Partneriaid:", "Pobl:", "Porth:", "Ddim yn barod:"):
        assert phrase in shown, f"{phrase!r} not in:\n{shown}"
    assert "Partners:" not in shown and "Not ready:" not in shown
    listed = welsh("programme", "list").output
    assert "Carwriaeth" in listed and "Courtship" not in listed  # the stage by the lifecycle's Welsh title


def test_a_refused_move_is_told_in_welsh(welsh: Any) -> None:
    welsh("programme", "import", EXAMPLE)
    refused = welsh("advance", 1, ok=False)
    assert refused.exit_code == 1
    assert "Gwall: ni ellir symud rhaglen 1 ymlaen o 'Carwriaeth'" in refused.output
    assert "cannot advance" not in refused.output


def test_what_is_not_found_is_told_in_welsh(welsh: Any) -> None:
    welsh("programme", "import", EXAMPLE)
    no_id = welsh("programme", "show", 0, ok=False)
    assert no_id.exit_code == 3 and "dim rhaglen gyda'r id 0" in no_id.output
    no_partner = welsh("withdraw", 1, "Nowhere", "--reason", "gone", ok=False)
    assert no_partner.exit_code == 3
    assert "Gwall: dim partner 'Nowhere' yn rhaglen 1; partneriaid: 1 (" in no_partner.output


def test_a_definition_and_its_sign_off_rules_in_welsh(welsh: Any) -> None:
    shown = welsh("definitions", "show", "shared-service").output
    assert "  porth: " in shown and "  cymeradwyaeth: " in shown and "Canlyniadau: " in shown
    assert "[gofynnol]" in shown and "  gate: " not in shown
    assert "Carwriaeth (courtship)" in shown and "Courtship (courtship)" not in shown


def test_english_is_unchanged(cli: Any) -> None:
    cli.env["BANNS_LANGUAGE"] = "en"
    assert "Started programme 1:" in cli("programme", "import", EXAMPLE).output
    assert "Partners:" in cli("programme", "show", 1).output
    assert (
        "Error: no partner 'Nowhere' in programme 1; partners: 1 ("
        in cli("withdraw", 1, "Nowhere", "--reason", "gone", ok=False).output
    )
