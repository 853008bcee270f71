"""The RAID log through its use cases: ratings and bands, who may change what, events with their actor,
closing and reopening, sorting and filtering, and the top risks for the highlight report."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.engine.errors import InvalidError, NotAllowedError, NotFoundError
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.records.raid import BANDS, RaidFields, RaidLog, band


@pytest.fixture
def raid(programmes: Programmes) -> RaidLog:
    return RaidLog(programmes.db, programmes.registry, programmes.clock)


def risk(owner: int, title: str, likelihood: int, impact: int, kind: str = "risk", **more: object) -> RaidFields:
    return RaidFields(kind, title, owner, likelihood, impact, **more)  # type: ignore[arg-type]


@given(st.integers(1, 5), st.integers(1, 5))
def test_the_band_rises_with_the_rating_and_matches_the_documented_table(likelihood: int, impact: int) -> None:
    rating = likelihood * impact
    expected = "low" if rating <= 4 else "medium" if rating <= 9 else "high" if rating <= 15 else "very high"
    assert band(rating) == expected
    order = [name for _, name in reversed(BANDS)]
    # raising either factor never lowers the band
    if likelihood < 5:
        assert order.index(band((likelihood + 1) * impact)) >= order.index(band(rating))
    if impact < 5:
        assert order.index(band(likelihood * (impact + 1))) >= order.index(band(rating))


@given(st.integers().filter(lambda n: not 1 <= n <= 25))
def test_a_rating_outside_the_matrix_is_refused(rating: int) -> None:
    with pytest.raises(ValueError, match="1 to 25"):
        band(rating)


def test_entries_are_rated_logged_sorted_and_filtered(
    raid: RaidLog, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    priya = programmes.actor("priya.shah@northbridge.example")
    low = raid.add(pid, risk(people["tom"], "Printer lease", 1, 2), priya)
    high = raid.add(pid, risk(people["oliver"], "Pension strain", 4, 5, mitigation="Actuary"), priya)
    raid.add(pid, risk(people["aisha"], "ICT contract ends", 3, 3, kind="dependency"), priya)
    assert (high.rating, high.band, low.band) == (20, "very high", "low")
    assert [e.title for e in raid.entries(pid)] == ["Pension strain", "ICT contract ends", "Printer lease"]
    assert raid.entries(pid, sort="title")[0].title == "ICT contract ends"
    raid.close(pid, low.id, "Lease ended", priya)
    assert [e.title for e in raid.entries(pid, status="closed")] == ["Printer lease"]
    assert len(raid.entries(pid, status="all")) == 3
    reopened = raid.reopen(pid, low.id, priya)
    assert reopened.is_open and reopened.closed_note == ""
    events = [e for e in programmes.history(pid) if e.kind.startswith("raid_")]
    assert [e.kind for e in events] == ["raid_added"] * 3 + ["raid_closed", "raid_reopened"]
    assert {e.actor for e in events} == {"Priya Shah"} and events[1].data["rating"] == 20
    assert raid.entry(pid, high.id) == raid.entries(pid)[0]  # the view equals the reloaded one


def test_the_top_risks_are_the_five_open_risks_with_the_highest_ratings(
    raid: RaidLog, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid, tom = sample.id, people["tom"]
    for n in range(1, 8):
        raid.add(pid, risk(tom, f"Risk {n}", min(n, 5), 3))
    raid.add(pid, risk(tom, "An issue, not a risk", 5, 5, kind="issue"))
    closed = raid.add(pid, risk(tom, "Closed risk", 5, 5))
    raid.close(pid, closed.id, "Gone")
    top = raid.top_risks(pid)
    assert [e.title for e in top] == ["Risk 5", "Risk 6", "Risk 7", "Risk 4", "Risk 3"]
    assert [e.rating for e in top] == [15, 15, 15, 12, 9]


def test_managers_and_the_chair_edit_owners_their_own_observers_read(
    raid: RaidLog, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    helen = programmes.actor("helen.marsh@northbridge.example")  # the chair
    tom = programmes.actor("tom.hardy@northbridge.example")
    sam = programmes.actor("sam.ellis@audit.example")  # an observer
    entry = raid.add(pid, risk(people["tom"], "Key decision slips", 3, 4), helen)
    with pytest.raises(NotAllowedError):
        raid.add(pid, risk(people["tom"], "Mine", 1, 1), tom)
    changed = raid.edit(pid, entry.id, risk(people["tom"], "Key decision slips", 2, 4, mitigation="Forward plan"), tom)
    assert (changed.rating, changed.mitigation) == (8, "Forward plan")
    assert programmes.history(pid)[-1].data["changed"] == ["likelihood", "mitigation"]
    with pytest.raises(NotAllowedError):
        raid.edit(pid, entry.id, risk(people["tom"], "Key decision slips", 1, 1), sam)
    with pytest.raises(NotAllowedError):
        raid.close(pid, entry.id, "no", programmes.actor("aisha.khan@southmoor.example"))
    assert raid.entries(pid, sam)[0].title == "Key decision slips"
    assert raid.may_edit(pid, entry, tom) and not raid.may_edit(pid, entry, sam) and not raid.may_edit(pid, None, tom)


def test_bad_input_is_refused_naming_the_field(raid: RaidLog, sample: ProgrammeView, people: dict[str, int]) -> None:
    pid, tom = sample.id, people["tom"]
    cases = [
        (risk(tom, "x", 0, 3), "likelihood"),
        (risk(tom, "x", 3, 6), "impact"),
        (risk(tom, "x", 3, 3, kind="rumour"), "kind"),
        (risk(tom, "  ", 3, 3), "title"),
        (risk(999_999, "x", 3, 3), "owner"),
        (risk(tom, "x", 3, 3, review_on=date(2200, 1, 1)), "review_on"),
        (risk(tom, "x", 3, 3, description="a\x00b"), "description"),
    ]
    for fields_, field in cases:
        with pytest.raises(InvalidError) as refused:
            raid.add(pid, fields_)
        assert refused.value.field == field, fields_
    entry = raid.add(pid, risk(tom, "Real", 3, 3))
    with pytest.raises(InvalidError, match="needs a note"):
        raid.close(pid, entry.id, "  ")
    with pytest.raises(InvalidError, match="already open"):
        raid.reopen(pid, entry.id)
    with pytest.raises(NotFoundError):
        raid.entry(pid, entry.id + 100)
    with pytest.raises(InvalidError, match="status"):
        raid.entries(pid, status="shut")
