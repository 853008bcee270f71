"""What the emails say, and how an outbox row becomes an RFC 5322 message.

A :class:`Mail` is facts: the template that words it (``templates/<name>.j2``), the values it shows and its
one link. :func:`render` words it twice from the same template, into a text part and an HTML part, so they
always agree, in the recipient's language (:mod:`.language`: the templates' words are msgids of its
catalogue). Values are never trusted: the HTML part escapes them, and both parts keep their braces apart,
so nothing a person typed (a name, a reason, a programme's name) can read as a link placeholder.

A sign-off link is written into the stored bodies as ``{{sign_link:NONCE}}`` and replaced by the signed
link only when the message is sent (the secret key never reaches the database), and only for the nonces
:func:`compose` is given: the relay gives each message its own token's, nothing else. A message for a
dated deadline carries an all-day calendar event (.ics).
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from workflow.engine.bilingual import Text

from . import language as lang
from .headers import POLICY, set_boundaries
from .language import MOVE_WORDS

UK = ZoneInfo("Europe/London")
PLACEHOLDER = re.compile(r"\{\{sign_link:([A-Za-z0-9_\-]+)\}\}")
#: Kept between braces that come from a value, so that no value can contain ``{{`` or ``}}`` (invisible).
ZWSP = "\u200b"
#: Around a message's own words in the HTML part (a digest quotes them); escaped values cannot forge them.
HTML_START, HTML_END = "<!-- message -->", "<!-- /message -->"
TEXT_SIGNATURE = "\n-- \n"


@dataclass(frozen=True)
class Mail:
    """One message as facts: ``template`` words it from ``values``; ``link`` is its one action link (an
    invitation's address, or a sign-off placeholder from :func:`sign_placeholder`)."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)
    link: str | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class Rendered:
    """A message in words: one-line subject, text and HTML bodies, and its calendar event's title."""

    subject: str
    text: str
    html: str
    deadline_title: str | None = None


def sign_placeholder(nonce: str) -> Markup:
    """Where a message's sign-off link goes: trusted text (``Markup``), written as it is in both parts."""
    return Markup("{{sign_link:%s}}") % nonce


def inert(value: object) -> str:
    """``value`` as text that can never be a placeholder: every brace kept apart from the next character by
    an invisible space (idempotent)."""
    text = re.sub(r"\{(?!" + ZWSP + ")", "{" + ZWSP, str(value))
    return re.sub(r"(?<!" + ZWSP + r")\}", ZWSP + "}", text)


def one_line(text: str) -> str:
    """Whitespace, line breaks included, collapsed to single spaces (for headers and greetings)."""
    return " ".join(text.split())


def _text_value(value: Any) -> str:
    return str(value) if isinstance(value, Markup) else inert(value)


def _html_value(value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))


def _neutral(value: Any, html_part: bool, language: str) -> Any:
    """A value made safe before it reaches a template, where translated sentences take it as it is: text made
    inert (and, for the HTML part, escaped, as ``Markup``), a lifecycle's title in ``language`` where it gives
    one; lists item by item; the rest unchanged."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, Text):
        value = value.in_(language)
    if isinstance(value, str):
        return _html_value(value) if html_part else inert(value)
    if isinstance(value, list | tuple):
        return [_neutral(v, html_part, language) for v in value]
    return value


def _word(language: str, html_part: bool, value: Any) -> Any:
    """A value that is one of the catalogue's words (a RAID entry's kind, a move) in ``language``; any other
    value as it is (already made safe by :func:`_neutral`)."""
    found = lang.translations(language).gettext(str(value))
    if found == str(value):
        return value
    return _html_value(found) if html_part else inert(found)


@functools.cache
def _environment(language: str, *, html_part: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("workflow.reminders", "templates"),
        autoescape=html_part,
        finalize=_html_value if html_part else _text_value,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(lang.translations(language), newstyle=True)  # type: ignore[attr-defined]
    if html_part:
        env.filters["para"] = lambda words: Markup("<p>%s</p>\n") % escape(words).strip()
        env.filters["names"] = lambda names: Markup(", ").join(names)
    else:
        env.filters["para"] = lambda words: str(words).strip() + "\n\n"
        env.filters["names"] = lambda names: ", ".join(names)
    env.filters["word"] = functools.partial(_word, language, html_part)
    env.globals["move_words"] = MOVE_WORDS
    env.globals["language"] = language
    env.filters["day"] = lambda d: lang.day(d, language)
    env.filters["short_day"] = lambda d: lang.short_day(d, language)
    env.filters["uk_time"] = lambda moment: lang.uk_time(moment, language)
    return env


def _block(template: Template, name: str, context: dict[str, Any]) -> str | None:
    block = template.blocks.get(name)
    return one_line("".join(block(template.new_context(context)))) if block else None


def render(mail: Mail, greeting: str, language: str = lang.DEFAULT) -> Rendered:
    """The message's subject and bodies, worded by its template for the person greeted, in ``language``."""
    language = lang.language_of(language)
    context = {**mail.values, "greeting": one_line(greeting), "link": mail.link}
    as_text = {k: _neutral(v, False, language) for k, v in context.items()}
    as_html = {k: _neutral(v, True, language) for k, v in context.items()}
    name = f"{mail.template}.j2"
    text = _environment(language, html_part=False).get_template(name)
    subject = _block(text, "subject", as_text) or ""
    return Rendered(
        subject=subject[:300],
        text=text.render(as_text, layout="layout.txt.j2", format="text"),
        html=_environment(language, html_part=True)
        .get_template(name)
        .render(as_html, layout="layout.html.j2", format="html"),
        deadline_title=_block(text, "calendar", as_text) if mail.deadline else None,
    )


#: Stands for the greeting while one rendering serves several people (a private-use character, never typed).
_GREETING = "\ue000greeting\ue000"


def render_each(mail: Mail, greetings: Sequence[str], language: str = lang.DEFAULT) -> list[Rendered]:
    """:func:`render` for each of ``greetings``, the template rendered once: the greeting is put into each
    part as the template would have written it (the same words, byte for byte)."""
    names = [one_line(g) for g in greetings]
    values = (*mail.values.values(), mail.link)
    if len(names) < 2 or not all(names) or any(_GREETING in str(v) for v in values):
        return [render(mail, g, language) for g in greetings]
    shared = render(mail, _GREETING, language)
    if _GREETING in shared.subject + (shared.deadline_title or ""):  # one-line parts: per person, as ever
        return [render(mail, g, language) for g in greetings]
    found = []
    for name in names:
        text, html = _text_value(name), str(_html_value(name))
        found.append(
            Rendered(
                subject=shared.subject,
                text=shared.text.replace(_GREETING, text),
                html=shared.html.replace(_GREETING, html),
                deadline_title=shared.deadline_title,
            )
        )
    return found


def inner_text(body: str) -> Markup:
    """A stored text body without its greeting and signature (for a digest): trusted, as it was rendered."""
    after = body.partition("\n\n")[2] or body
    return Markup(after.rpartition(TEXT_SIGNATURE)[0].strip() or after.strip())


def inner_html(body: str) -> Markup:
    """A stored HTML body's own words, between its markers (for a digest): trusted, as it was rendered."""
    start, end = body.find(HTML_START), body.rfind(HTML_END)
    if start >= 0 and end > start:
        return Markup(body[start + len(HTML_START) : end].strip())
    old = re.search(r"<body>\n(?:<p>Dear [^<]*</p>\n)?(.*?)<p style=", body, re.S)  # rendered before templates
    return Markup(old.group(1) if old else body)


def message_id_local(key: str) -> str:
    """The left part of the Message-ID, derived from the occurrence key: the same on every attempt."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def fill_links(body: str, links: Mapping[str, str], *, quote: bool = False) -> str:
    """Replace the placeholders of the nonces in ``links`` by their links; any other placeholder-like text
    is left as it is, inert."""

    def sub(match: re.Match[str]) -> str:
        url = links.get(match.group(1))
        if url is None:
            return match.group(0)
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


def compose(env: Envelope, mail_from: str, links: Mapping[str, str]) -> EmailMessage:
    """The email for a stored message: text and HTML alternatives, plus an .ics for a deadline. ``links``:
    nonce -> signed link, for this message's own sign-off link(s) only.

    Raises:
        ValueError (and other errors of the email package): the stored fields cannot make an email, e.g. a
        header with a line break. Such a message can never be sent as it is.
    """
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "banns.localhost"
    msg = EmailMessage(policy=POLICY)
    msg["Message-ID"] = f"<{env.message_id}@{domain}>"
    msg["Date"] = format_datetime(env.created_at)
    msg["From"] = mail_from
    msg["To"] = formataddr((env.to_name, env.to_addr))
    msg["Subject"] = env.subject
    contents: list[str | bytes] = [fill_links(env.body_text, links), fill_links(env.body_html, links, quote=True)]
    msg.set_content(contents[0])
    msg.add_alternative(contents[1], subtype="html")
    if env.deadline is not None:
        data = ics(f"{env.message_id}@{domain}", env.deadline, env.deadline_title or env.subject, env.created_at)
        contents.append(data)
        msg.add_attachment(
            data, maintype="text", subtype="calendar", filename="deadline.ics", params={"method": "PUBLISH"}
        )
    set_boundaries(msg, contents)
    return msg
