"""The kinds of body that share services, grouped in families that lifecycle roles can name: a council's
section 151 and monitoring officers, an NHS body's director of finance and board secretary, a company's
director. A role limited to some kinds is asked only of partners of those kinds."""

from __future__ import annotations

#: Each family and its kinds, in the order forms list them.
FAMILIES: dict[str, tuple[str, ...]] = {
    "council": (
        "district_council",
        "county_council",
        "unitary_council",
        "metropolitan_council",
        "london_borough",
        "welsh_council",
        "scottish_council",
        "northern_ireland_council",
    ),
    "nhs": (
        "nhs_trust",
        "nhs_foundation_trust",
        "integrated_care_board",
        "welsh_health_board",
        "scottish_health_board",
    ),
    "fire": ("fire_authority",),
    "police": ("police",),
    "company": ("company", "mutual"),
    "government": ("government_department",),
    "other": ("other",),
}

PARTNER_KINDS: tuple[str, ...] = tuple(kind for kinds in FAMILIES.values() for kind in kinds)


def expand(names: list[str]) -> frozenset[str]:
    """The kinds that a list of kinds and family names covers."""
    return frozenset(kind for name in names for kind in FAMILIES.get(name, (name,)))


def unknown(names: list[str]) -> list[str]:
    """The names that are neither a kind nor a family."""
    return [n for n in names if n not in FAMILIES and n not in PARTNER_KINDS]
