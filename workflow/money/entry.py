"""Money entered a line at a time (the web's forms) or a spreadsheet at a time: use cases over the same unit of
work as :class:`~workflow.money.service.Finances`, each one transaction and one ``figures_changed`` event with
its actor. A line set to £0 is removed; a spreadsheet replaces the business case and the actuals whole."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..engine.errors import N_, ConflictError, InvalidError
from ..engine.models import Programme
from ..engine.permissions import SYSTEM, Actor
from . import spreadsheet, store
from . import years as fy
from .case import CATEGORY_TITLES, Baseline, BusinessCase, Investment, Saving
from .models import MoneyActualSaving, MoneyCostIncurred
from .prenup import Agreement, Recompute, WithdrawalTerm
from .service import Finances
from .sheet_changes import Preview, fingerprint, preview
from .sheet_figures import Cost, Sheets


class MoneyEntry(Finances):
    """Use cases behind the money forms and spreadsheets."""

    def set_investment(
        self,
        programme_id: int,
        year: int,
        category: str,
        amount: Decimal,
        recurring: bool = False,
        note: str = "",
        actor: Actor = SYSTEM,
    ) -> BusinessCase:
        """Set the investment of one category in one year (one-off or recurring); £0 removes it.

        Raises:
            InvalidError: an unknown category.
        """
        if category not in CATEGORY_TITLES:
            raise InvalidError(N_("unknown investment category '{category}'"), field="category", category=category)
        data: dict[str, Any] = {
            "change": "investment",
            "year": fy.label(year),
            "category": category,
            "recurring": recurring,
            "amount": f"{amount:.2f}",
        }
        with self._write(programme_id, actor, "figures_changed", figures=True, **data) as (session, prog):
            case = store.load_case(session, prog)
            kept = tuple(
                i for i in case.investments if (i.year, i.category, i.recurring) != (year, category, recurring)
            )
            line = (Investment(year, category, amount, recurring, note),) if amount else ()
            store.save_case(session, prog, replace(case, investments=kept + line))
            session.flush()
            return store.load_case(session, prog)

    def set_saving(
        self, programme_id: int, year: int, service: str, amount: Decimal, actor: Actor = SYSTEM
    ) -> BusinessCase:
        """Set the planned savings of a service in a year; £0 removes them."""
        data: dict[str, Any] = {"change": "saving", "year": fy.label(year), "service": service}
        data["amount"] = f"{amount:.2f}"
        with self._write(programme_id, actor, "figures_changed", figures=True, **data) as (session, prog):
            case = store.load_case(session, prog)
            kept = tuple(s for s in case.savings if (s.year, s.service) != (year, service))
            line = (Saving(year, service, amount),) if amount else ()
            store.save_case(session, prog, replace(case, savings=kept + line))
            session.flush()
            return store.load_case(session, prog)

    def set_baseline(
        self, programme_id: int, partner: str, service: str, amount: Decimal, actor: Actor = SYSTEM
    ) -> BusinessCase:
        """Set what a partner spends on a service before sharing; £0 removes it.

        Raises:
            InvalidError: ``partner`` is not a partner of the programme.
        """
        data: dict[str, Any] = {"change": "baseline", "partner": partner, "service": service}
        data["amount"] = f"{amount:.2f}"
        with self._write(programme_id, actor, "figures_changed", figures=True, **data) as (session, prog):
            store.partner_by_name(prog, partner)
            case = store.load_case(session, prog)
            kept = tuple(b for b in case.baselines if (b.partner, b.service) != (partner, service))
            line = (Baseline(partner, service, amount),) if amount else ()
            store.save_case(session, prog, replace(case, baselines=kept + line))
            session.flush()
            return store.load_case(session, prog)

    def set_terms(
        self,
        programme_id: int,
        notice_months: int,
        minimum_term_months: int,
        starts_on: date | None,
        recompute: Recompute,
        exit_costs: Mapping[str, Decimal],
        actor: Actor = SYSTEM,
    ) -> Agreement:
        """Set the pre-nup's notice period, minimum term, start, recompute rule and priced exit costs, keeping
        its withdrawal terms."""
        data: dict[str, Any] = {"change": "terms", "notice_months": notice_months}
        data.update(minimum_term_months=minimum_term_months, exit_costs={n: f"{a:.2f}" for n, a in exit_costs.items()})
        with self._write(programme_id, actor, "figures_changed", figures=True, **data) as (session, prog):
            old = store.load_agreement(session, prog) or Agreement()
            new = Agreement(notice_months, minimum_term_months, starts_on, old.terms, dict(exit_costs), recompute)
            store.save_agreement(session, prog, new)
            return new

    def set_term(self, programme_id: int, term: WithdrawalTerm, actor: Actor = SYSTEM) -> Agreement:
        """Set what a leaver owes from ``term.from_stage`` on (a term that asks for nothing removes it).

        Raises:
            InvalidError: the stage is not one of the programme's lifecycle.
        """
        data: dict[str, Any] = {
            "change": "term",
            "from_stage": term.from_stage,
            "fixed_sum": f"{term.fixed_sum:.2f}",
            "share_of_costs": term.share_of_costs,
            "exit_costs": list(term.exit_costs),
        }
        with self._write(programme_id, actor, "figures_changed", figures=True, **data) as (session, prog):
            stages = self.registry.pinned(session, prog.definition_hash).stage_ids
            if term.from_stage not in stages:
                raise InvalidError(
                    N_("'{stage}' is not a stage of this programme's lifecycle"), field="stage", stage=term.from_stage
                )
            old = store.load_agreement(session, prog) or Agreement()
            kept = [t for t in old.terms if t.from_stage != term.from_stage]
            if term.fixed_sum or term.share_of_costs or term.exit_costs:
                kept.append(term)
            kept.sort(key=lambda t: stages.index(t.from_stage) if t.from_stage in stages else len(stages))
            new = replace(old, terms=tuple(kept))
            store.save_agreement(session, prog, new)
            return new

    # --- spreadsheets ---------------------------------------------------------------------------------------

    def export_spreadsheet(self, programme_id: int, kind: str, actor: Actor = SYSTEM, *, blank: bool = False) -> bytes:
        """The business case and the actuals as an .xlsx or .ods file; ``blank``: the template, with the
        programme's partners, financial years and services but no amounts."""
        with self._read(programme_id, actor) as (session, prog):
            case, actuals, costs = store.load_case(session, prog), _actuals(session, prog), _costs(session, prog)
            partners = [p.name for p in prog.partners]
        this_year = fy.year_of(self.clock().date())
        if blank:
            period = case.period()
            empty = BusinessCase(first_year=period[0], years=len(period)) if period else BusinessCase()
            services = [*case.services(), *(b.service for b in case.baselines)]
            book = spreadsheet.book_rows(empty, partners, [], [], this_year, services)
        else:
            book = spreadsheet.book_rows(case, partners, actuals, costs, this_year)
        return spreadsheet.write(book, kind)

    def check_spreadsheet(
        self, programme_id: int, data: bytes, kind: str, actor: Actor = SYSTEM
    ) -> tuple[Sheets, Preview]:
        """Read a spreadsheet and say what importing it would change, changing nothing.

        Raises:
            SpreadsheetError: every wrong cell, with its sheet and address. NotAllowedError: may not edit.
        """
        book = spreadsheet.read(data, kind)
        with self.db.read() as session:
            prog = self._programme(session, programme_id, actor, "edit")
            sheets = spreadsheet.parse(book, [p.name for p in prog.partners])
            case, actuals, costs = store.load_case(session, prog), _actuals(session, prog), _costs(session, prog)
            return sheets, preview(case, tuple(actuals), tuple(costs), sheets)

    def import_spreadsheet(self, programme_id: int, data: bytes, kind: str, file: str, actor: Actor = SYSTEM) -> Sheets:
        """Read a spreadsheet and import it at once (see :meth:`apply_spreadsheet`).

        Raises:
            SpreadsheetError: every wrong cell, with its sheet and address.
        """
        book = spreadsheet.read(data, kind)
        with self.db.read() as session:
            sheets = spreadsheet.parse(book, [p.name for p in store.programme(session, programme_id).partners])
        self.apply_spreadsheet(programme_id, sheets, file, actor=actor)
        return sheets

    def apply_spreadsheet(
        self, programme_id: int, sheets: Sheets, file: str, compared: str | None = None, actor: Actor = SYSTEM
    ) -> None:
        """Replace the business case, and the actual savings and costs incurred where the file has those
        sheets, with the file's; all in one transaction, or nothing.

        Raises:
            ConflictError: ``compared`` (a :class:`Preview`'s fingerprint) no longer matches the figures.
            InvalidError: a baseline names a body that is no longer a partner.
        """
        data: dict[str, Any] = {"change": "spreadsheet", "file": file}
        with self._write(programme_id, actor, "figures_changed", figures=True, **data) as (session, prog):
            old = store.load_case(session, prog)
            if compared is not None and compared != fingerprint(old, _actuals(session, prog), _costs(session, prog)):
                raise ConflictError(
                    programme_id,
                    N_(
                        "the money figures were changed by someone else after the spreadsheet was checked; nothing "
                        "was imported. Upload it again to see what it would change now."
                    ),
                )
            store.save_case(session, prog, spreadsheet.merge_case(old, sheets.case))
            if sheets.actuals is not None:
                session.execute(delete(MoneyActualSaving).where(MoneyActualSaving.programme_id == prog.id))
                session.add_all(
                    MoneyActualSaving(programme_id=prog.id, year=a.year, service=a.service, amount=a.amount)
                    for a in sheets.actuals
                )
            if sheets.costs is not None:
                session.execute(delete(MoneyCostIncurred).where(MoneyCostIncurred.programme_id == prog.id))
                session.add_all(
                    MoneyCostIncurred(
                        programme_id=prog.id, incurred_on=c.on, category=c.category, amount=c.amount, note=c.note
                    )
                    for c in sheets.costs
                )


def _actuals(session: Session, prog: Programme) -> list[Saving]:
    rows = session.scalars(
        select(MoneyActualSaving)
        .filter_by(programme_id=prog.id)
        .order_by(MoneyActualSaving.year, MoneyActualSaving.service)
    )
    return [Saving(a.year, a.service, a.amount) for a in rows]


def _costs(session: Session, prog: Programme) -> list[Cost]:
    rows = session.scalars(
        select(MoneyCostIncurred)
        .filter_by(programme_id=prog.id)
        .order_by(MoneyCostIncurred.incurred_on, MoneyCostIncurred.id)
    )
    return [Cost(c.incurred_on, c.category, c.amount, c.note) for c in rows]
