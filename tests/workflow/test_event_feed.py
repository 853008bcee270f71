"""The engine's feed of events across programmes: a person's feed is exactly the histories they may read
(the history's rule, not the wider one of seeing the programme), in the order of the global cursor, read
with one statement a page, and never the site's own events."""

from __future__ import annotations

from sqlalchemy import select

from tests.workflow.test_statement_counts import statements
from workflow.accounts.service import Accounts
from workflow.engine.errors import NotAllowedError
from workflow.engine.importer import parse_programme
from workflow.engine.models import Person
from workflow.engine.permissions import SYSTEM, Actor
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

OTHER = """name: Westshire and Dale shared legal
definition: shared-service
partners:
  - {name: Westshire Council, kind: unitary_council, population: 50000, net_budget: "1000000.00"}
  - {name: Dale Council, kind: district_council, population: 40000, net_budget: "900000.00"}
people:
  - name: Owen Other
    email: owen.other@westshire.example
    roles: [{role: signatory, partner: Westshire Council}]
  - name: Tom Hardy
    email: tom.hardy@northbridge.example
    roles: [{role: s151_officer, partner: Westshire Council}]
"""


def readable(programmes: Programmes, actor: Actor) -> list[tuple[int, int]]:
    """(programme, seq) of every event in the histories the actor may read, programme by programme."""
    found = []
    for summary in programmes.list(SYSTEM):
        try:
            found += [(summary.id, e.seq) for e in programmes.history(summary.id, actor)]
        except NotAllowedError:
            continue
    return found


def test_each_persons_feed_is_the_histories_they_may_read(programmes: Programmes, sample: ProgrammeView) -> None:
    other = programmes.start(*parse_programme(OTHER, "test"))
    programmes.record_evidence(sample.id, "partners_named", "Three named")
    programmes.record_evidence(other.id, "partners_named", "Two named")
    Accounts(programmes.db).add_person("Ada Admin", "ada.admin@banns.example", programmes.clock(), is_admin=True)
    with programmes.db.read() as session:
        actors = [Actor(p.id, p.name, p.is_admin) for p in session.scalars(select(Person))]
    for actor in actors:
        fed = programmes.feed(actor, limit=500)
        assert [f.id for f in fed] == sorted(f.id for f in fed)
        assert sorted((f.programme_id, f.event.seq) for f in fed) == sorted(readable(programmes, actor)), actor.name
    tom = next(a for a in actors if a.name == "Tom Hardy")  # a signatory of the sample; only s151 officer of the other
    assert {f.programme_id for f in programmes.feed(tom)} == {sample.id}
    oliver = next(a for a in actors if a.name == "Oliver Grant")  # sees the sample, may not read its history
    assert programmes.get(sample.id, oliver) and programmes.feed(oliver) == []
    admin = next(a for a in actors if a.is_admin)
    assert {f.programme_id for f in programmes.feed(admin, limit=500)} == {sample.id, other.id}


def test_a_page_is_one_statement_from_the_cursor(programmes: Programmes, sample: ProgrammeView) -> None:
    for criterion in ("partners_named", "appetite_confirmed", "vision_drafted"):
        programmes.record_evidence(sample.id, criterion, "done")
    everything = programmes.feed(SYSTEM)
    tom = programmes.actor("tom.hardy@northbridge.example")
    with statements(programmes) as sent:
        page = programmes.feed(tom, after=everything[0].id, limit=2)
    selects = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and [f.id for f in page] == [f.id for f in everything[1:3]]
    assert programmes.feed(tom, after=everything[-1].id) == []
