"""Single sign-on: who a verified identity from an OpenID Connect provider is in banns, and the rules of
``[[sso.providers]]`` by email domain (:class:`workflow.settings.SsoProvider`).

The web checks the provider's answer (state, PKCE, the ID token's signature, issuer, audience, expiry and
nonce); what comes here is an identity it vouches for. A person is found by their verified email and must
have an active account: sign-in alone creates one only for a domain an admin listed in the provider's
``allowed_domains``. The first sign-in links the provider's subject (``sub``) to the person
(:class:`.models.SsoIdentity`); from then on the link, not the email, says who they are, and the same email
with another subject is refused until an admin unlinks the old one. Refusals are codes (:data:`SsoRefusal`);
the web words them.

A state (the random value that ties a provider's answer to the browser that asked) is used once: each use is
counted in the sign-in limits' table under a hash of it (:mod:`.limits`, one use allowed per 15-minute
window, while a state lives only :data:`STATE_LIFETIME`), so a replayed answer is refused even with a copy of
the browser's cookie, and two answers racing with the same state cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..engine.errors import N_, BannsError, NotAllowedError
from ..engine.models import Person
from ..engine.permissions import Actor
from ..settings import SsoProvider, SsoSettings
from . import limits
from .base import AccountsBase, actor_of, log
from .models import SsoIdentity

#: why a provider's answer is not a sign-in: no email, an email the provider does not say is verified, a
#: domain this provider may not vouch for, nobody invited with that email, an account an admin deactivated, or
#: an account already linked to another subject at this provider (the mailbox is someone else's now)
SsoRefusal = Literal[
    "email_missing", "email_unverified", "domain_not_served", "uninvited", "deactivated", "identity_mismatch"
]
#: a refusal's message, by its code
SSO_WORDS: dict[str, str] = {
    "email_missing": N_("single sign-on refused: email missing"),
    "email_unverified": N_("single sign-on refused: email unverified"),
    "domain_not_served": N_("single sign-on refused: domain not served"),
    "uninvited": N_("single sign-on refused: uninvited"),
    "deactivated": N_("single sign-on refused: deactivated"),
    "identity_mismatch": N_("single sign-on refused: identity mismatch"),
}
#: how long a sign-in started at a provider may take to come back (shorter than the limits' window)
STATE_LIFETIME = timedelta(minutes=10)
assert STATE_LIFETIME < limits.WINDOW


class SsoRefusedError(BannsError):
    """A provider vouched for someone banns will not sign in: ``code`` says why."""

    def __init__(self, code: SsoRefusal) -> None:
        self.code: SsoRefusal = code
        super().__init__(SSO_WORDS[code])


@dataclass(frozen=True)
class Identity:
    """What a provider vouched for, its ID token checked: the subject (``sub``), the email and whether the
    provider says it is verified, and the name it gives (if any)."""

    provider: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None = None


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def passwords_off_for(email: str, sso: SsoSettings) -> SsoProvider | None:
    """The provider a person of this email's domain must sign in with, if passwords are off for it."""
    domain = domain_of(email)
    return next((p for p in sso.providers if domain in p.passwords_off_domains), None)


class SsoUseCases(AccountsBase):
    def spend_sso_state(self, state: str, now: datetime) -> bool:
        """Use a state once: ``False`` if it was used before (a replayed answer)."""
        with self.db.write() as session:
            _, over = limits.charge(session, [limits.key("sso_state", 1, other=state)], now)
            limits.purge(session, now)  # spent states go with the old counters, a day after their window
            return over is None

    def sso_sign_in(self, identity: Identity, provider: SsoProvider, now: datetime) -> Actor:
        """The person ``identity`` is, with an active account: the one its subject was linked to at an earlier
        sign-in; else the one of its verified email, linked now (created first, logged, if nobody has the email
        and its domain is in the provider's ``allowed_domains``). The sign-in is logged.

        Raises:
            SsoRefusedError: see :data:`SsoRefusal`.
        """
        email = (identity.email or "").strip().lower()
        if not email or "@" not in email:
            raise SsoRefusedError("email_missing")
        if not identity.email_verified:
            raise SsoRefusedError("email_unverified")
        domain = domain_of(email)
        if provider.email_domains and domain not in provider.email_domains:
            raise SsoRefusedError("domain_not_served")
        try:
            return self._sign_in(identity, provider, email, now)
        except IntegrityError:
            # the same person's first sign-on in another tab linked (or created) them meanwhile: a second
            # attempt finds that link, and signs in through it
            return self._sign_in(identity, provider, email, now)

    def _sign_in(self, identity: Identity, provider: SsoProvider, email: str, now: datetime) -> Actor:
        with self.db.write() as session:
            link = session.scalar(
                select(SsoIdentity).where(SsoIdentity.provider == provider.id, SsoIdentity.subject == identity.subject)
            )
            if link is not None:
                person = session.get_one(Person, link.person_id)
                link.last_used_at = now
            else:
                person = self._first_sign_in(session, identity, provider, email, now)
            if person.deactivated_at is not None:
                raise SsoRefusedError("deactivated")
            actor = actor_of(person)
            log(session, actor, "signed_in", now, person_id=person.id, by="sso", provider=provider.id)
            return actor

    def _first_sign_in(
        self, session: Session, identity: Identity, provider: SsoProvider, email: str, now: datetime
    ) -> Person:
        """The person of ``email`` (created if the provider may add people of its domain), linked to the
        identity's subject at this provider (logged); refused if they are linked to another subject there."""
        person = session.scalar(select(Person).where(Person.email == email))
        if person is None:
            if domain_of(email) not in provider.allowed_domains:
                raise SsoRefusedError("uninvited")
            person = self._create(session, identity, email, now)
        else:
            linked = session.scalar(
                select(SsoIdentity.subject).where(
                    SsoIdentity.person_id == person.id, SsoIdentity.provider == provider.id
                )
            )
            if linked == identity.subject:  # linked meanwhile, by the same sign-on in another tab
                return person
            if linked is not None:
                raise SsoRefusedError("identity_mismatch")
        if person.deactivated_at is not None:
            raise SsoRefusedError("deactivated")
        session.add(
            SsoIdentity(
                person_id=person.id, provider=provider.id, subject=identity.subject, linked_at=now, last_used_at=now
            )
        )
        log(session, actor_of(person), "sso_linked", now, person_id=person.id, provider=provider.id)
        session.flush()  # the sign-in's event follows it on the site's chain
        return person

    def unlink_sso(self, person_id: int, provider_id: str, now: datetime, *, actor: Actor) -> bool:
        """Forget the person's account at ``provider_id`` (an admin's action, logged), so that their next single
        sign-on links whichever account the provider then vouches for with their email. ``False`` if there was
        no link.

        Raises:
            NotAllowedError: the actor is not an admin.
        """
        if not actor.is_admin:
            raise NotAllowedError(N_("only admins may unlink single sign-on"))
        with self.db.write() as session:
            link = session.scalar(
                select(SsoIdentity).where(SsoIdentity.person_id == person_id, SsoIdentity.provider == provider_id)
            )
            if link is None:
                return False
            session.delete(link)
            log(session, actor, "sso_unlinked", now, person_id=person_id, provider=provider_id)
            return True

    def _create(self, session: Session, identity: Identity, email: str, now: datetime) -> Person:
        """An account for someone of an allowed domain, at their first sign-in (logged as added by the
        provider's sign-in)."""
        printable = "".join(c for c in identity.name or "" if c.isprintable())
        name = " ".join(printable.split())[:200] or email.partition("@")[0]
        person = Person(name=name, email=email, is_admin=False, created_at=now, password_hash=None)
        session.add(person)
        session.flush()
        log(
            session,
            actor_of(person),
            "person_added",
            now,
            person_id=person.id,
            person=name,
            is_admin=False,
            by="sso",
            provider=identity.provider,
        )
        session.flush()  # the sign-in's event follows it on the site's chain
        return person
