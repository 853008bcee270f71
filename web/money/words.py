"""The words for the money's codes that the engine names in English (``CATEGORY_TITLES``, ``RECOMPUTE_TITLES``
in workflow/money), marked here so that the Welsh catalogue holds them; the pages and forms use these.
tests/web/test_welsh_catalogue.py checks that every code the engine has is here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Investment categories, by code (workflow.money.case.CATEGORY_TITLES)
CATEGORY_WORDS = {
    "set_up": _l("Set-up"),
    "it": _l("IT"),
    "redundancy": _l("Redundancy"),
    "pension_strain": _l("Pension strain"),
    "programme_team": _l("Programme team"),
}

#: How the remaining partners share after one leaves, by code (workflow.money.prenup.RECOMPUTE_TITLES)
RECOMPUTE_WORDS = {
    "basis": _l("on the agreed basis among the partners who remain"),
    "pro_rata": _l("pro rata to the shares the remaining partners had"),
    "equal": _l("equally between the partners who remain"),
}

#: Delivery-confidence ratings (workflow.money.benefits.SCALES), shown with the ``rating_words`` filter
RATING_WORDS = {
    "Green": _l("Green"),
    "Amber/Green": _l("Amber/Green"),
    "Amber": _l("Amber"),
    "Amber/Red": _l("Amber/Red"),
    "Red": _l("Red"),
}


def rating_words(rating: str | None) -> str:
    """A delivery-confidence rating in the page's language (a rating banns does not know, as it is)."""
    if not rating:
        return ""
    return str(RATING_WORDS.get(rating, rating))
