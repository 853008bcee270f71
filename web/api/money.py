"""A programme's money through the API: the business case, the sharing basis, the pre-nup and its withdrawal
terms, costs and savings actually made (each read and changed), and the results, a partner's withdrawal
what-if and the steering group's highlight report (read). Thin views over :class:`workflow.money.service.
Finances`, the same use cases as the money pages and ``banns money``, with the token's person as actor: the
engine checks ``view`` to read and ``edit`` to change, and every change is one event in the programme's log.

A change to the money moves the programme's version on (its event is written through the engine's unit of
work), so the money answers carry the programme's ``ETag`` and every change takes ``If-Match`` with it, as the
moves do: 428 without it, 412 when the programme changed since. A read answers the version it read before the
figures, so an ETag never vouches for figures the client has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, g, request
from pydantic import BaseModel

from workflow.engine.errors import ConflictError, InvalidError, NotFoundError
from workflow.money import periods
from workflow.money.case import Baseline, BusinessCase, Investment, Saving
from workflow.money.prenup import Agreement, WithdrawalTerm
from workflow.money.service import Finances
from workflow.money.sharing import Basis
from workflow.shapes import money as m
from workflow.shapes.programmes import fields_of

from ..errors import problem
from ..extensions import _, error_text, reason_text
from ..records.raid import raid_log
from ..services import now, services
from .http import body, etag, expected_version, reply, stale, validated
from .openapi import operation

bp = Blueprint("money", __name__)
#: Reads and changes share paths (GET and PUT): with the app's bounded ``int`` an id above any row's would match
#: the GET's rule by path but fail its converter, which Werkzeug answers 405 for a PUT; unbounded, the engine
#: answers 404 ("no programme with id ...") for both.
MONEY = "/programmes/<int(max=None):programme_id>/money"


def finances() -> Finances:
    s = services()
    return Finances(s.db, s.registry, s.programmes.clock)


def _answer(programme_id: int, read: Callable[[Finances], BaseModel], status: int = 200) -> Response:
    """``read``'s shape with the programme's ETag, the version read first (a view check, as the pages make)."""
    version = services().programmes.get(programme_id, g.actor).version
    try:
        response = reply(read(finances()), status)
    except InvalidError as exc:
        return _invalid(exc)
    response.headers["ETag"] = etag(version)
    return response


def _change(programme_id: int, act: Callable[[Finances, int], object], read: Callable[[Finances], BaseModel]) -> Any:
    """Run ``act(finances, expected_version)``, then answer as ``read`` sees the money now."""
    version = expected_version()
    try:
        act(finances(), version)
    except ConflictError:
        return stale()
    except InvalidError as exc:
        return _invalid(exc)
    return _answer(programme_id, read)


def _invalid(exc: InvalidError) -> Response:
    """The engine's refusal of a value (or of a read the figures cannot yet answer), naming its field."""
    detail = error_text(exc)
    return problem(422, detail, errors=[{"loc": [exc.field or "body"], "msg": detail, "type": "invalid"}])


# --- the business case ----------------------------------------------------------------------------------------


def _case(money: Finances, programme_id: int) -> m.MoneyCase:
    return m.MoneyCase.model_validate(money.case(programme_id, g.actor))


@operation(bp, "GET", f"{MONEY}/case", "The business case's figures", {200: m.MoneyCase})
def get_money_case(programme_id: int) -> Any:
    return _answer(programme_id, lambda money: _case(money, programme_id))


@operation(
    bp,
    "PUT",
    f"{MONEY}/case",
    "Replace the business case's figures (programme managers)",
    {200: m.MoneyCase},
    body=m.CaseRequest,
    changes=True,
)
def put_money_case(programme_id: int) -> Any:
    asked = body(m.CaseRequest)
    case = BusinessCase(
        tuple(Investment(i.year, i.category, i.amount, i.recurring, i.note) for i in asked.investments),
        tuple(Saving(s.year, s.service, s.amount) for s in asked.savings),
        tuple(Baseline(b.partner, b.service, b.amount) for b in asked.baselines),
        asked.first_year,
        asked.years,
    )
    return _change(
        programme_id,
        lambda money, version: money.set_case(programme_id, case, g.actor, expected_version=version),
        lambda money: _case(money, programme_id),
    )


# --- the sharing basis -------------------------------------------------------------------------------------------


def _splits(money: Finances, programme_id: int) -> m.Splits:
    return m.Splits(items=[m.Split.model_validate(s) for s in money.splits(programme_id, g.actor)])


@operation(bp, "GET", f"{MONEY}/sharing", "The shares in force for costs and each service's savings", {200: m.Splits})
def get_sharing(programme_id: int) -> Any:
    return _answer(programme_id, lambda money: _splits(money, programme_id))


@operation(
    bp,
    "PUT",
    f"{MONEY}/sharing",
    "Agree how costs (or one service's savings) are shared (programme managers)",
    {200: m.Splits},
    body=m.BasisRequest,
    changes=True,
)
def put_sharing(programme_id: int) -> Any:
    asked = body(m.BasisRequest)
    basis = Basis(asked.kind, dict(asked.values), asked.driver.strip(), asked.retrue_threshold)
    return _change(
        programme_id,
        lambda money, version: money.set_basis(
            programme_id, basis, asked.service.strip(), g.actor, expected_version=version
        ),
        lambda money: _splits(money, programme_id),
    )


# --- the pre-nuptial agreement -----------------------------------------------------------------------------------


def _agreement(money: Finances, programme_id: int) -> m.Agreement:
    found = money.agreement(programme_id, g.actor)
    if found is None:
        return m.Agreement(recorded=False)
    return m.Agreement.model_validate({**asdict(found), "exit_costs": dict(found.exit_costs), "recorded": True})


@operation(bp, "GET", f"{MONEY}/agreement", "The pre-nuptial agreement and its withdrawal terms", {200: m.Agreement})
def get_agreement(programme_id: int) -> Any:
    return _answer(programme_id, lambda money: _agreement(money, programme_id))


@operation(
    bp,
    "PUT",
    f"{MONEY}/agreement",
    "Record the pre-nuptial agreement, replacing any earlier one (programme managers)",
    {200: m.Agreement},
    body=m.AgreementRequest,
    changes=True,
)
def put_agreement(programme_id: int) -> Any:
    asked = body(m.AgreementRequest)
    agreement = Agreement(
        asked.notice_months,
        asked.minimum_term_months,
        asked.starts_on,
        tuple(WithdrawalTerm(t.from_stage, t.fixed_sum, t.share_of_costs, tuple(t.exit_costs)) for t in asked.terms),
        dict(asked.exit_costs),
        asked.recompute,
    )
    return _change(
        programme_id,
        lambda money, version: money.set_agreement(programme_id, agreement, g.actor, expected_version=version),
        lambda money: _agreement(money, programme_id),
    )


# --- actuals -----------------------------------------------------------------------------------------------------


def _actuals(money: Finances, programme_id: int) -> m.Actuals:
    return m.Actuals.model_validate(money.benefits(programme_id, g.actor))


@operation(bp, "GET", f"{MONEY}/actuals", "Savings actually made against plan, measures, confidence", {200: m.Actuals})
def get_actuals(programme_id: int) -> Any:
    return _answer(programme_id, lambda money: _actuals(money, programme_id))


@operation(
    bp,
    "POST",
    f"{MONEY}/actuals/costs",
    "Record money actually spent (programme managers)",
    {200: m.CostRecorded},
    body=m.CostRequest,
    changes=True,
)
def record_cost_incurred(programme_id: int) -> Any:
    asked = body(m.CostRequest)
    total: list[Any] = []

    def act(money: Finances, version: int) -> None:
        total.append(
            money.record_cost(
                programme_id,
                asked.on,
                asked.category,
                asked.amount,
                asked.note.strip(),
                g.actor,
                expected_version=version,
            )
        )

    return _change(programme_id, act, lambda money: m.CostRecorded(costs_to_date=total[0]))


@operation(
    bp,
    "POST",
    f"{MONEY}/actuals/savings",
    "Record (or correct) the savings a service actually made in a year (programme managers)",
    {200: m.Actuals},
    body=m.ActualRequest,
    changes=True,
)
def record_actual_saving(programme_id: int) -> Any:
    asked = body(m.ActualRequest)
    return _change(
        programme_id,
        lambda money, version: money.record_actual(
            programme_id, asked.year, asked.service.strip(), asked.amount, g.actor, expected_version=version
        ),
        lambda money: _actuals(money, programme_id),
    )


# --- results, what-if, highlight -------------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    f"{MONEY}/results",
    "Each partner's costs and savings by year, payback, NPV and sensitivity (422 until a basis is agreed)",
    {200: m.Results},
    also=(422,),
)
def get_results(programme_id: int) -> Any:
    return _answer(programme_id, lambda money: m.Results.model_validate(money.results(programme_id, g.actor)))


@operation(
    bp,
    "GET",
    f"{MONEY}/what-if",
    "What a current partner would owe if it withdrew (422 without an agreement and a basis)",
    {200: m.WhatIf},
    query=m.WhatIfQuery,
    also=(422,),
)
def get_what_if(programme_id: int) -> Any:
    asked = validated(m.WhatIfQuery, request.args.to_dict(), 400)
    view = services().programmes.get(programme_id, g.actor)
    if asked.partner_id not in {p.id for p in view.current_partners}:
        raise NotFoundError(_("The programme has no current partner with id %(id)s.", id=asked.partner_id))
    return _answer(
        programme_id,
        lambda money: m.WhatIf.model_validate(money.what_if(programme_id, asked.partner_id, asked.on, g.actor)),
    )


@operation(
    bp,
    "GET",
    f"{MONEY}/highlight",
    "The steering group's highlight report for a period (default: the current quarter)",
    {200: m.Highlight},
    query=m.HighlightQuery,
    also=(422,),
)
def get_highlight(programme_id: int) -> Any:
    asked = validated(m.HighlightQuery, request.args.to_dict(), 400)
    view = services().programmes.get(programme_id, g.actor)
    period = asked.period or periods.label(periods.of_day(now().date()))
    unmet = tuple(reason_text(r) for r in view.gate.report.unmet) if view.gate else ()
    risks = raid_log().top_risks(programme_id, g.actor)
    return _answer(
        programme_id,
        lambda money: m.Highlight.model_validate(
            {**fields_of(money.highlight(programme_id, period, unmet, g.actor)), "top_risks": risks}
        ),
    )
