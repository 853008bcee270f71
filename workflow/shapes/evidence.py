"""The shapes of the API's evidence, uploaded documents, decisions given and decision packs: read from the
engine's views, as :mod:`.programmes` does; request bodies refuse unknown members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from .programmes import Body, Evidence, Shape, SignOff


class EvidenceItem(Evidence):
    """Evidence against a criterion; an uploaded document is downloaded by its ``document_sha256``."""

    document_type: str | None = None
    document_size: int | None = None


class EvidenceList(BaseModel):
    """The current gate's evidence (empty once the programme has ended)."""

    stage: str | None = Field(description="the stage whose gate this is; null once the programme has ended")
    items: list[EvidenceItem]


class EvidenceWithdrawal(Body):
    criterion: str = Field(min_length=1, max_length=100, description="the id of a criterion of the current gate")
    reason: str = Field(min_length=1, max_length=2000)


class Document(Shape):
    """A stored document: checked by its content, named by its SHA-256."""

    sha256: str
    name: str
    media_type: str
    size: int


class DocumentEvidence(Body):
    """Evidence on an uploaded document (``POST .../documents`` first, which gives its SHA-256)."""

    criterion: str = Field(min_length=1, max_length=100, description="the id of a criterion of the current gate")
    summary: str = Field(min_length=1, max_length=5000)
    link: str | None = Field(default=None, max_length=2000)
    name: str = Field(default="document", min_length=1, max_length=200, description="the file's name, to show")


class SignOffList(BaseModel):
    """The decisions given on the current gate, in the request's ``round``; ``pack_hash`` is the decision pack
    a decision given now would be given on (null while no request is open)."""

    stage: str | None
    round: int
    request_open: bool
    pack_hash: str | None
    items: list[SignOff]


class Pack(Shape):
    """A decision pack, as frozen when the request was made: what the decisions were given on."""

    hash: str
    programme_id: int
    stage: str
    subject: str
    round: int
    content: dict[str, Any]
    created_at: datetime
