"""What goes wrong with accounts, as facts: a ``reason`` or ``code`` the web words, and the field concerned."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ..engine.errors import BannsError, InvalidError

#: why a sign-in is refused: a wrong email or password (never which), a limit reached, or (told only to
#: someone who gave the right password) an account an admin deactivated
SignInReason = Literal["wrong", "limited", "deactivated"]
#: why an API token is refused: unknown (or malformed), expired, revoked, its person deactivated, or too many
#: bad tokens from the address
TokenReason = Literal["unknown", "expired", "revoked", "deactivated", "limited"]
#: why a single-use link no longer works
LinkReason = Literal["unknown", "used", "expired"]


class SignInError(BannsError):
    """A refused sign-in. ``until``: when a limit that refused it lifts (``reason`` ``limited``)."""

    def __init__(self, reason: SignInReason, until: datetime | None = None) -> None:
        self.reason: SignInReason = reason
        self.until = until
        words = {"limited": ": too many attempts", "deactivated": ": the account is deactivated"}
        super().__init__("sign-in refused" + words.get(reason, ""))


class TokenError(BannsError):
    """A refused API token. ``until``: when the limit lifts (``reason`` ``limited``)."""

    def __init__(self, reason: TokenReason, until: datetime | None = None) -> None:
        self.reason: TokenReason = reason
        self.until = until
        super().__init__(f"API token refused: {reason}")


class InvitationError(BannsError):
    """A single-use link (an invitation or a password reset) that is unknown, used or expired."""

    def __init__(self, reason: LinkReason) -> None:
        self.reason: LinkReason = reason
        super().__init__(f"this link is {reason}" if reason != "unknown" else "this link is not valid")


class AccountInputError(InvalidError):
    """Input refused: ``code`` says what (``name_missing``, ``email_invalid``, ``email_taken``, ``password_weak``,
    ``password_wrong``, ``password_limited``, ``last_admin``, ``deactivate_self``, ``language_unknown``),
    ``field`` where; the message
    is for the command line (the web words the code, and shows a weak password's reason as given)."""

    def __init__(self, code: str, field: str, message: str) -> None:
        self.code = code
        super().__init__(message, field=field)


class MailChannelMissingError(BannsError):
    """No package provides the account email needed (the ``banns.account_mail`` hook): ``kind`` names it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"no mail channel is installed to send {kind} emails (the banns.account_mail hook)")
