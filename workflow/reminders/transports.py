"""How a built email leaves: SMTP (plain, STARTTLS or implicit TLS), or .eml files in a folder when no
``SMTP_HOST`` is configured. Every failure is a :class:`DeliveryError` saying whether it is the message's
fault (``permanent``: sending it again cannot work) or the way out's (``connection``: the rest of the batch
would fail too), so the relay can fail one message and go on, or wait and retry.
"""

from __future__ import annotations

import email.errors
import os
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from workflow.engine.db import Database
from workflow.engine.errors import N_, InvalidError
from workflow.settings import Settings

#: Raised while flattening a message that cannot be written as an email (a bad header, an encoding).
BUILD_ERRORS = (ValueError, TypeError, LookupError, email.errors.MessageError)


class DeliveryError(Exception):
    """A message could not be handed over. ``connection``: the server (or folder) itself is unavailable, so
    the rest of the batch waits too. ``permanent``: this message can never be sent as it is (refused with a
    5xx reply, or unbuildable); it is marked failed at once."""

    def __init__(self, message: str, *, connection: bool = False, permanent: bool = False) -> None:
        self.connection = connection
        self.permanent = permanent
        super().__init__(message)


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def _refusal(exc: smtplib.SMTPException) -> DeliveryError:
    """What a reply of the server means for this message: 5xx to its recipient or its content is final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return DeliveryError(f"recipient refused: {exc.recipients}", permanent=permanent)
    if isinstance(exc, smtplib.SMTPDataError):
        return DeliveryError(f"{type(exc).__name__}: {exc}", permanent=exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPNotSupportedError):  # e.g. an address that needs SMTPUTF8
        return DeliveryError(f"{type(exc).__name__}: {exc}", permanent=True)
    # a lost connection stops the rest of the batch; any other reply (4xx, sender refused) is retried
    return DeliveryError(f"{type(exc).__name__}: {exc}", connection=isinstance(exc, smtplib.SMTPServerDisconnected))


class SmtpTransport:
    """SMTP with plain, STARTTLS or implicit TLS; one connection reused for a batch, reopened after errors."""

    def __init__(
        self,
        host: str,
        port: int,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        if security not in ("none", "starttls", "tls"):
            raise InvalidError(
                N_("SMTP_SECURITY must be none, starttls or tls, not '{security}'"),
                field="SMTP_SECURITY",
                security=security,
            )
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:  # the TLS context (tens of milliseconds: it loads the CA certificates) only when it is used
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server.

        Raises:
            DeliveryError: refused (``permanent`` for a 5xx reply to it), unbuildable (``permanent``), or the
                connection failed (``connection``).
        """
        try:
            if self._smtp is None:
                self._smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"cannot connect to {self.host}:{self.port}: {exc}", connection=True) from None
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPException as exc:  # an OSError too: test it first
            self.close()
            raise _refusal(exc) from None
        except OSError as exc:
            self.close()
            raise DeliveryError(f"{type(exc).__name__}: {exc}", connection=True) from None
        except BUILD_ERRORS as exc:
            self.close()  # the conversation may have stopped half-way
            raise DeliveryError(f"cannot write the message: {type(exc).__name__}: {exc}", permanent=True) from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class FileTransport:
    """Development delivery: each message written as an .eml file in ``folder`` (atomically: a temporary file
    renamed into place, so a reader never sees half a message)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        """Write one message.

        Raises:
            DeliveryError: the folder cannot be made or written to (``connection``: no message can be written
                there, so the batch waits and is retried), or the message cannot be written (``permanent``).
        """
        name = str(message["Message-ID"]).strip("<>").replace("/", "_").replace("@", "_at_") + ".eml"
        try:
            data = message.as_bytes()
        except BUILD_ERRORS as exc:
            raise DeliveryError(f"cannot write the message: {type(exc).__name__}: {exc}", permanent=True) from None
        tmp: str | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, self.folder / name)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise DeliveryError(f"cannot write to the mail folder {self.folder}: {exc}", connection=True) from None

    def close(self) -> None:
        return None


def transport_from_settings(settings: Settings, db: Database | None = None) -> Transport:
    """GOV.UK Notify when ``NOTIFY_API_KEY`` is set (with ``db``, a deadline links to the person's calendar
    feed), else SMTP when ``SMTP_HOST`` is set, else .eml files under ``<instance>/mail``."""
    v = settings.values
    # --- GOV.UK Notify (workflow/reminders/notify.py) ---
    if v.get("NOTIFY_API_KEY"):
        from .notify import notify_transport  # imports this module: here, not at the top

        return notify_transport(settings, db)
    # --- end GOV.UK Notify ---
    if not v.get("SMTP_HOST"):
        return FileTransport(settings.instance / "mail")
    security = str(v.get("SMTP_SECURITY") or "starttls").lower()
    port = int(v.get("SMTP_PORT") or {"tls": 465, "starttls": 587}.get(security, 25))
    return SmtpTransport(
        str(v["SMTP_HOST"]),
        port,
        security,
        v.get("SMTP_USERNAME") or None,
        v.get("SMTP_PASSWORD") or None,
        float(v.get("SMTP_TIMEOUT", 30)),
    )
