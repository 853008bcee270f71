"""What goes wrong with accounts, as facts: a ``reason`` or ``code`` the web words, and the field concerned."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ..engine.errors import N_, BannsError, InvalidError, Word

#: why a sign-in is refused: a wrong email or password (never which), a limit reached, or (told only to
#: someone who gave the right password) an account an admin deactivated
SignInReason = Literal["wrong", "limited", "deactivated"]
#: why an API token is refused: unknown (or malformed), expired, revoked, its person deactivated, or too many
#: bad tokens from the address
TokenReason = Literal["unknown", "expired", "revoked", "deactivated", "limited"]
#: why a single-use link no longer works
LinkReason = Literal["unknown", "used", "expired"]


#: a refused token's message, by its reason
TOKEN_WORDS: dict[str, str] = {
    "unknown": N_("API token refused: unknown"),
    "expired": N_("API token refused: expired"),
    "revoked": N_("API token refused: revoked"),
    "deactivated": N_("API token refused: deactivated"),
    "limited": N_("API token refused: limited"),
}

#: the words of an account email's kind (``kind`` of :class:`MailChannelMissingError`)
MAIL_WORDS: dict[str, str] = {"invitation": N_("invitation"), "password_reset": N_("password reset")}


class SignInError(BannsError):
    """A refused sign-in. ``until``: when a limit that refused it lifts (``reason`` ``limited``)."""

    def __init__(self, reason: SignInReason, until: datetime | None = None) -> None:
        self.reason: SignInReason = reason
        self.until = until
        words = {
            "limited": N_("sign-in refused: too many attempts"),
            "deactivated": N_("sign-in refused: the account is deactivated"),
        }
        super().__init__(words.get(reason, N_("sign-in refused")))


class TokenError(BannsError):
    """A refused API token. ``until``: when the limit lifts (``reason`` ``limited``)."""

    def __init__(self, reason: TokenReason, until: datetime | None = None) -> None:
        self.reason: TokenReason = reason
        self.until = until
        super().__init__(TOKEN_WORDS[reason])


class InvitationError(BannsError):
    """A single-use link (an invitation or a password reset) that is unknown, used or expired."""

    def __init__(self, reason: LinkReason) -> None:
        self.reason: LinkReason = reason
        words = {
            "unknown": N_("this link is not valid"),
            "used": N_("this link is used"),
            "expired": N_("this link is expired"),
        }
        super().__init__(words[reason])


class AccountInputError(InvalidError):
    """Input refused: ``code`` says what (``name_missing``, ``email_invalid``, ``email_taken``, ``password_weak``,
    ``password_wrong``, ``password_limited``, ``last_admin``, ``deactivate_self``, ``language_unknown``),
    ``field`` where; the message
    is a msgid filled with ``values``, for the command line (the web words the code, and shows a weak
    password's reason as given)."""

    def __init__(self, code: str, field: str, message: str, /, **values: Any) -> None:
        self.code = code
        super().__init__(message, field=field, **values)


class MailChannelMissingError(BannsError):
    """No package provides the account email needed (the ``banns.account_mail`` hook): ``kind`` names it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(
            N_("no mail channel is installed to send {kind} emails (the banns.account_mail hook)"),
            kind=Word(MAIL_WORDS[kind]) if kind in MAIL_WORDS else kind,
        )
