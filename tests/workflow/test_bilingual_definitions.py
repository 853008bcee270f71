"""Lifecycle texts in English and Welsh: a title or description is plain text or ``{en: ..., cy: ...}``; either
way the engine holds a ``Text`` that is its English everywhere a string is used, with the Welsh beside it."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.engine.bilingual import Text
from workflow.engine.db import Database
from workflow.engine.definitions import DefinitionError, load_definition, parse_definition
from workflow.engine.importer import load_programme
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
PINNED_V1 = ROOT / "tests" / "data" / "definitions" / "pinned" / "shared-service-v1.yaml"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"

LIFECYCLE = """\
id: two-stages
version: 1
title:
  en: Two stages
  cy: Dau gam
description: Plain English only.
stages:
  - id: courtship
    title: {en: Courtship, cy: Carwriaeth}
    description:
      en: >-
        Find a partner.
      cy: >-
        Dod o hyd i bartner.
  - id: review
    title: Review
    next: live
outcomes:
  - id: live
    title: {en: Live, cy: Byw}
  - id: abandoned
    title: {en: Abandoned, cy: Rhoddwyd y gorau iddi}
    move: abandon
    from: all
gates:
  courtship:
    title: {en: Partners chosen, cy: Partneriaid wedi'u dewis}
    criteria:
      - id: partners_named
        title:
          en: Partners named
          cy: Partneriaid wedi'u henwi
    sign_off: {each_partner: true}
  review:
    title: Review done
    criteria:
      - id: reviewed
        title: Reviewed
    sign_off: {each_partner: true}
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, "two.yaml")
    return [str(p) for p in caught.value.problems]


def test_plain_text_and_a_mapping_of_languages_both_read() -> None:
    d = parse_definition(LIFECYCLE, "two.yaml")
    assert (d.title, d.title.in_("cy")) == ("Two stages", "Dau gam")
    assert (d.description, d.description.in_("cy")) == ("Plain English only.", "Plain English only.")
    courtship = d.stage_by_id["courtship"]
    assert courtship.description == "Find a partner." and courtship.description.in_("cy") == "Dod o hyd i bartner."
    assert d.state_title("review").in_("cy") == "Review"  # no Welsh given: the English
    assert d.state_title("live").in_("cy") == "Byw" and d.gates["courtship"].title.in_("en") == "Partners chosen"
    assert d.gates["courtship"].criteria[0].title.in_("cy") == "Partneriaid wedi'u henwi"


def test_the_content_hash_and_stored_text_are_the_files_own() -> None:
    d = parse_definition(LIFECYCLE, "two.yaml")
    assert d.source_text == LIFECYCLE
    assert d.source_hash == hashlib.sha256(LIFECYCLE.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  en: Two stages\n  cy: Dau gam\n",
            "  en: Two stages\n  fr: Deux étapes\n",
            "two.yaml:5: title.fr: unknown key 'fr'; expected one of: en, cy",
        ),
        (
            "    title: {en: Courtship, cy: Carwriaeth}\n",
            "    title: {cy: Carwriaeth}\n",
            "two.yaml:9: stages[0].title.en: is required but missing",
        ),
        (
            "          cy: Partneriaid wedi'u henwi\n",
            "          cy: Partneriaid wedi'u henwi\n          de: Partner benannt\n",
            "two.yaml:33: gates.courtship.criteria[0].title.de: unknown key 'de'; expected one of: en, cy",
        ),
        (
            "    title: {en: Live, cy: Byw}\n",
            "    title: {en: Live, cy: [Byw]}\n",
            "two.yaml:20: outcomes[0].title.cy: expected text, got a list",
        ),
        (
            "    title: {en: Live, cy: Byw}\n",
            '    title: {en: Live, cy: "Byw\\nac iach"}\n',
            "two.yaml:20: outcomes[0].title.cy: contains a line feed (U+000A) at character 4",
        ),
    ],
)
def test_a_wrong_language_mapping_names_file_line_and_field(old: str, new: str, expected: str) -> None:
    assert old in LIFECYCLE
    found = problems_of(LIFECYCLE.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_text_is_its_english_wherever_a_string_is_used() -> None:
    title = Text("Courtship", "Carwriaeth")
    assert title == "Courtship" and title != "Carwriaeth" and sorted([title, "Adolygu"]) == ["Adolygu", "Courtship"]
    assert hash(title) == hash("Courtship") and {"Courtship": 1}[title] == 1 and title in {"Courtship"}
    assert f"{title}" == str(title) == " ".join([title]) == "Courtship" and title.upper() == "COURTSHIP"
    assert json.dumps({"title": title}) == '{"title": "Courtship"}'
    assert title.translations == {"en": "Courtship", "cy": "Carwriaeth"}
    assert title.in_("cy") == "Carwriaeth" and title.in_("cy_GB") == "Carwriaeth" and title.in_(None) == "Courtship"
    for kept in (copy.deepcopy(title), pickle.loads(pickle.dumps(title))):
        assert type(kept) is Text and kept.in_("cy") == "Carwriaeth"


@given(st.text(min_size=1), st.one_of(st.none(), st.text(min_size=1)), st.sampled_from(["en", "cy", "fr", None]))
def test_any_language_asked_gets_the_welsh_only_when_welsh_is_asked_and_given(
    en: str, cy: str | None, language: str | None
) -> None:
    text = Text(en, cy)
    assert text == en and hash(text) == hash(en)
    assert text.in_(language) == (cy if language == "cy" and cy else en)


def test_a_definition_dumps_both_languages_where_given_and_plain_text_as_before() -> None:
    dumped = parse_definition(LIFECYCLE, "two.yaml").model_dump(mode="json", by_alias=True)
    assert dumped["title"] == {"en": "Two stages", "cy": "Dau gam"}
    assert dumped["description"] == "Plain English only."
    assert dumped["stages"][1]["title"] == "Review"
    old = load_definition(PINNED_V1).model_dump(mode="json")
    assert old["stages"][0]["title"] == "Courtship" and old["gates"]["courtship"]["title"].startswith("Gateway 0")


def test_definitions_show_json_gives_both_languages(cli: Any) -> None:
    shown = json.loads(cli("definitions", "show", "shared-service", "--json").output)
    assert shown["stages"][0]["title"] == {"en": "Courtship", "cy": "Carwriaeth"}
    assert shown["roles"][0]["title"]["cy"] == "Swyddog adran 151 (prif swyddog cyllid)"
    assert cli("definitions", "show", "shared-service").output.startswith("Shared service partnership")


def test_the_shipped_lifecycles_are_welsh_throughout() -> None:
    for name in ("shared-service", "shared-management"):
        d = load_definition(DEFINITIONS / f"{name}.yaml")
        texts = [d.title, d.description, *(r.title for r in d.roles)]
        texts += [t for s in (*d.stages, *d.outcomes) for t in (s.title, s.description)]
        texts += [t for g in d.gates.values() for t in (g.title, *(c.title for c in g.criteria))]
        assert all(isinstance(t, Text) and t.cy and t.cy != t for t in texts), name
    d = load_definition(DEFINITIONS / "shared-service.yaml")
    assert [d.state_title(s).in_("cy") for s in d.stage_ids] == [
        "Carwriaeth",
        "Sgwrs onest",
        "Achos busnes amlinellol",
        "Cytundeb cyn priodi",
        "Achos busnes llawn",
        "Trosglwyddo",
        "Mynd yn fyw",
        "Adolygu",
    ]


def test_views_keep_the_welsh(sample: ProgrammeView) -> None:
    assert isinstance(sample.state_title, Text) and sample.state_title.in_("cy") == "Carwriaeth"
    assert sample.gate is not None and sample.gate.title.in_("cy") == "Porth 0 - asesiad strategol"  # type: ignore[attr-defined]
    titles = [r.label.values["title"] for r in sample.gate.report.requirements if r.kind == "criterion"]
    assert titles[0] == "Partners named" and titles[0].in_("cy") == "Partneriaid wedi'u henwi"
    assert all(isinstance(p.title, Text) for p in sample.plan)
    assert dataclasses.asdict(sample)["state_title"].in_("cy") == "Carwriaeth"


def test_a_programme_pinned_to_plain_english_text_still_reads_and_can_adopt_the_welsh(
    db: Database, clock: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "definitions"
    folder.mkdir()
    shutil.copy(PINNED_V1, folder / "shared-service.yaml")
    started = Programmes(db, Registry(folder), clock=clock).start(*load_programme(EXAMPLE)).built()
    shutil.copy(DEFINITIONS / "shared-service.yaml", folder / "shared-service.yaml")

    fresh = Programmes(db, Registry(folder), clock=clock)  # a new process: the old text comes from the database
    view = fresh.get(started.id)
    assert view == started and view.definition_version == 1
    assert view.state_title == "Courtship" and view.state_title.in_("cy") == "Courtship"  # type: ignore[attr-defined]

    moved = fresh.migrate_definition(started.id, "adopt the Welsh titles")
    assert moved.definition_version == 2 and moved.state_title.in_("cy") == "Carwriaeth"  # type: ignore[attr-defined]
    assert fresh.get(started.id).state_title == "Courtship"
