"""Money pages: the business case and its results, what if a partner withdrew today, the steering group's
highlight report (a page that prints well, and a PDF), and recording savings actually made and delivery
confidence. Thin views over :class:`workflow.money.service.Finances`, which checks permission again on every
call: hiding a form is a courtesy, not the control."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import Form, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from web.extensions import _, error_text, reason_text
from web.forms import FlaskForm, Length, NoNul, OneLine, options
from web.money.charts import chart_svg
from web.money.forms import Entered, amount_field, at_most, parsed
from web.money.report_pdf import highlight_pdf
from web.money.words import CATEGORY_WORDS, RECOMPUTE_WORDS, rating_words
from web.programmes.access import Access, access_to
from web.programmes.lifecycle import stage_timeline
from web.records.raid import raid_log
from web.services import now, services
from workflow.engine.errors import InvalidError
from workflow.engine.importer import ProgrammeFileError
from workflow.engine.views import ProgrammeView
from workflow.money import periods
from workflow.money import years as fy
from workflow.money.benefits import SCALES, HighlightReport
from workflow.money.case import CATEGORIES, ZERO, BusinessCase
from workflow.money.service import Finances

bp = Blueprint("money", __name__, url_prefix="/programmes/<int:programme_id>/money")

#: The money pages' own few styles, and how the highlight report prints. Served from our origin: the CSP
#: refuses inline styles. The site's styles already hide navigation, buttons and forms in print.


class MoneyImportForm(FlaskForm):
    source = TextAreaField(
        _l("Money figures in YAML"),
        validators=[DataRequired(_l("Paste the programme's money figures in YAML")), Length(max=200_000)],
    )


class WhatIfForm(Form):
    """Asked with GET: it changes nothing, so it carries no CSRF token."""

    partner = SelectField(_l("Partner"), coerce=int, validators=[DataRequired(_l("Select a partner"))])


class ActualForm(FlaskForm):
    year = SelectField(_l("Financial year"), validators=[DataRequired(_l("Select the financial year"))])
    service = SelectField(_l("Service"), validators=[DataRequired(_l("Select the service"))])
    #: Read as every money form reads pounds (:mod:`workflow.money.entered`): 12,000 and £ fine, 5e9 not.
    amount = amount_field(_l("Savings actually made"))


class ConfidenceForm(FlaskForm):
    period = StringField(
        _l("Reporting period"),
        validators=[
            at_most(_l("Reporting period"), 40),
            OneLine(),
            Entered(lambda text, _label: periods.normal(text)),
        ],
    )
    rating = RadioField(_l("Delivery confidence"), validators=[DataRequired(_l("Select a rating"))])
    commentary = TextAreaField(
        _l("Commentary"), validators=[DataRequired(_l("Enter why you give this rating")), Length(max=4000), NoNul()]
    )


def finances() -> Finances:
    s = services()
    return Finances(s.db, s.registry, s.programmes.clock)


def current_period(day: date) -> str:
    """The financial quarter ``day`` falls in, e.g. ``2026-27 Q4`` for January 2027."""
    return periods.label(periods.of_day(day))


def _programme(programme_id: int) -> tuple[ProgrammeView, Access]:
    view = services().programmes.get(programme_id, g.actor)
    return view, access_to(view)


# --- the business case ----------------------------------------------------------------------------------------


@bp.get("")
def summary(programme_id: int) -> Any:
    view, access = _programme(programme_id)
    money = finances()
    case = money.case(programme_id, g.actor)
    try:
        results = money.results(programme_id, g.actor)
    except InvalidError as exc:
        results, missing = None, error_text(exc)
    else:
        missing = ""
    return render_template(
        "money/summary.html",
        view=view,
        access=access,
        case=case,
        results=results,
        missing=missing,
        tables=case_tables(case),
        splits=money.splits(programme_id, g.actor),
        agreement=money.agreement(programme_id, g.actor),
        recompute_titles=RECOMPUTE_WORDS,
        label=fy.label,
        stage_title=services().portfolio.definition_of(view).state_title,
    )


@dataclass(frozen=True)
class CaseTables:
    """The case's plan by year: investment per category and savings per service (only columns in use)."""

    categories: list[tuple[str, str]]
    services: list[str]
    rows: list[tuple[str, dict[str, Decimal], dict[str, Decimal]]]
    one_off: Decimal
    recurring: Decimal


def case_tables(case: BusinessCase) -> CaseTables:
    used = [c for c, total in case.investment_by_category().items() if total]
    services_ = case.services()
    rows = []
    for year in case.period():
        invested = {
            c: sum((i.amount for i in case.investments if i.year == year and i.category == c), ZERO) for c in CATEGORIES
        }
        saved = {s: case.savings_by_service()[s][year] for s in services_}
        rows.append((fy.label(year), invested, saved))
    one_off, recurring = case.one_off_and_recurring()
    return CaseTables([(c, str(CATEGORY_WORDS[c])) for c in used], services_, rows, one_off, recurring)


@bp.route("/import", methods=["GET", "POST"])
def import_figures(programme_id: int) -> Any:
    view, access = _programme(programme_id)
    if not access.can("edit"):
        abort(403)
    form = MoneyImportForm()
    problems: list[Any] = []
    if request.method == "GET":
        form.source.data = finances().export_figures(programme_id, g.actor)
    elif form.validate_on_submit():
        try:
            finances().import_figures(programme_id, form.source.data or "", "pasted YAML", g.actor, replace=True)
        except ProgrammeFileError as exc:
            problems = exc.problems
        else:
            flash(_("Money figures imported"), "success")
            return redirect(url_for("money.summary", programme_id=programme_id))
    status = 422 if (problems or form.errors) else 200
    return render_template("money/import.html", view=view, form=form, problems=problems), status


@bp.get("/export.yaml")
def export_figures(programme_id: int) -> Response:
    text = finances().export_figures(programme_id, g.actor)
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f"attachment; filename=programme-{programme_id}-money.yaml"},
    )


# --- what if a partner withdrew today ---------------------------------------------------------------------------


@bp.get("/what-if")
def what_if(programme_id: int) -> Any:
    view, access = _programme(programme_id)
    form = WhatIfForm(request.args)
    form.partner.choices = options([(p.id, p.name) for p in view.current_partners])
    outcome, problem, status = None, "", 200
    if "partner" in request.args:
        if form.validate():
            try:
                outcome = finances().what_if(programme_id, form.partner.data, actor=g.actor)
            except InvalidError as exc:
                problem = error_text(exc)
        else:
            status = 422
    return render_template(
        "money/what_if.html",
        view=view,
        access=access,
        form=form,
        outcome=outcome,
        problem=problem,
        stage_title=services().portfolio.definition_of(view).state_title,
    ), status


# --- the highlight report ---------------------------------------------------------------------------------------


def _report(programme_id: int) -> tuple[ProgrammeView, HighlightReport, dict[str, Any]]:
    """The report for the period asked for, or (with ``time["period_error"]`` saying why) the current one."""
    view = services().programmes.get(programme_id, g.actor)
    asked = (request.args.get("period") or "").strip()[:40]
    unmet = tuple(reason_text(r) for r in view.gate.report.unmet) if view.gate else ()
    problem = None
    try:
        report = finances().highlight(programme_id, asked or current_period(now().date()), unmet, g.actor)
    except InvalidError as exc:
        problem = error_text(exc, capitalised=True)
        report = finances().highlight(programme_id, current_period(now().date()), unmet, g.actor)
    definition = services().portfolio.definition_of(view)
    events = services().programmes.history(programme_id, g.actor)
    time = {
        "entered": view.stage_entered_at,
        "days_in_stage": (now().date() - view.stage_entered_at.date()).days,
        "timeline": stage_timeline(definition, view, events),
        "period_error": problem,
        "asked": asked,
    }
    return view, report, time


@bp.get("/report")
def report(programme_id: int) -> Any:
    return _report_page(programme_id, *_report(programme_id))


def _report_page(programme_id: int, view: ProgrammeView, highlight: HighlightReport, time: dict[str, Any]) -> Any:
    status = 422 if time["period_error"] else 200
    return render_template(
        "money/report.html",
        view=view,
        access=access_to(view),
        report=highlight,
        time=time,
        chart=chart_svg(highlight.savings),
        risks=raid_log().top_risks(programme_id, g.actor),
    ), status


@bp.get("/report.pdf")
def report_pdf(programme_id: int) -> Any:
    """The report as a PDF; a period that cannot be read gets the report page with its error (422), not a PDF
    of another period the reader did not ask for."""
    view, highlight, time = _report(programme_id)
    if time["period_error"]:
        return _report_page(programme_id, view, highlight, time)
    risks = raid_log().top_risks(programme_id, g.actor)
    data = highlight_pdf(highlight, time, compress=not current_app.testing, risks=risks)
    name = re.sub(r"[^A-Za-z0-9-]+", "-", highlight.period).strip("-") or "report"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="programme-{programme_id}-highlight-{name}.pdf"'},
    )


# --- benefits realisation ---------------------------------------------------------------------------------------


def _benefit_forms(
    programme_id: int, case: BusinessCase, actual: ActualForm | None = None, confidence: ConfidenceForm | None = None
) -> tuple[ActualForm, ConfidenceForm]:
    actual = actual or ActualForm(formdata=None, prefix="actual")
    confidence = confidence or ConfidenceForm(
        formdata=None, prefix="confidence", data={"period": current_period(now().date())}
    )
    actual.year.choices = options([(fy.label(y), fy.label(y)) for y in case.period()])
    actual.service.choices = options([(s, s) for s in case.services()])
    scale = yaml.safe_load(finances().export_figures(programme_id, g.actor)).get("confidence_scale", "gateway")
    confidence.rating.choices = options([(r, rating_words(r)) for r in SCALES.get(scale, SCALES["gateway"])])
    return actual, confidence


def _benefits_page(programme_id: int, status: int = 200, **given: Any) -> Any:
    view, access = _programme(programme_id)
    case = finances().case(programme_id, g.actor)
    actual, confidence = _benefit_forms(programme_id, case, **given)
    return render_template(
        "money/benefits.html",
        view=view,
        access=access,
        benefits=finances().benefits(programme_id, g.actor),
        actual_form=actual,
        confidence_form=confidence,
        has_case=not case.is_empty,
    ), status


@bp.get("/benefits")
def benefits(programme_id: int) -> Any:
    return _benefits_page(programme_id)


def _may_edit(programme_id: int) -> None:
    if not _programme(programme_id)[1].can("edit"):
        abort(403)


@bp.post("/benefits/actual")
def record_actual(programme_id: int) -> Any:
    _may_edit(programme_id)
    form = ActualForm(prefix="actual")
    _benefit_forms(programme_id, finances().case(programme_id, g.actor), actual=form)
    if form.validate_on_submit():
        try:
            amount = parsed(form.amount)
            finances().record_actual(programme_id, fy.parse(form.year.data), form.service.data, amount, g.actor)
        except InvalidError as exc:
            field = form.amount if exc.field == "amount" else form.year
            field.errors = [*field.errors, error_text(exc)]
        else:
            flash(
                _("Savings for %(service)s in %(year)s recorded", service=form.service.data, year=form.year.data),
                "success",
            )
            return redirect(url_for("money.benefits", programme_id=programme_id))
    return _benefits_page(programme_id, 422, actual=form)


@bp.post("/benefits/confidence")
def record_confidence(programme_id: int) -> Any:
    _may_edit(programme_id)
    form = ConfidenceForm(prefix="confidence")
    _benefit_forms(programme_id, finances().case(programme_id, g.actor), confidence=form)
    if form.validate_on_submit():
        period = parsed(form.period)
        try:
            finances().record_confidence(
                programme_id, period, form.rating.data, form.commentary.data or "", actor=g.actor
            )
        except InvalidError as exc:
            field = form.commentary if exc.field == "commentary" else form.rating
            field.errors = [*field.errors, error_text(exc)]
        else:
            flash(_("Delivery confidence for %(period)s recorded", period=period), "success")
            return redirect(url_for("money.report", programme_id=programme_id, period=period))
    return _benefits_page(programme_id, 422, confidence=form)
