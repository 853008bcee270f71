"""Words the money package gives a person that are not an error: a basis described, a line of a liability's
explanation, a figure check's why, a problem in a pre-nup. Each is a msgid marked with ``N_`` and its values,
rendered in the reader's language by :func:`workflow.words.say` (the web's ``error_text``, the command line's
``error``); ``str()`` is the English, for logs, events and tests."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.errors import N_, BannsError


class Said(BannsError):
    """A msgid and its values, said to a person (not raised)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Said) and (self.message, self.values) == (other.message, other.values)

    def __hash__(self) -> int:
        return hash((self.message, tuple(sorted((k, repr(v)) for k, v in self.values.items()))))


def joined(parts: Sequence[BannsError]) -> BannsError:
    """``parts`` (at least one) as one thing said, separated by semicolons: "no notice period; no minimum
    term"."""
    if len(parts) == 1:
        return parts[0]
    return Said(N_("{first}; {rest}"), first=parts[0], rest=joined(parts[1:]))


__all__ = ["N_", "Said", "joined"]
