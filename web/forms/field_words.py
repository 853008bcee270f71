"""A programme spec's field paths (``partners[1].net_budget``) in the words the forms use, for error messages."""

from __future__ import annotations

import re

#: The create and add-partner forms' fields, as their labels name them.
_FIELD_WORDS = {
    "name": "Name",
    "definition": "Lifecycle",
    "description": "Description",
    "start": "Planned start date",
    "kind": "Kind of body",
    "nation": "Nation",
    "population": "Population",
    "net_budget": "Annual net budget",
    "people": "People",
    "partners": "Partners",
}


def field_in_words(path: str) -> str:
    """``partners[1].net_budget`` -> ``Partner 2, annual net budget``; ``name`` -> ``Name``."""
    match = re.fullmatch(r"partners\[(\d+)\](?:\.(\w+))?", path)
    if match:
        what = _FIELD_WORDS.get(match.group(2) or "", "").lower()
        return f"Partner {int(match.group(1)) + 1}" + (f", {what}" if what else "")
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    return _FIELD_WORDS.get(head, head.replace("_", " ").capitalize())


__all__ = ["field_in_words"]
