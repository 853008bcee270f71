"""Documents uploaded as evidence: identified by their content (never by their name), stored once under
their SHA-256, and referred to by that hash from the evidence, the decision packs and the log.

Accepted: PDF; Word, Excel and PowerPoint (both the OOXML formats and the older binary ones); the
OpenDocument text, spreadsheet and presentation formats; PNG, JPEG, GIF and WebP images. ``filetype``
reads the magic numbers (and, for the zip-based office formats, the entries that name their kind), so a
renamed executable or a zip of anything is refused whatever it is called.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import filetype

from .errors import N_, InvalidError, NotFoundError

MAX_BYTES = 20 * 1024 * 1024
#: extension (as ``filetype`` names it) -> what people call it
ACCEPTED = {
    "pdf": "PDF",
    "docx": "Word document",
    "doc": "Word document",
    "xlsx": "Excel workbook",
    "xls": "Excel workbook",
    "pptx": "PowerPoint presentation",
    "ppt": "PowerPoint presentation",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "odp": "OpenDocument presentation",
    "png": "PNG image",
    "jpg": "JPEG image",
    "gif": "GIF image",
    "webp": "WebP image",
}
_HASH = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE_NAME = re.compile(r"[^\w .()+-]")


@dataclass(frozen=True)
class DocumentRef:
    """A stored document as evidence refers to it."""

    sha256: str
    name: str
    media_type: str
    size: int


def checked(content: bytes, name: str) -> DocumentRef:
    """The document's reference, if its content is an accepted kind and not too big.

    Raises:
        InvalidError (field ``document``): empty, over the size limit, or not an accepted kind by content.
    """
    if not content:
        raise InvalidError(N_("the selected file is empty"), field="document")
    if len(content) > MAX_BYTES:
        raise InvalidError(
            N_("the selected file must be smaller than {megabytes} MB"), field="document", megabytes=MAX_BYTES // 2**20
        )
    kind = filetype.guess(content)
    if kind is None or kind.extension not in ACCEPTED:
        raise InvalidError(
            N_(
                "the selected file must be a PDF, Word, Excel, PowerPoint, OpenDocument or image file "
                "(it is a {kind} file)"
            )
            if kind
            else N_("the selected file must be a PDF, Word, Excel, PowerPoint, OpenDocument or image file"),
            field="document",
            kind=kind.extension.upper() if kind else None,
        )
    return DocumentRef(hashlib.sha256(content).hexdigest(), safe_name(name, kind.extension), kind.mime, len(content))


def safe_name(name: str, extension: str) -> str:
    """A file name fit to show and to offer on download: the base name, plain characters, the right extension."""
    base = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "document"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:150]}.{extension}"


class DocumentStore:
    """Documents on disk under a folder (the instance folder's ``documents``), each once, by its hash."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        if not _HASH.match(sha256):
            raise NotFoundError(N_("no document {sha256}"), sha256=repr(sha256[:64]))
        return self.folder / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store ``content`` (atomically; once however often it is put) and return its SHA-256."""
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp.write(content)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
        return sha256

    def read(self, sha256: str) -> bytes:
        """Raises: NotFoundError: no such document here."""
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFoundError(N_("no document {sha256}"), sha256=sha256) from None
