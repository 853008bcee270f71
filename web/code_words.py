"""Words for codes the engine keeps as data (a partner's kind and nation, an email's status): the pages show
these, in the page's language, instead of the code with its underscores. tests/web/test_welsh_catalogue.py
checks that every code the engine has is here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PARTNER_KIND_WORDS = {
    "district_council": _l("District council"),
    "county_council": _l("County council"),
    "unitary_council": _l("Unitary council"),
    "metropolitan_council": _l("Metropolitan council"),
    "london_borough": _l("London borough"),
    "welsh_council": _l("Welsh council"),
    "scottish_council": _l("Scottish council"),
    "northern_ireland_council": _l("Northern Ireland council"),
    "nhs_trust": _l("NHS trust"),
    "nhs_foundation_trust": _l("NHS foundation trust"),
    "integrated_care_board": _l("Integrated care board"),
    "welsh_health_board": _l("Welsh health board"),
    "scottish_health_board": _l("Scottish health board"),
    "fire_authority": _l("Fire authority"),
    "police": _l("Police"),
    "company": _l("Company"),
    "mutual": _l("Mutual"),
    "government_department": _l("Government department"),
    "other": _l("Other"),
}

NATION_WORDS = {
    "england": _l("England"),
    "wales": _l("Wales"),
    "scotland": _l("Scotland"),
    "northern_ireland": _l("Northern Ireland"),
}

MAIL_STATUS_WORDS = {
    "pending": _l("Pending"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
    "held": _l("Held"),
    "digested": _l("Digested"),
}


def word_for(code: str | None, words: dict[str, object]) -> str:
    """``code`` in words (a code without words, as people would write it)."""
    if not code:
        return ""
    return str(words.get(code) or code.replace("_", " ").capitalize())


def init_app(filters: dict[str, object]) -> None:
    """The Jinja filters ``partner_kind``, ``nation`` and ``mail_status``."""
    filters["partner_kind"] = lambda code: word_for(code, PARTNER_KIND_WORDS)
    filters["nation"] = lambda code: word_for(code, NATION_WORDS)
    filters["mail_status"] = lambda code: word_for(code, MAIL_STATUS_WORDS)
