"""The email policy the relay builds messages with: the standard one (``email.policy.SMTP``'s rules, as
``email.policy.default``), only quicker at headers, which were most of the cost of sending a message.

The standard header registry makes a new class for every header it parses, and every header is parsed
again into a tree and re-folded each time a message is written. Here each header class is made once, a
header is folded once however often it is written, and the headers a batch repeats (the sender, the
MIME and content-type lines of every part) are parsed once. The bytes written are the same.

:func:`set_boundaries` gives the multipart parts their boundaries, the generator's own kind, without the
regular expression the generator would compile for each message to check its boundary against the text.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy, default
from typing import Any


class _FoldedOnce(BaseHeader):
    """A header that remembers its folded form per folding rules (line length, line ending, UTF-8)."""

    def fold(self, *, policy: Any) -> str:
        key = (policy.max_line_length, policy.linesep, policy.utf8, policy.refold_source)
        folded: dict[tuple[object, ...], str] = self.__dict__.setdefault("_folded", {})
        text = folded.get(key)
        if text is None:
            text = folded[key] = super().fold(policy=policy)
        return text


#: How many distinct (name, value) headers are kept for reuse; beyond it the memory starts again.
_KEEP = 512
#: Headers whose value is usually the same from message to message, worth keeping.
_REPEATED = frozenset({"from", "mime-version", "content-type", "content-transfer-encoding", "content-disposition"})


class QuickHeaders(HeaderRegistry):
    """:class:`HeaderRegistry` with each header class made once and repeated headers parsed once."""

    def __init__(self) -> None:
        super().__init__(base_class=_FoldedOnce)
        self._classes: dict[str, type] = {}
        self._kept: dict[tuple[str, str], Any] = {}

    def __getitem__(self, name: str) -> Any:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls

    def __call__(self, name: str, value: Any) -> Any:
        if name.lower() not in _REPEATED or not isinstance(value, str) or "boundary=" in value:
            return self[name](name, value)
        key = (name, value)
        header = self._kept.get(key)
        if header is None:
            if len(self._kept) >= _KEEP:
                self._kept.clear()
            header = self._kept[key] = self[name](name, value)
        return header


#: ``email.policy.default`` with :class:`QuickHeaders`.
POLICY: EmailPolicy[EmailMessage] = default.clone(header_factory=QuickHeaders())


_TOKEN = f"%0{len(repr(sys.maxsize - 1))}d"


def set_boundaries(msg: EmailMessage, contents: Sequence[str | bytes]) -> None:
    """Give each multipart part of ``msg`` a boundary (as the generator makes them: 15 ``=``, a random number,
    ``==``) found in none of ``contents``, the parts' text before encoding. Quoted-printable and base64 text
    never holds a run of ``=``, so a boundary absent from the raw text is absent from the message."""
    for part in msg.walk():
        if not part.is_multipart() or part.get_boundary() is not None:
            continue
        while True:
            boundary = "=" * 15 + _TOKEN % random.randrange(sys.maxsize) + "=="
            if not any(_holds(content, boundary) for content in contents):
                break
        part.set_boundary(boundary)


def _holds(content: str | bytes, text: str) -> bool:
    return text in content if isinstance(content, str) else text.encode() in content
