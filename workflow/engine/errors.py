"""The engine's errors: one base, subclasses that carry what a person needs to act on them.

``web/`` and the command line map these once: not found, not allowed, conflict, invalid, refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from .reasons import Reason


class BannsError(Exception):
    """Base of every error the engine raises on purpose."""


class NotFoundError(BannsError):
    """A programme, person, partner or definition that does not exist."""


class InvalidError(BannsError):
    """Input that is wrong: says which field and why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class BrokenDefinitionError(BannsError):
    """The lifecycle a programme is pinned to cannot be read: its stored text is missing, or no longer reads
    (a figure check it names is not installed, or a newer banns reads it differently). Only the programmes
    pinned to it are affected."""

    def __init__(self, source_hash: str, reason: str) -> None:
        self.source_hash = source_hash
        self.reason = reason
        super().__init__(f"the lifecycle this programme runs on cannot be read: {reason}")


class NotAllowedError(BannsError):
    """The person may not do this on this programme."""


class ConflictError(BannsError):
    """Someone else changed the programme since it was read; reload and try again."""

    def __init__(self, programme_id: int, message: str | None = None) -> None:
        self.programme_id = programme_id
        super().__init__(
            message
            or (
                f"programme {programme_id} was changed by someone else meanwhile; nothing was saved. "
                "Reload it and try again."
            )
        )


class MoveRefusedError(BannsError):
    """A move that is not possible now; ``reasons`` says why, as codes and values (:mod:`.reasons`), which
    :mod:`workflow.words` renders in a person's language. Its text names the move and the codes, for logs."""

    def __init__(self, programme_id: int, move: str, state: str, reasons: Iterable[Reason]) -> None:
        self.programme_id = programme_id
        self.move = move
        self.state = state
        self.reasons: tuple[Reason, ...] = tuple(reasons)
        codes = ", ".join(r.code for r in self.reasons)
        super().__init__(f"move refused: {move} programme={programme_id} state={state} reasons={codes}")
