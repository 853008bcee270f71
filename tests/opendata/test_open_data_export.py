"""The open data: every file meets its schema, the CSV and JSON of a dataset say the same, only published
programmes appear, and no one's name, email address or comment appears anywhere."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from opendata_support import CALL_IN_NOTE, MONEY, REJECTION, Walked, small_programme, walk
from schema_checks import check_csv, check_json
from sqlalchemy import event

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances
from workflow.opendata.datasets import DATASETS
from workflow.opendata.files import PACKAGE, open_data_files


@pytest.fixture
def walked(programmes: Programmes, sample: ProgrammeView) -> Walked:
    return walk(programmes, sample.id)


def _files(programmes: Programmes) -> dict[str, bytes]:
    return open_data_files(programmes.db, programmes.registry)[1]


def _tables(files: dict[str, bytes]) -> dict[str, list[dict[str, object]]]:
    package = json.loads(files[PACKAGE])
    return {r["name"]: check_csv(files[r["path"]], r) for r in package["resources"] if r.get("format") == "csv"}


def test_every_file_meets_its_schema_and_csv_and_json_agree(programmes: Programmes, walked: Walked) -> None:
    files = _files(programmes)
    package = json.loads(files[PACKAGE])
    assert package["profile"] == "data-package"
    assert all(r["profile"] == "tabular-data-resource" for r in package["resources"] if r["format"] == "csv")
    assert package["licenses"][0]["title"] == "Open Government Licence v3.0"
    resources = {r["path"]: r for r in package["resources"]}
    assert set(files) == {PACKAGE, *resources, *(r["schema"] for r in resources.values() if r["format"] == "json")}
    for d in DATASETS:
        csv_rows = check_csv(files[f"{d.name}.csv"], resources[f"{d.name}.csv"])
        data = check_json(files[f"{d.name}.json"], json.loads(files[resources[f"{d.name}.json"]["schema"]]))
        assert data["dataset"] == d.name
        assert len(data["rows"]) == len(csv_rows), d.name
        for from_csv, from_json in zip(csv_rows, data["rows"], strict=True):
            assert {k: None if v is None else str(v).lower() for k, v in from_csv.items()} == {
                k: None if v is None else str(v).lower() for k, v in from_json.items()
            }
    tables = _tables(files)
    published = {r["programme_id"] for r in tables["programmes"]}
    for name, rows in tables.items():  # every row belongs to a programme in the programmes dataset
        assert {r["programme_id"] for r in rows} <= published, name


def test_only_published_programmes_appear_and_nobody_is_named(programmes: Programmes, walked: Walked) -> None:
    files = _files(programmes)
    tables = _tables(files)
    assert [r["programme_id"] for r in tables["programmes"]] == [walked.published]
    everything = b"".join(files.values()).decode("utf-8")
    for secret in walked.secrets:
        assert secret not in everything, secret
    assert "Northbridge District Council" in everything  # partners are public bodies, named


def test_what_the_walk_did_is_in_the_data(programmes: Programmes, walked: Walked) -> None:
    tables = _tables(_files(programmes))
    [programme] = tables["programmes"]
    assert programme["current_stage"] == "outline_case" and programme["ended"] is None
    assert programme["published"] == programmes.clock().date()
    outcomes = tables["gate_outcomes"]
    assert [(o["stage"], o["round"], o["outcome"]) for o in outcomes] == [
        ("courtship", 2, "passed"),
        ("honest_conversation", 1, "passed"),
    ]
    courtship = [d for d in tables["gate_decisions"] if d["stage"] == "courtship"]
    assert ("Northbridge District Council", 1, "signatory", "reject") in {
        (d["partner"], d["round"], d["capacity"], d["decision"]) for d in courtship
    }
    assert {d["decision"] for d in courtship if d["round"] == 2} == {"approve"}
    bodies = tables["body_decisions"]
    assert len(bodies) == 3 and {b["body"] for b in bodies} == {"cabinet"}
    assert [b["partner"] for b in bodies if b["called_in"]] == ["Eastvale Borough Council"]
    stages = {s["stage"]: s for s in tables["stages"]}
    assert stages["courtship"]["left"] is not None and stages["outline_case"]["left"] is None
    assert stages["review"]["entered"] is None
    results = Finances(programmes.db, programmes.registry, programmes.clock).case(walked.published)
    case = {r["year"]: r for r in tables["business_case"]}
    assert {y: case[y]["investment"] for y in case} == results.investment_by_year()
    assert {y: case[y]["savings"] for y in case} == results.savings_by_year()
    assert isinstance(case[2027]["net"], Decimal) and case[2027]["financial_year"] == "2027-28"
    assert REJECTION and CALL_IN_NOTE  # named in the secrets: see the test above


def test_with_nothing_published_every_dataset_is_empty_but_described(
    programmes: Programmes, sample: ProgrammeView
) -> None:
    files = _files(programmes)
    tables = _tables(files)
    assert all(rows == [] for rows in tables.values())
    assert "created" not in json.loads(files[PACKAGE])
    for d in DATASETS:
        assert check_json(files[f"{d.name}.json"], json.loads(files[f"{d.name}.schema.json"]))["rows"] == []


SMALL_CASE = """case:
  first_year: 2026-27
  years: 3
  investments:
    - {year: 2026-27, category: it, amount: "1000.00"}
  savings:
    - {year: 2027-28, service: hr, amount: "2500.00"}
"""


def _statements(programmes: Programmes) -> list[str]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(programmes.db.engine, "before_cursor_execute", count)
    try:
        _files(programmes)
    finally:
        event.remove(programmes.db.engine, "before_cursor_execute", count)
    return seen


def test_the_export_runs_the_same_statements_however_many_are_published(
    programmes: Programmes, sample: ProgrammeView
) -> None:
    finances = Finances(programmes.db, programmes.registry, programmes.clock)
    finances.import_figures(sample.id, MONEY.read_text(encoding="utf-8"), str(MONEY))
    programmes.publish(sample.id, True)
    _files(programmes)  # the lifecycle read once, as any process does
    one = _statements(programmes)
    for n in range(4):
        pid = small_programme(programmes, f"Programme {n}")
        finances.import_figures(pid, SMALL_CASE, "small.yaml")
        programmes.publish(pid, True)
    assert len(_statements(programmes)) == len(one), one
    assert len(_tables(_files(programmes))["business_case"]) == 10 + 4 * 3


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(programmes: Programmes, sample: ProgrammeView) -> None:
    formula = '=HYPERLINK("https://evil.example","Click")'
    pid = small_programme(programmes, name=formula)
    programmes.publish(pid, True)
    files = _files(programmes)
    csv_text = files["programmes.csv"].decode()
    assert f"'{formula}" in csv_text.replace('""', '"') and "\n=" not in csv_text and ",=" not in csv_text
    assert formula in files["programmes.json"].decode().replace('\\"', '"'), "the JSON keeps the name as it is"
