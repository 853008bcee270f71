"""The open data served by the web is kept between requests and rebuilt as soon as anything it shows changes:
a publication, a withdrawal, a rename, money entered; never served stale."""

from __future__ import annotations

from decimal import Decimal

from opendata_support import small_programme
from sqlalchemy import event

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.entry import MoneyEntry
from workflow.opendata.files import open_data_files
from workflow.opendata.kept import kept_open_data


def _kept(programmes: Programmes) -> dict[str, bytes]:
    return dict(kept_open_data(programmes.db, programmes.registry)[1])


def _fresh(programmes: Programmes) -> dict[str, bytes]:
    return open_data_files(programmes.db, programmes.registry)[1]


def test_nothing_changed_costs_one_statement(programmes: Programmes, sample: ProgrammeView) -> None:
    programmes.publish(sample.id, True)
    first = kept_open_data(programmes.db, programmes.registry)
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(programmes.db.engine, "before_cursor_execute", listen)
    try:
        again = kept_open_data(programmes.db, programmes.registry)
    finally:
        event.remove(programmes.db.engine, "before_cursor_execute", listen)
    assert again is first and [s for s in statements if s.lstrip().upper().startswith("SELECT")] == statements[-1:]


def test_every_change_shows_at_once(programmes: Programmes, sample: ProgrammeView) -> None:
    money = MoneyEntry(programmes.db, programmes.registry, clock=programmes.clock)
    assert b"Northbridge" not in _kept(programmes)["programmes.csv"]
    programmes.publish(sample.id, True)
    assert _kept(programmes) == _fresh(programmes) and b"Northbridge" in _kept(programmes)["partners.csv"]

    programmes.edit(sample.id, name="Northbridge and Southmoor together", description="", plan={})
    assert b"Northbridge and Southmoor together" in _kept(programmes)["programmes.csv"]

    other = small_programme(programmes)
    programmes.publish(other, True)
    assert _kept(programmes) == _fresh(programmes)

    money.set_baseline(sample.id, "Northbridge District Council", "Waste", Decimal("1234567.00"))
    assert _kept(programmes) == _fresh(programmes)

    programmes.publish(sample.id, False)
    kept = _kept(programmes)
    assert kept == _fresh(programmes) and b"Northbridge and Southmoor together" not in kept["programmes.csv"]
