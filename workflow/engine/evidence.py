"""Evidence against the current gate's criteria: recorded (with a summary, a link or an uploaded document),
corrected by recording again, or withdrawn. Any change closes an open request for sign-off: everyone is
asked again on the new evidence, so approvals given on the old lapse."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select, update

from . import reasons as R
from .definitions import Definition
from .documents import DocumentRef
from .errors import N_, InvalidError, MoveRefusedError, NotAllowedError, NotFoundError
from .guards import current_gate, required_reason
from .models import Evidence, Programme
from .permissions import SYSTEM, Actor
from .unit_of_work import ProgrammeChanges
from .views import ProgrammeView

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

if TYPE_CHECKING:
    pass


class EvidenceUseCases(ProgrammeChanges):
    """Recording and withdrawing evidence on a programme's current gate."""

    def record_evidence(
        self,
        programme_id: int,
        criterion: str,
        summary: str,
        link: str | None = None,
        actor: Actor = SYSTEM,
        expected_version: int | None = None,
        *,
        document: DocumentRef | None = None,
    ) -> ProgrammeView:
        """Record evidence against a criterion of the current gate (a correction is recorded the same way:
        the latest is current). ``document``: an uploaded file, already stored by its hash.

        Raises:
            InvalidError: unknown criterion or empty summary. MoveRefusedError: the programme has ended.
        """
        summary = summary.strip()
        if not summary:
            raise InvalidError(N_("evidence needs a summary: what shows the criterion is met"), field="summary")
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "record_evidence", expected_version)
            _criterion_of(programme, definition, criterion)
            closed = self._new_evidence(programme)
            session.add(
                Evidence(
                    programme_id=programme.id,
                    stage=programme.state,
                    criterion=criterion,
                    summary=summary,
                    link=link or None,
                    recorded_by_id=actor.person_id,
                    recorded_at=self.clock(),
                    evidence_rev=programme.evidence_rev,
                    document_sha256=document.sha256 if document else None,
                    document_name=document.name if document else None,
                    document_type=document.media_type if document else None,
                    document_size=document.size if document else None,
                )
            )
            data = {"document": document.sha256, "document_name": document.name} if document else {}
            self._log(
                session,
                programme,
                actor,
                "evidence_recorded",
                None,
                None,
                summary,
                stage=programme.state,
                criterion=criterion,
                evidence_rev=programme.evidence_rev,
                request_closed=closed,
                **data,
            )
            return self._changed(session, programme)

    def withdraw_evidence(
        self,
        programme_id: int,
        criterion: str,
        reason: str,
        actor: Actor = SYSTEM,
        expected_version: int | None = None,
    ) -> ProgrammeView:
        """Withdraw the evidence of a criterion of the current gate: it is unevidenced again until new
        evidence is recorded. The rows stay (the log and the decision packs refer to them).

        Raises:
            InvalidError: unknown criterion, or no reason. MoveRefusedError: nothing to withdraw, or ended.
        """
        reason = required_reason(reason, "withdraw_evidence")
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "record_evidence", expected_version)
            title = _criterion_of(programme, definition, criterion)
            result = session.execute(
                update(Evidence)
                .where(
                    Evidence.programme_id == programme.id,
                    Evidence.stage == programme.state,
                    Evidence.criterion == criterion,
                    Evidence.withdrawn_at.is_(None),
                )
                .values(withdrawn_at=self.clock())
                .execution_options(synchronize_session=False)
            )
            if not cast("CursorResult[Any]", result).rowcount:
                raise MoveRefusedError(
                    programme_id,
                    "withdraw_evidence",
                    programme.state,
                    [R.reason(R.NO_EVIDENCE_TO_WITHDRAW, criterion=criterion, title=title)],
                )
            closed = self._new_evidence(programme)
            self._log(
                session,
                programme,
                actor,
                "evidence_withdrawn",
                None,
                None,
                reason,
                stage=programme.state,
                criterion=criterion,
                evidence_rev=programme.evidence_rev,
                request_closed=closed,
            )
            return self._changed(session, programme)

    def _new_evidence(self, programme: Programme) -> bool:
        """The evidence changes: a new revision, and an open request closes (whether one did)."""
        programme.evidence_rev += 1
        closed = programme.sign_off_subject is not None
        programme.sign_off_subject = None
        return closed


def _criterion_of(programme: Programme, definition: Definition, criterion: str) -> str:
    """The title of ``criterion`` of the current gate.

    Raises:
        InvalidError: not one of its criteria; the message lists them, each id with its title.
    """
    gate = current_gate(programme, definition, "record_evidence")
    known = {c.id: c.title for c in gate.criteria}
    if criterion not in known:
        raise InvalidError(
            N_("'{criterion}' is not a criterion of the {stage} gate; expected one of: {criteria}"),
            field="criterion",
            criterion=criterion,
            stage=definition.state_title(programme.state),
            criteria=tuple(f"{i} ({t})" for i, t in known.items()),
        )
    return str(known[criterion])


class DocumentUseCases(EvidenceUseCases):
    def document(self, programme_id: int, sha256: str, actor: Actor = SYSTEM) -> DocumentRef:
        """A document uploaded as evidence on the programme (at any stage, withdrawn too: decision packs
        refer to it), for someone who may view the programme.

        Raises:
            NotFoundError: no such programme or no such document on it; also when the actor may not view
                the programme, so that a document's existence is not given away.
        """
        with self.db.read() as session:
            try:
                programme, _ = self._load(session, programme_id, lock=False)
                self._authorise(programme, actor, "view")
            except NotAllowedError:
                raise NotFoundError(
                    N_("no document {sha256} on programme {programme_id}"), sha256=sha256, programme_id=programme_id
                ) from None
            row = session.execute(
                select(Evidence.document_name, Evidence.document_type, Evidence.document_size)
                .where(Evidence.programme_id == programme_id, Evidence.document_sha256 == sha256)
                .order_by(Evidence.id.desc())
                .limit(1)
            ).first()
            if row is None:
                raise NotFoundError(
                    N_("no document {sha256} on programme {programme_id}"), sha256=sha256, programme_id=programme_id
                )
            return DocumentRef(sha256, row[0] or "document", row[1] or "application/octet-stream", row[2] or 0)
