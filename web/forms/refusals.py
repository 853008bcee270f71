"""A change the engine refused, shown on the form that asked for it, with what the person typed kept."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, g

from web.extensions import _, error_text, sentence
from web.forms import VersionedForm
from web.services import services
from workflow.engine.errors import ConflictError, InvalidError, MoveRefusedError

#: What :func:`show_refusal` answers: the engine's refusals of a change that a form can show.
REFUSALS = (InvalidError, ConflictError, MoveRefusedError)


def show_refusal(
    form: VersionedForm,
    exc: InvalidError | ConflictError | MoveRefusedError,
    programme_id: int,
    *,
    default: str,
    renamed: Mapping[str, str] | None = None,
) -> int:
    """Put ``exc`` on ``form`` and return the status to answer with: a wrong value on its field (the engine's
    field name, through ``renamed``, or ``default``), 422; someone else's change meanwhile, a flash and the
    version brought up to date, 409; a refusal by the lifecycle's rules, its reasons above the form, 409."""
    if isinstance(exc, InvalidError):
        name = (renamed or {}).get(exc.field or "", exc.field) or default
        getattr(form, name, getattr(form, default)).errors = [error_text(exc)]
        return 422
    if isinstance(exc, ConflictError):
        flash(_("Someone else changed this programme meanwhile; what you typed is kept."), "conflict")
        form.version.data = str(services().programmes.get(programme_id, g.actor).version)
        return 409
    form.form_errors.extend(sentence(r) for r in exc.reasons)
    return 409
