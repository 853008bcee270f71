"""The emails' languages: English, and Welsh from the catalogue beside the templates
(``translations/cy/LC_MESSAGES/emails.po``), each recipient's email in their own language.

The catalogue is read from its ``.po`` text and compiled in memory once per process, so there is no build
step and no compiled file to go stale. Dates are worded by Babel in the message's language ("Monday 04
January 2027", "Dydd Llun 04 Ionawr 2027"). The words of values that are codes (a RAID entry's kind and band,
a staff transfer's duty, a move) are msgids marked here with :func:`N_` and translated where they are shown.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.support import NullTranslations

from workflow.words.language import read_catalogue

UK = ZoneInfo("Europe/London")
LANGUAGES = ("en", "cy")
DEFAULT = "en"
CATALOGUE = Path(__file__).parent / "translations"
DOMAIN = "emails"


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue without translating it here (it is translated where it is shown)."""
    return msgid


#: How a move is told (``templates/moved.j2``), by the event's kind.
MOVE_WORDS = {
    "advanced": N_("moved on"),
    "waived": N_("skipped a stage (waiver)"),
    "returned": N_("was returned"),
    "ended": N_("has ended"),
}
#: The words of values the emails show that are codes elsewhere.
VALUE_WORDS = (
    N_("risk"),
    N_("assumption"),
    N_("issue"),
    N_("dependency"),
    N_("very high"),
    N_("high"),
    N_("medium"),
    N_("low"),
    N_("Employee liability information must reach the new employer"),
    N_("Collective consultation on the transfer must end"),
    # the bodies that take a partner's decision (workflow/engine/definitions.py, a gate's decisions)
    N_("cabinet"),
    N_("full council"),
    N_("executive"),
    N_("trust board"),
    N_("joint committee"),
    N_("board"),
)


def language_of(chosen: str | None) -> str:
    """A person's language for their emails: their choice if banns speaks it, else English."""
    return chosen if chosen in LANGUAGES else DEFAULT


@functools.cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language`` (none for English: the msgids are the English)."""
    return read_catalogue(CATALOGUE, language, DOMAIN)


def day(value: date, language: str) -> str:
    """A date with its weekday: "Monday 04 January 2027"."""
    return format_date(value, "EEEE dd MMMM y", locale=language)


def short_day(value: date, language: str) -> str:
    """A date: "04 January 2027"."""
    return format_date(value, "dd MMMM y", locale=language)


def uk_time(moment: datetime, language: str) -> str:
    """A moment in UK time: "14:30 on 04 January 2027"."""
    local = moment.astimezone(UK)
    words = translations(language).gettext("%(time)s on %(day)s")
    return words % {"time": format_time(local, "HH:mm", locale=language), "day": short_day(local.date(), language)}
