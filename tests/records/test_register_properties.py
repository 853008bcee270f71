"""Property: whatever partners declare, answer, withdraw, revise, join or leave, in any order, the register
the engine keeps agrees with a plain model of the rules: who has declared, which objections stand, which
answers are awaited, and so whether the honest conversation is agreed. Invalid steps are refused and change
nothing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow.engine.errors import InvalidError
from workflow.engine.importer import PartnerSpec, load_programme
from workflow.engine.permissions import SYSTEM
from workflow.engine.programmes import Programmes
from workflow.records.declarations import Declarations
from workflow.records.register import declarations_agreed

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "northbridge-southmoor.yaml"
NAMES = itertools.count(1)
STEP = st.tuples(
    st.sampled_from(
        ["declare", "declare", "none", "answer", "answer", "answer", "withdraw", "revise", "leave", "join"]
    ),
    st.integers(0, 5),
    st.integers(0, 5),
    st.sampled_from(["accepted", "accepted", "objected"]),
)


@dataclass
class Model:
    current: list[int]
    owner: dict[int, int] = field(default_factory=dict)  # declaration -> partner
    revision: dict[int, int] = field(default_factory=dict)
    answers: dict[tuple[int, int], tuple[str, int]] = field(default_factory=dict)
    nones: set[int] = field(default_factory=set)

    def live(self) -> list[int]:
        return [d for d, p in self.owner.items() if p in self.current]

    def objections(self) -> set[tuple[int, int]]:
        return {
            (d, p)
            for d in self.live()
            for p in self.current
            if p != self.owner[d] and self.answers.get((d, p)) == ("objected", self.revision[d])
        }

    def awaited(self) -> set[tuple[int, int]]:
        return {
            (d, p)
            for d in self.live()
            for p in self.current
            if p != self.owner[d] and self.answers.get((d, p), ("", 0))[1] != self.revision[d]
        }

    def missing(self) -> set[int]:
        return {p for p in self.current if p not in self.nones and p not in {self.owner[d] for d in self.live()}}


def run(programmes: Programmes, register: Declarations, steps: list[tuple[str, int, int, str]]) -> None:
    spec, located = load_programme(EXAMPLE)
    pid = programmes.start(spec.model_copy(update={"name": f"Programme {next(NAMES)}"}), located).id
    model = Model([p.id for p in programmes.get(pid).partners])
    for step, a, b, answer in steps:
        partner = model.current[a % len(model.current)]
        declaration = sorted(model.owner)[b % len(model.owner)] if model.owner else 0
        owner_current = model.owner.get(declaration) in model.current
        if step == "declare":
            d = register.declare(pid, partner, "red_line", f"item {a}{b}", "why", SYSTEM)
            model.owner[d], model.revision[d] = partner, 1
            model.nones.discard(partner)
        elif step == "none":
            if partner in model.owner.values():
                with pytest.raises(InvalidError):
                    register.declare_none(pid, partner, SYSTEM)
            else:
                register.declare_none(pid, partner, SYSTEM)
                model.nones.add(partner)
        elif step == "answer" and declaration:
            if partner == model.owner[declaration] or not owner_current:
                with pytest.raises(InvalidError):
                    register.answer(pid, declaration, partner, answer, "a comment", SYSTEM)
            else:
                register.answer(pid, declaration, partner, answer, "a comment", SYSTEM)
                model.answers[(declaration, partner)] = (answer, model.revision[declaration])
        elif step == "withdraw" and declaration:
            if (declaration, partner) in model.objections():
                register.withdraw_objection(pid, declaration, partner, SYSTEM)
                model.answers[(declaration, partner)] = ("accepted", model.revision[declaration])
            else:
                with pytest.raises(InvalidError):
                    register.withdraw_objection(pid, declaration, partner, SYSTEM)
        elif step == "revise" and declaration:
            if owner_current:
                register.revise(pid, declaration, "precondition", f"item {a}{b} revised", "why", SYSTEM)
                model.revision[declaration] += 1
            else:
                with pytest.raises(InvalidError):
                    register.revise(pid, declaration, "precondition", "revised", "why", SYSTEM)
        elif step == "leave" and len(model.current) > 2:
            programmes.withdraw(pid, partner, "leaves")
            model.current.remove(partner)
        elif step == "join":
            spec_ = PartnerSpec(
                name=f"Joiner {a}{b} {len(model.owner)}", kind="district_council", population=1, net_budget="1.00"
            )
            if spec_.name not in {p.name for p in programmes.get(pid).partners}:
                view = programmes.add_partner(pid, spec_)
                model.current.append(view.partners[-1].id)
        state = register.register(pid, SYSTEM)
        assert {(o.declaration_id, o.objector_id) for o in state.objections} == model.objections()
        assert {(w.declaration_id, w.partner_id) for w in state.awaited} == model.awaited()
        assert {p.partner_id for p in state.missing} == model.missing()
        agreed = not (model.objections() or model.awaited() or model.missing())
        assert state.agreed == agreed
        with programmes.db.read() as session:
            assert declarations_agreed(session, pid)[0] == agreed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_the_register_follows_the_rules_whatever_happens(
    programmes: Programmes, steps: list[tuple[str, int, int, str]]
) -> None:
    run(programmes, Declarations(programmes.db, programmes.registry, programmes.clock), steps)
