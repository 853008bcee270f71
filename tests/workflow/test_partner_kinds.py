"""Roles by kind of partner: a council is asked for its section 151 and monitoring officers, an NHS trust for
its director of finance and board secretary, a company for its director; never the officers it does not have."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.words_support import english
from workflow.engine.definitions import DefinitionError, SignOffRules, load_definition, parse_definition
from workflow.engine.gates import Capacity, GateInputs, evaluate, required_capacities
from workflow.engine.kinds import FAMILIES, PARTNER_KINDS

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "definitions" / "shared-service.yaml")
PRENUP = DEFINITION.gates["prenup"].sign_off
COUNCIL, TRUST, COMPANY = 1, 2, 3
PARTNERS = {COUNCIL: "Herefordshire Council", TRUST: "Wye Valley NHS Trust", COMPANY: "Hoople Ltd"}
KINDS = {COUNCIL: "unitary_council", TRUST: "nhs_trust", COMPANY: "company"}


def test_each_partner_is_asked_for_the_officers_its_kind_has() -> None:
    officers = {c for c in required_capacities(DEFINITION, PRENUP, PARTNERS, KINDS) if c.role != "signatory"}
    assert officers == {
        Capacity("s151_officer", COUNCIL),
        Capacity("monitoring_officer", COUNCIL),
        Capacity("director_of_finance", TRUST),
        Capacity("board_secretary", TRUST),
        Capacity("company_director", COMPANY),
    }


def test_the_gate_waits_on_the_trusts_director_of_finance_not_a_section_151_officer() -> None:
    inputs = GateInputs(partners=PARTNERS, holders={}, evidenced=frozenset(), decisions=(), kinds=KINDS)
    report = evaluate(DEFINITION, SignOffRules(roles=["s151_officer", "director_of_finance"]), None, inputs)
    unmet = " ".join(english(report.unmet))
    assert "Director of finance for Wye Valley NHS Trust" in unmet
    assert "Section 151 officer (chief finance officer) for Herefordshire Council" in unmet
    assert "Wye Valley" not in unmet.split("Director of finance")[0]  # no s151 officer asked of the trust


def test_every_kind_belongs_to_one_family_and_the_nations_nhs_bodies_are_there() -> None:
    assert len(PARTNER_KINDS) == len(set(PARTNER_KINDS))
    assert {"nhs_trust", "nhs_foundation_trust", "integrated_care_board", "welsh_health_board"} <= set(FAMILIES["nhs"])
    assert "scottish_health_board" in FAMILIES["nhs"] and "fire_authority" in FAMILIES["fire"]


def test_an_unknown_kind_in_a_lifecycle_is_named() -> None:
    text = (ROOT / "definitions" / "shared-service.yaml").read_text().replace("kinds: [nhs]", "kinds: [hospital]", 1)
    with pytest.raises(DefinitionError, match="unknown partner kind or family 'hospital'"):
        parse_definition(text, "kinds.yaml")
