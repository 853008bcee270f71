"""Hostile and odd YAML (programme, money and lifecycle files): a billion laughs, an alias inside itself, deep
nesting, a huge file and raw control characters are refused at once, whole, naming the file and line; the
command line exits 2 with that message and nothing is started or changed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from workflow.engine.definitions import DefinitionError, load_definition
from workflow.engine.importer import ProgrammeFileError, parse_programme
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.engine.yamlsource import MAX_BYTES, MAX_DEPTH, SourceError, load_yaml
from workflow.money.importer import parse_money


def billion_laughs() -> str:
    """Nine lines that expand to 9^9 (387 million) strings if a reader follows every alias."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        lines.append(f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]")
    return "\n".join(["name: Laughing matter", *lines, ""])


SELF_ALIAS = "name: Ouroboros\npartners: &loop\n  - *loop\n"
DEEP = "name: Deep\npartners: " + "[" * 10_000 + "]" * 10_000 + "\n"

HOSTILE = {
    "billion laughs": (billion_laughs(), 7, "more than 100,000 values by here, once its aliases (*name) are expanded"),
    "alias inside itself": (SELF_ALIAS, 2, "an alias (*name) refers to a value that contains it"),
    "10,000 nested lists": (DEEP, 2, f"nested more than {MAX_DEPTH} levels deep"),
    "raw NUL": ("name: North\x00bridge\n", 1, "control character (U+0000)"),
}


@pytest.mark.parametrize(("text", "line", "why"), HOSTILE.values(), ids=list(HOSTILE))
def test_hostile_yaml_is_refused_quickly_naming_file_and_line(text: str, line: int, why: str) -> None:
    started = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        load_yaml(text, "hostile.yaml")
    assert time.perf_counter() - started < 2, "a generous bound: it is refused long before it is expanded"
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("hostile.yaml", line)
    assert why in problem.text
    assert str(problem).startswith(f"hostile.yaml:{line}: ")


@pytest.mark.parametrize("text", [t for t, _, _ in HOSTILE.values()], ids=list(HOSTILE))
@pytest.mark.parametrize("parse", [parse_programme, parse_money], ids=["programme", "money"])
def test_programme_and_money_files_refuse_the_same(text: str, parse: Any) -> None:
    with pytest.raises(ProgrammeFileError):
        parse(text, "hostile.yaml")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("id: huge\ndescription: " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(huge)
    assert f"banns reads at most {MAX_BYTES:,}" in str(caught.value) and str(huge) in str(caught.value)


def test_aliases_that_expand_modestly_still_work() -> None:
    located = load_yaml("base: &base {count: 2}\nquorum: *base\nlist: [*base, *base]\n", "fine.yaml")
    assert located.data["quorum"] == {"count": 2} and located.data["list"] == [{"count": 2}] * 2


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    located = load_yaml("x: " + "[" * depth + "1" + "]" * depth + "\n", "nested.yaml")
    assert located.data["x"] is not None


# --- through the command line -----------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "line", "why"), HOSTILE.values(), ids=list(HOSTILE))
def test_programme_import_refuses_hostile_files_with_exit_2(
    cli: Any, programmes: Programmes, tmp_path: Path, text: str, line: int, why: str
) -> None:
    path = write(tmp_path / "hostile.yaml", text)
    started = time.perf_counter()
    result = cli("programme", "import", path, ok=False)
    assert time.perf_counter() - started < 2
    assert result.exit_code == 2, result.output
    assert f"{path}:{line}: " in result.output and why in result.output
    assert "Traceback" not in result.output
    assert programmes.list() == []


@pytest.mark.parametrize(("text", "line", "why"), HOSTILE.values(), ids=list(HOSTILE))
def test_money_import_refuses_hostile_files_with_exit_2(
    cli: Any, sample: ProgrammeView, programmes: Programmes, tmp_path: Path, text: str, line: int, why: str
) -> None:
    path = write(tmp_path / "money.yaml", text)
    result = cli("money", "import", sample.id, path, ok=False)
    assert result.exit_code == 2, result.output
    assert f"{path}:{line}: " in result.output and why in result.output
    assert programmes.get(sample.id).version == sample.version


def test_definitions_check_refuses_a_billion_laughs_with_exit_2(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "laughs.yaml", billion_laughs().replace("name:", "id:"))
    result = cli("definitions", "check", path, ok=False)
    assert result.exit_code == 2
    assert f"{path}:7: lol5: the document holds more than 100,000 values by here" in result.output
    assert "0 of 1 definitions valid" in result.output


def test_money_import_refuses_a_file_over_the_size_limit(cli: Any, sample: ProgrammeView, tmp_path: Path) -> None:
    path = write(tmp_path / "big.yaml", "case: {}\n# " + "x" * MAX_BYTES + "\n")
    result = cli("money", "import", sample.id, path, ok=False)
    assert result.exit_code == 2 and f"banns reads at most {MAX_BYTES:,}" in result.output
