"""``banns export open-data DIR``: the files, all at once; a folder that cannot be written is one clear error
and exit 2, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.opendata.files import PACKAGE, open_data_files


def test_export_writes_the_open_data_files(
    cli: Any, programmes: Programmes, sample: ProgrammeView, tmp_path: Path
) -> None:
    programmes.publish(sample.id, True)
    out = tmp_path / "open"
    result = cli("export", "open-data", out)
    files = open_data_files(programmes.db, programmes.registry)[1]
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    assert all((out / name).read_bytes() == content for name, content in files.items())
    assert "1 published programme" in result.output
    assert json.loads((out / PACKAGE).read_text(encoding="utf-8"))["name"] == "banns-open-data"


def test_exporting_again_replaces_the_folder_whole(
    cli: Any, programmes: Programmes, sample: ProgrammeView, tmp_path: Path
) -> None:
    out = tmp_path / "open"
    cli("export", "open-data", out)
    (out / "stale.csv").write_text("from an older export", encoding="utf-8")
    cli("export", "open-data", out)
    assert not (out / "stale.csv").exists() and (out / PACKAGE).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".open")] == []  # no staging left behind


def test_a_folder_that_cannot_be_written_is_a_clear_error(
    cli: Any, programmes: Programmes, sample: ProgrammeView, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = cli("export", "open-data", blocker / "open", ok=False)
    assert result.exit_code == 2
    assert "cannot write to" in result.output and "Traceback" not in result.output
    result = cli("export", "open-data", blocker, ok=False)
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left behind


def test_a_folder_holding_other_files_is_never_replaced(
    cli: Any, programmes: Programmes, sample: ProgrammeView, tmp_path: Path
) -> None:
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "letter.odt").write_text("keep me", encoding="utf-8")
    result = cli("export", "open-data", mine, ok=False)
    assert result.exit_code == 2 and "holds other files" in result.output
    assert [p.name for p in mine.iterdir()] == ["letter.odt"]
    (mine / "letter.odt").unlink()
    cli("export", "open-data", mine)  # an empty folder is fine
    assert (mine / PACKAGE).exists()
