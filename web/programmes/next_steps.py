"""The "What to do next" panel of the programme and gate pages: the engine's next steps for the signed-in
person (:mod:`workflow.engine.next_steps`), and where each step's action lives. The words are the templates'
(``programmes/_next_step.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import g, url_for

from web.extensions import _
from web.programmes.access import access_to
from web.services import services
from workflow.engine.deputies import DelegationView
from workflow.engine.next_steps import NextStep, next_steps
from workflow.engine.views import AskedView, ProgrammeView

#: The page where the figures a figure check reads are entered (the money's summary for any other check).
FIGURE_PAGES = {
    "declarations_agreed": "records.register",
    "savings_by_year": "money_entry.case",
    "payback_year": "money_entry.case",
    "complete_agreement": "money_entry.agreement",
}


@dataclass(frozen=True)
class Panel:
    """What the panel shows: the steps (the first leads) and the signatories the person deputises for."""

    view: ProgrammeView
    steps: tuple[NextStep, ...]
    deputies: tuple[DelegationView, ...] = ()

    @property
    def lead(self) -> NextStep:
        return self.steps[0]

    @property
    def others(self) -> tuple[NextStep, ...]:
        return self.steps[1:]

    def figures_page(self, check: str | None) -> str:
        """Where the figures a criterion's check reads are entered."""
        return url_for(FIGURE_PAGES.get(check or "", "money.summary"), programme_id=self.view.id)

    def chase_link(self, people: tuple[AskedView, ...]) -> str:
        """A ``mailto:`` link to everyone still asked to decide, with a subject and a link to the gate."""
        view = self.view
        emails = {r.person_id: r.email for r in view.roles}
        asked = (p.person_id for p in people if p.person_id in emails and not p.deactivated)
        to = ",".join(dict.fromkeys(emails[person] for person in asked))
        subject = _("Your decision is needed: %(programme)s", programme=view.name)
        body = _(
            "Please record your decision on the gate of %(programme)s: %(link)s",
            programme=view.name,
            link=url_for("gates.show", programme_id=view.id, _external=True),
        )
        return f"mailto:{to}?subject={quote(subject)}&body={quote(body)}"


def panel_for(view: ProgrammeView) -> Panel:
    """What the signed-in person should do next on ``view``, the step to take first leading."""
    criteria = []
    if view.gate is not None:
        criteria = services().portfolio.definition_of(view).gates[view.state].criteria
    deputies = tuple(deputising(view))
    steps = next_steps(
        view,
        criteria,
        g.actor.person_id,
        manages=access_to(view).is_manager,
        deputy_for=[d.signatory_id for d in deputies],
    )
    return Panel(view, steps, deputies)


def deputising(view: ProgrammeView) -> list[DelegationView]:
    """The signatories the signed-in person decides for today as deputy, where the open round asks them."""
    if not view.gate or not view.gate.request_open or g.actor.person_id is None:
        return []
    acting = services().programmes.acting_for(view.id, g.actor)
    return [d for d in acting if view.gate.asked_of(d.signatory_id)]
