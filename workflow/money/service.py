"""The public face of money in banns: one method per use case, one transaction each, frozen data out.

The web UI and the ``banns money`` commands call these. Changing figures needs the ``edit`` permission on the
programme (its programme manager, or an admin); reading needs ``view``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from ..engine.errors import N_, InvalidError
from ..engine.models import Programme
from ..engine.permissions import SYSTEM, Actor
from . import importer as money_importer
from . import merge as money_merge
from . import store
from .case import BusinessCase
from .figures import figures_status
from .prenup import TWO_TERMS, UNKNOWN_STAGE, Agreement, WhatIf
from .results import Results, compute
from .said import Said, joined
from .sharing import Basis, Retrue, basis_problems, retrue, shares
from .tracking import BenefitsTracking
from .withdrawal import withdrawal

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ImportPlan:
    """What a money file would change: the sections it names, the lines it would remove, and the version of
    the programme this was read from (import against it, so that nothing changed meanwhile)."""

    sections: tuple[str, ...]
    removals: tuple[money_merge.Removal, ...]
    version: int


@dataclass(frozen=True)
class Split:
    """The shares in force for the programme's costs (``service`` empty) or one service's savings."""

    service: str
    basis: Said
    threshold: Decimal
    shares: dict[str, Decimal]


class Finances(BenefitsTracking):
    """Use cases on a programme's money."""

    # --- the business case and bases ---------------------------------------------------------------------

    def case(self, programme_id: int, actor: Actor = SYSTEM) -> BusinessCase:
        with self._read(programme_id, actor) as (session, prog):
            return store.load_case(session, prog)

    def set_case(
        self, programme_id: int, case: BusinessCase, actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> BusinessCase:
        """Replace the business case's figures (``expected_version``: the programme's version the caller saw).

        Raises:
            InvalidError: a baseline names a body that is not a partner. ConflictError: the programme changed
            since ``expected_version``.
        """
        with self._write(
            programme_id, actor, "figures_changed", figures=True, expected_version=expected_version, change="case"
        ) as (session, prog):
            store.save_case(session, prog, case)
            session.flush()
            return store.load_case(session, prog)

    def set_basis(
        self,
        programme_id: int,
        basis: Basis,
        service: str = "",
        actor: Actor = SYSTEM,
        *,
        expected_version: int | None = None,
    ) -> Split:
        """Agree how costs (or one service's savings) are shared; the split among current partners is fixed
        now and stays in force until a re-true moves it or partners change.

        Raises:
            InvalidError: a value is missing, or fixed percentages do not make 100%. ConflictError: the
            programme changed since ``expected_version``.
        """
        with self._write(
            programme_id,
            actor,
            "figures_changed",
            figures=True,
            expected_version=expected_version,
            service=service,
            change="basis",
            basis=str(basis.kind),
            driver=basis.driver,
        ) as (session, prog):
            partners = store.facts(store.current_partners(prog))
            problems = basis_problems(basis, partners)
            if problems:
                raise InvalidError(N_("{problems}"), field="basis", problems=joined(problems))
            store.save_basis(session, prog, service, basis, store.fresh_weights(prog, basis), self.clock().date())
            session.flush()
            kept = store.load_bases(session, prog)[service][1]
            return _split(service, basis, shares({n: Fraction(w) for n, w in kept.items()}))

    def splits(self, programme_id: int, actor: Actor = SYSTEM) -> list[Split]:
        """Every split in force, the programme's costs first."""
        with self._read(programme_id, actor) as (session, prog):
            return [
                _split(s, basis, self._in_force(session, prog, basis, kept))
                for s, (basis, kept) in store.load_bases(session, prog).items()
            ]

    def retrue(
        self, programme_id: int, service: str = "", values: Mapping[str, Decimal] | None = None, actor: Actor = SYSTEM
    ) -> Retrue:
        """Recalculate the split from today's facts (and new driver values or percentages, if given); it
        changes only if a share moves by more than the basis's threshold.

        Raises:
            InvalidError: no basis for ``service``.
        """
        with self._write(programme_id, actor, "figures_changed", figures=True, service=service, change="retrue") as (
            session,
            prog,
        ):
            basis, kept = self._basis(session, prog, service)
            if values is not None:
                basis = replace(basis, values={**basis.values, **values})
            in_force = self._in_force(session, prog, basis, kept)
            fresh = store.fresh_weights(prog, basis)
            outcome = retrue(in_force, shares({n: Fraction(w) for n, w in fresh.items()}), basis.retrue_threshold)
            store.save_basis(session, prog, service, basis, fresh if outcome.changed else kept, self.clock().date())
            return outcome

    # --- results -----------------------------------------------------------------------------------------

    def results(self, programme_id: int, actor: Actor = SYSTEM) -> Results:
        """Every partner's share of costs and savings by year, net, cumulative, payback, NPV, sensitivity.

        Raises:
            InvalidError: no cost-sharing basis yet.
        """
        with self._read(programme_id, actor) as (session, prog):
            case = store.load_case(session, prog)
            agreement = store.load_agreement(session, prog)
            recompute = agreement.recompute if agreement else "basis"
            bases = store.load_bases(session, prog)
            if "" not in bases:
                raise InvalidError(N_("no cost-sharing basis yet: agree one first (banns money basis)"), field="basis")
            plans = {s: store.share_plan(prog, basis, kept, recompute) for s, (basis, kept) in bases.items()}
            return compute(case, plans.pop(""), plans)

    # --- the pre-nuptial agreement -----------------------------------------------------------------------

    def agreement(self, programme_id: int, actor: Actor = SYSTEM) -> Agreement | None:
        with self._read(programme_id, actor) as (session, prog):
            return store.load_agreement(session, prog)

    def set_agreement(
        self, programme_id: int, agreement: Agreement, actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> Agreement:
        """Record the pre-nup (replacing any earlier one).

        Raises:
            InvalidError: a term names a stage the programme's lifecycle does not have. ConflictError: the
            programme changed since ``expected_version``.
        """
        with self._write(
            programme_id, actor, "figures_changed", figures=True, expected_version=expected_version, change="agreement"
        ) as (session, prog):
            stages = self.registry.pinned(session, prog.definition_hash).stage_ids
            wrong = [p for p in agreement.problems(stages) if p.message in (UNKNOWN_STAGE, TWO_TERMS)]
            if wrong:
                raise InvalidError(N_("{problems}"), field="terms", problems=joined(wrong))
            store.save_agreement(session, prog, agreement)
            session.flush()
            return store.load_agreement(session, prog) or agreement

    def what_if(self, programme_id: int, partner_id: int, on: date | None = None, actor: Actor = SYSTEM) -> WhatIf:
        """What the partner would owe if it withdrew today, and how everyone's shares would change.

        Raises:
            InvalidError: no agreement or basis, or the partner is not a current partner.
        """
        with self._read(programme_id, actor) as (session, prog):
            if partner_id not in {p.id for p in store.current_partners(prog)}:
                raise InvalidError(
                    N_("partner {partner_id} is not a current partner of {programme}"),
                    field="partner",
                    partner_id=partner_id,
                    programme=prog.name,
                )
            definition = self.registry.pinned(session, prog.definition_hash)
            return withdrawal(session, prog, definition, partner_id, on or self.clock().date())

    # --- import and export -------------------------------------------------------------------------------

    def plan_import(
        self, programme_id: int, text: str, file: str, *, replace: bool = False, actor: Actor = SYSTEM
    ) -> ImportPlan:
        """What importing a money file would do, without doing it: the sections it names and the lines it
        would remove (none unless ``replace``), with the programme's version to import against.

        Raises:
            ProgrammeFileError: every problem in the file, with its line.
        """
        spec, located = money_importer.parse_money(text, file)
        with self._read(programme_id, actor) as (session, prog):
            stages = self.registry.pinned(session, prog.definition_hash).stage_ids
            money_importer.check(prog, spec, located, stages)
            current = self._figures(session, prog)
            new = spec if replace else money_merge.merge(current, spec, money_merge.named(located.data))
            removed = money_merge.removals(current, new)
            return ImportPlan(tuple(sorted(money_merge.named(located.data))), tuple(removed), prog.version_id)

    def import_figures(
        self,
        programme_id: int,
        text: str,
        file: str,
        actor: Actor = SYSTEM,
        *,
        replace: bool = False,
        expected_version: int | None = None,
    ) -> BusinessCase:
        """Import a money file in one transaction: the lines of the sections it names are added or changed
        and nothing else is touched; with ``replace`` the file's figures replace all the programme's (see
        :meth:`plan_import` for what that removes). The event lists the sections and any lines removed.

        Raises:
            ProgrammeFileError: every problem in the file, with its line. ConflictError: the programme changed
            since ``expected_version`` (the plan shown is stale).
        """
        spec, located = money_importer.parse_money(text, file)
        with self._change(programme_id, actor, "figures_changed", expected_version=expected_version) as c:
            session, prog = c.session, c.programme
            stages = self.registry.pinned(session, prog.definition_hash).stage_ids
            money_importer.check(prog, spec, located, stages)
            current = self._figures(session, prog)
            sections = money_merge.named(located.data)
            new = spec if replace else money_merge.merge(current, spec, sections)
            removed = money_merge.removals(current, new)
            money_importer.save(session, prog, new, self.clock().date(), current)
            c.data.update(change="import", file=file, sections=sorted(sections), replace=replace)
            c.data.update(removed=[str(r.line) for r in removed])
            session.flush()
            return store.load_case(session, prog)

    def _figures(self, session: Session, prog: Programme) -> money_importer.MoneySpec:
        return money_importer.parse_money(money_importer.export(session, prog), "current figures")[0]

    def export_figures(self, programme_id: int, actor: Actor = SYSTEM) -> str:
        with self._read(programme_id, actor) as (session, prog):
            return money_importer.export(session, prog)

    def status(self, programme_id: int, requirement: str, actor: Actor = SYSTEM) -> tuple[bool, Said]:
        """Whether the figures meet a gate requirement, and why. Raises: NotFoundError, NotAllowedError."""
        with self._read(programme_id, actor) as (session, _):
            return figures_status(session, programme_id, requirement)

    def _basis(self, session: Session, prog: Programme, service: str) -> tuple[Basis, dict[str, Decimal]]:
        bases = store.load_bases(session, prog)
        if service not in bases:
            message = (
                N_("no basis for the savings of {service} yet")
                if service
                else N_("no basis for the programme's costs yet")
            )
            raise InvalidError(message, field="service", service=service)
        return bases[service]

    def _in_force(
        self, session: Session, prog: Programme, basis: Basis, kept: dict[str, Decimal]
    ) -> dict[str, Decimal]:
        agreement = store.load_agreement(session, prog)
        current = store.current_partners(prog)
        return shares(store.weights_for(current, basis, kept, agreement.recompute if agreement else "basis"))


def _split(service: str, basis: Basis, in_force: dict[str, Decimal]) -> Split:
    return Split(service, basis.describe(), basis.retrue_threshold, dict(in_force))
