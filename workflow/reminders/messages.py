"""What the emails say, and how an outbox row becomes an RFC 5322 message.

A message is a subject, a few paragraphs and optionally one action link. The text and HTML parts are both
rendered from that, so they always agree. Links to sign-off pages are written into rows as
``{{sign_link:NONCE}}`` and replaced by signed links only when the message is sent (the secret key never
reaches the database). A message for a dated deadline carries an all-day calendar event (.ics).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import icalendar

PLACEHOLDER = re.compile(r"\{\{sign_link:([A-Za-z0-9_\-]+)\}\}")


@dataclass(frozen=True)
class Mail:
    """The words of one message, before it is addressed."""

    subject: str
    paragraphs: list[str]
    action: tuple[str, str] | None = None  # (label, url or placeholder)
    deadline: date | None = None
    deadline_title: str | None = None
    extra: list[str] = field(default_factory=list)


def sign_placeholder(nonce: str) -> str:
    return "{{sign_link:" + nonce + "}}"


def message_id_local(key: str) -> str:
    """The left part of the Message-ID, derived from the occurrence key: the same on every attempt."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def render_text(mail: Mail, greeting: str) -> str:
    parts = [f"Dear {greeting},", *mail.paragraphs]
    if mail.action:
        parts.append(f"{mail.action[0]}:\n{mail.action[1]}")
    parts += mail.extra
    parts.append(
        "-- \nbanns, for the partnership programme. You can choose individual emails or a daily or "
        "weekly digest in your settings."
    )
    return "\n\n".join(parts) + "\n"


def render_html(mail: Mail, greeting: str) -> str:
    body = [f"<p>Dear {html.escape(greeting)},</p>"]
    body += [f"<p>{html.escape(p)}</p>" for p in mail.paragraphs]
    if mail.action:
        label, url = mail.action
        body.append(f'<p><a href="{html.escape(url, quote=True)}">{html.escape(label)}</a></p>')
    body += [f"<p>{html.escape(p)}</p>" for p in mail.extra]
    body.append('<p style="color:#555;font-size:smaller">banns, for the partnership programme.</p>')
    return "<!doctype html>\n<html><body>\n" + "\n".join(body) + "\n</body></html>\n"


def fill_links(body: str, link_for: Callable[[str], str], *, quote: bool = False) -> str:
    """Replace each sign-link placeholder by the link ``link_for(nonce)`` gives."""

    def sub(match: re.Match[str]) -> str:
        url = link_for(match.group(1))
        return html.escape(url, quote=True) if quote else url

    return PLACEHOLDER.sub(sub, body)


def ics(uid: str, day: date, title: str, stamp: datetime, description: str = "") -> bytes:
    """An all-day event on ``day`` as iCalendar text (one VEVENT)."""
    cal = calendar_shell()
    cal.add_component(ics_event(uid, day, title, stamp, description))
    return bytes(cal.to_ical())


def calendar_shell(name: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//banns//partnership programmes//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    return cal


def ics_event(uid: str, day: date, title: str, stamp: datetime, description: str = "") -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", title)
    if description:
        event.add("description", description)
    return event


@dataclass(frozen=True)
class Envelope:
    """A stored message's fields needed to build the email."""

    key: str
    message_id: str
    to_name: str
    to_addr: str
    subject: str
    body_text: str
    body_html: str
    created_at: datetime
    deadline: date | None
    deadline_title: str | None


def compose(env: Envelope, mail_from: str, link_for: Callable[[str], str]) -> EmailMessage:
    """The email for a stored message: text and HTML alternatives, plus an .ics for a deadline."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "banns.localhost"
    msg = EmailMessage()
    msg["Message-ID"] = f"<{env.message_id}@{domain}>"
    msg["Date"] = format_datetime(env.created_at)
    msg["From"] = mail_from
    msg["To"] = formataddr((env.to_name, env.to_addr))
    msg["Subject"] = env.subject
    msg.set_content(fill_links(env.body_text, link_for))
    msg.add_alternative(fill_links(env.body_html, link_for, quote=True), subtype="html")
    if env.deadline is not None:
        data = ics(f"{env.message_id}@{domain}", env.deadline, env.deadline_title or env.subject, env.created_at)
        msg.add_attachment(
            data, maintype="text", subtype="calendar", filename="deadline.ics", params={"method": "PUBLISH"}
        )
    return msg
