"""The house rules: the layers of `.importlinter` hold and bite, and modules and functions stay small."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / ".importlinter"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def scratch_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the two packages and the contracts, to break on purpose."""
    tree = tmp_path_factory.mktemp("house")
    for package in ("workflow", "web"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / ".importlinter", tree / ".importlinter")
    return tree


def test_the_layers_hold_on_the_tree_as_it_is(scratch_tree: Path) -> None:
    result = _lint_imports(scratch_tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "workflow/engine/scratch.py",
            "import workflow.money.models\n",
            "workflow.engine is not allowed to import workflow.money",
        ),
        (
            "workflow/money/scratch.py",
            "import workflow.reminders.outbox\n",
            "workflow.money is not allowed to import workflow.reminders",
        ),
        (
            "workflow/accounts/scratch.py",
            "import workflow.cli.support\n",
            "workflow.accounts is not allowed to import workflow.cli",
        ),
        ("workflow/engine/scratch.py", "import web.services\n", "workflow.engine is not allowed to import web"),
        ("workflow/reminders/scratch.py", "import flask\n", "workflow.reminders.scratch -> flask"),
    ],
)
def test_a_scratch_import_across_a_layer_breaks_the_check(
    scratch_tree: Path, module: str, line: str, contract: str
) -> None:
    scratch = scratch_tree / module
    scratch.write_text(line)
    try:
        result = _lint_imports(scratch_tree)
    finally:
        scratch.unlink()
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and contract in result.stdout


def _python_modules() -> list[Path]:
    return [
        p
        for package in ("workflow", "web")
        for p in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in p.parts
    ]


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _python_modules() if (n := len(p.read_text().splitlines())) > 400}
    assert not long, f"split these by what they own: {long}"


def test_no_function_is_over_60_lines() -> None:
    long = {}
    for path in _python_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = length
    assert not long, f"break these up: {long}"


def test_the_quick_schema_check_agrees_with_alembic() -> None:
    """The CLI checks the database against the migration files without importing Alembic; a migration
    written in a shape that check does not read (a merge of two heads, say) must fail here, not in use."""
    from workflow.engine import schema

    assert schema.head_revisions() == schema.alembic_heads()
