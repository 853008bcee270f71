"""The house rule of issue 14: ``workflow/`` builds no English sentence for a person. An error's message is a
msgid marked with ``N_`` (so the catalogue has it) and its facts are values, rendered in the reader's language
by :mod:`workflow.words`; a file's problems likewise."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "workflow"


def _error_classes() -> set[str]:
    """The names of every error class defined in workflow/ (subclasses of the engine's BannsError and the
    like): a name ending in Error, or one a class so named derives from."""
    names = {"BannsError", "InvalidError", "NotFoundError", "NotAllowedError", "ConflictError"}
    for path in WORKFLOW.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                names.add(node.name)
    return names - {"DeliveryError", "IdempotencyKeyError", "SourceError", "_Refused"}


def _unmarked(node: ast.expr) -> bool:
    """Whether ``node``, an argument of an error, is a sentence built or written in place rather than a msgid
    marked with ``N_``, a code (a word with no space) or a value."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
        return not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value
    if isinstance(node, ast.Call):  # str(exc), "...".format(...), "; ".join(...)
        return (isinstance(node.func, ast.Name) and node.func.id == "str") or (
            isinstance(node.func, ast.Attribute)
            and (node.func.attr in ("format", "join") and isinstance(node.func.value, ast.Constant))
        )
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.BinOp) and _stringy(node))


def _stringy(node: ast.expr) -> bool:
    return any(
        isinstance(n, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(n, "value", ""), str)
        for n in ast.walk(node)
    )


#: the engine's own errors, which the web raises too (the web's other errors carry codes, for its logs)
ENGINE_ERRORS = frozenset({"BannsError", "InvalidError", "NotFoundError", "NotAllowedError", "ConflictError"})


def _sentences(folder: Path = WORKFLOW) -> Iterator[str]:
    classes = _error_classes() if folder == WORKFLOW else ENGINE_ERRORS
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes):
                continue
            for arg in node.args:
                if _unmarked(arg):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.id}({ast.unparse(arg)[:60]})"


def test_every_error_raised_in_workflow_carries_a_marked_message_and_its_values() -> None:
    found = list(_sentences())
    assert not found, 'messages built in English (write N_("... {value} ..."), value=...):\n' + "\n".join(found)


def test_the_web_raises_the_engine_s_errors_marked_or_translated_too() -> None:
    """The web raises the engine's errors too (the API's not-found, an upload too big): their messages are
    marked msgids with values, or already translated with ``_()``, never English built in place."""
    found = list(_sentences(ROOT / "web"))
    assert not found, 'messages built in English (write N_("... {value} ..."), value=...):\n' + "\n".join(found)


@pytest.mark.parametrize(
    "source", ['InvalidError(f"no {x}")', 'InvalidError("no x")', "InvalidError(str(e))", 'InvalidError("a" + b)']
)
def test_the_check_bites_on_a_sentence_built_in_place(source: str) -> None:
    assert _unmarked(ast.parse(source, mode="eval").body.args[0])  # type: ignore[attr-defined]


@pytest.mark.parametrize("source", ['InvalidError(N_("no {x}"), x=1)', 'AccountInputError("email_taken")', "E(msg)"])
def test_the_check_passes_a_marked_message_a_code_or_a_value(source: str) -> None:
    assert not _unmarked(ast.parse(source, mode="eval").body.args[0])  # type: ignore[attr-defined]
