"""Helpers for tests that read the engine's reasons in English, as a person reads them: the engine gives
codes and values (workflow/engine/reasons.py), and workflow.words renders them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pytest

from workflow.engine.errors import MoveRefusedError
from workflow.engine.reasons import Reason
from workflow.words import describe, refusal


def english(reasons: Iterable[Reason]) -> tuple[str, ...]:
    """Each reason in English."""
    return tuple(describe(r) for r in reasons)


def said(reason: Reason | None) -> str:
    """One reason in English ("" for none)."""
    return describe(reason) if reason is not None else ""


@contextmanager
def refused_saying(pattern: str) -> Iterator[pytest.ExceptionInfo[MoveRefusedError]]:
    """Like ``pytest.raises(MoveRefusedError, match=pattern)``, matching the refusal in English."""
    with pytest.raises(MoveRefusedError) as info:
        yield info
    text = refusal(info.value)
    assert re.search(pattern, text), text
