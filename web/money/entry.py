"""Entering the money without YAML: the business case a line at a time, the sharing basis, the pre-nup's terms,
costs and savings actually made, and the business case and actuals as a spreadsheet (.xlsx or .ods). Thin views
over :class:`workflow.money.entry.MoneyEntry`, which checks permission again and logs every change with its
actor; a wrong value re-shows the page with 422 and the error beside its field."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer

from web.extensions import _, error_text
from web.forms import options
from web.money import forms as mf
from web.money.words import CATEGORY_WORDS, RECOMPUTE_WORDS
from web.programmes.access import access_to
from web.services import services
from web.titles import local
from workflow.engine.errors import InvalidError
from workflow.money import years as fy
from workflow.money.entry import MoneyEntry
from workflow.money.prenup import WithdrawalTerm
from workflow.money.sharing import Basis, BasisKind
from workflow.money.sheet_changes import from_data, to_data
from workflow.money.spreadsheet import FORMATS, MIMETYPES, SpreadsheetError, kind_of

bp = Blueprint("money_entry", __name__, url_prefix="/programmes/<int:programme_id>/money")


def entry() -> MoneyEntry:
    s = services()
    return MoneyEntry(s.db, s.registry, s.programmes.clock)


def _editable(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    if not access_to(view).can("edit"):
        abort(403)
    return view


def _done(message: str, endpoint: str, programme_id: int) -> Any:
    flash(message, "success")
    return redirect(url_for(endpoint, programme_id=programme_id))


def _field_error(form: Any, exc: InvalidError, fallback: str) -> None:
    field = getattr(form, exc.field or "", None) or getattr(form, fallback)
    field.errors = [*field.errors, error_text(exc, capitalised=True)]


# --- the business case, a line at a time ---------------------------------------------------------------------


def _case_page(programme_id: int, status: int = 200, **given: Any) -> Any:
    view = _editable(programme_id)
    forms: dict[str, Any] = {
        "investment": given.get("investment") or mf.InvestmentForm(formdata=None, prefix="investment"),
        "saving": given.get("saving") or mf.SavingForm(formdata=None, prefix="saving"),
        "baseline": given.get("baseline") or mf.BaselineForm(formdata=None, prefix="baseline"),
    }
    forms["baseline"].partner.choices = options((p.name, p.name) for p in view.partners)
    case = entry().case(programme_id, g.actor)
    return render_template(
        "money/enter_case.html", view=view, case=case, forms=forms, titles=CATEGORY_WORDS, label=fy.label
    ), status


@bp.get("/case")
def case(programme_id: int) -> Any:
    return _case_page(programme_id)


@bp.post("/case/investment")
def set_investment(programme_id: int) -> Any:
    _editable(programme_id)
    form = mf.InvestmentForm(prefix="investment")
    if form.validate_on_submit():
        amount = mf.parsed(form.amount)
        year = mf.parsed(form.year)
        entry().set_investment(
            programme_id, year, form.category.data, amount, form.recurring.data == "yes", form.note.data or "", g.actor
        )
        return _done(_("Investment for %(year)s saved", year=fy.label(year)), "money_entry.case", programme_id)
    return _case_page(programme_id, 422, investment=form)


@bp.post("/case/saving")
def set_saving(programme_id: int) -> Any:
    _editable(programme_id)
    form = mf.SavingForm(prefix="saving")
    if form.validate_on_submit():
        year = mf.parsed(form.year)
        service = (form.service.data or "").strip()
        entry().set_saving(programme_id, year, service, mf.parsed(form.amount), g.actor)
        return _done(_("Planned savings for %(year)s saved", year=fy.label(year)), "money_entry.case", programme_id)
    return _case_page(programme_id, 422, saving=form)


@bp.post("/case/baseline")
def set_baseline(programme_id: int) -> Any:
    view = _editable(programme_id)
    form = mf.BaselineForm(prefix="baseline")
    form.partner.choices = options((p.name, p.name) for p in view.partners)
    if form.validate_on_submit():
        service = (form.service.data or "").strip()
        try:
            entry().set_baseline(programme_id, form.partner.data, service, mf.parsed(form.amount), g.actor)
        except InvalidError as exc:
            _field_error(form, exc, "partner")
            return _case_page(programme_id, 422, baseline=form)
        return _done(_("Baseline for %(partner)s saved", partner=form.partner.data), "money_entry.case", programme_id)
    return _case_page(programme_id, 422, baseline=form)


# --- the sharing basis ---------------------------------------------------------------------------------------


def _sharing_page(programme_id: int, status: int = 200, form: Any = None) -> Any:
    view = _editable(programme_id)
    names = [p.name for p in view.current_partners]
    form = form or mf.basis_form(names, data={"kind": "population"})
    return render_template(
        "money/enter_sharing.html",
        view=view,
        form=form,
        values=[getattr(form, f"value_{i}") for i in range(len(names))],
        splits=entry().splits(programme_id, g.actor),
    ), status


@bp.get("/sharing")
def sharing(programme_id: int) -> Any:
    return _sharing_page(programme_id)


@bp.post("/sharing")
def set_sharing(programme_id: int) -> Any:
    view = _editable(programme_id)
    names = [p.name for p in view.current_partners]
    form = mf.basis_form(names, formdata=request.form)
    if form.validate_on_submit():
        values = {n: mf.parsed(getattr(form, f"value_{i}")) for i, n in enumerate(names)}
        kind = BasisKind(form.kind.data)
        given = (
            {n: v for n, v in values.items() if v is not None} if kind in (BasisKind.FIXED, BasisKind.DRIVER) else {}
        )
        basis = Basis(kind, given, (form.driver.data or "").strip(), mf.parsed(form.threshold) or Decimal(0))
        try:
            entry().set_basis(programme_id, basis, (form.service.data or "").strip(), g.actor)
        except InvalidError as exc:
            _field_error(form, exc, "kind")
        else:
            return _done(
                _("Sharing basis saved: %(basis)s", basis=error_text(basis.describe())),
                "money_entry.sharing",
                programme_id,
            )
    return _sharing_page(programme_id, 422, form)


# --- the pre-nuptial agreement -------------------------------------------------------------------------------


def _agreement_page(programme_id: int, status: int = 200, **given: Any) -> Any:
    view = _editable(programme_id)
    agreement = entry().agreement(programme_id, g.actor)
    terms = given.get("terms")
    if terms is None:
        data: dict[str, Any] = {"recompute": "basis"}
        if agreement:
            data = {
                "notice_months": agreement.notice_months,
                "minimum_term_months": agreement.minimum_term_months,
                "recompute": agreement.recompute,
                "starts_on": agreement.starts_on,
                **{f"exit_{n}": f"{a:.2f}" for n, a in agreement.exit_costs.items()},
            }
        terms = mf.TermsForm(formdata=None, prefix="terms", data=data)
    term = given.get("term") or mf.TermForm(formdata=None, prefix="term")
    definition = services().portfolio.definition_of(view)
    term.stage.choices = options((s.id, local(s.title)) for s in definition.stages)
    return render_template(
        "money/enter_agreement.html",
        view=view,
        agreement=agreement,
        terms_form=terms,
        term_form=term,
        recompute_titles=RECOMPUTE_WORDS,
        stage_title=definition.state_title,
        titles=CATEGORY_WORDS,
    ), status


@bp.get("/agreement")
def agreement(programme_id: int) -> Any:
    return _agreement_page(programme_id)


@bp.post("/agreement/terms")
def set_terms(programme_id: int) -> Any:
    _editable(programme_id)
    form = mf.TermsForm(prefix="terms")
    if form.validate_on_submit():
        exits = {n: mf.parsed(getattr(form, f"exit_{n}")) for n in mf.EXIT_COSTS}
        entry().set_terms(
            programme_id,
            mf.parsed(form.notice_months),
            mf.parsed(form.minimum_term_months),
            form.starts_on.data,
            form.recompute.data,
            {n: a for n, a in exits.items() if a},
            g.actor,
        )
        return _done(_("Pre-nuptial terms saved"), "money_entry.agreement", programme_id)
    return _agreement_page(programme_id, 422, terms=form)


@bp.post("/agreement/term")
def set_term(programme_id: int) -> Any:
    view = _editable(programme_id)
    form = mf.TermForm(prefix="term")
    form.stage.choices = options((s.id, local(s.title)) for s in services().portfolio.definition_of(view).stages)
    if form.validate_on_submit():
        current = entry().agreement(programme_id, g.actor)
        exits = tuple(current.exit_costs) if current and form.exit_costs.data == "yes" else ()
        term = WithdrawalTerm(
            form.stage.data, mf.parsed(form.fixed_sum) or Decimal("0.00"), form.share_of_costs.data == "yes", exits
        )
        try:
            entry().set_term(programme_id, term, g.actor)
        except InvalidError as exc:
            _field_error(form, exc, "stage")
            return _agreement_page(programme_id, 422, term=form)
        return _done(_("Withdrawal term saved"), "money_entry.agreement", programme_id)
    return _agreement_page(programme_id, 422, term=form)


# --- costs and savings actually made ---------------------------------------------------------------------------


def _actuals_page(programme_id: int, status: int = 200, **given: Any) -> Any:
    view = _editable(programme_id)
    return render_template(
        "money/enter_actuals.html",
        view=view,
        cost_form=given.get("cost") or mf.CostForm(formdata=None, prefix="cost"),
        saving_form=given.get("saving") or mf.ActualSavingForm(formdata=None, prefix="actual"),
        benefits=entry().benefits(programme_id, g.actor),
    ), status


@bp.get("/actuals")
def actuals(programme_id: int) -> Any:
    return _actuals_page(programme_id)


@bp.post("/actuals/cost")
def record_cost(programme_id: int) -> Any:
    _editable(programme_id)
    form = mf.CostForm(prefix="cost")
    if form.validate_on_submit():
        amount = mf.parsed(form.amount)
        entry().record_cost(
            programme_id, form.on.data, form.category.data, amount, (form.note.data or "").strip(), g.actor
        )
        words = f"{amount:,.2f}"
        return _done(_("Cost of £%(amount)s recorded", amount=words), "money_entry.actuals", programme_id)
    return _actuals_page(programme_id, 422, cost=form)


@bp.post("/actuals/saving")
def record_saving(programme_id: int) -> Any:
    _editable(programme_id)
    form = mf.ActualSavingForm(prefix="actual")
    if form.validate_on_submit():
        year, service = mf.parsed(form.year), (form.service.data or "").strip()
        entry().record_actual(programme_id, year, service, mf.parsed(form.amount), g.actor)
        return _done(_("Savings for %(year)s recorded", year=fy.label(year)), "money_entry.actuals", programme_id)
    return _actuals_page(programme_id, 422, saving=form)


# --- spreadsheets ------------------------------------------------------------------------------------------------


def _spreadsheet_page(programme_id: int, status: int = 200, form: Any = None, problems: Any = ()) -> Any:
    view = _editable(programme_id)
    return render_template(
        "money/spreadsheet.html",
        view=view,
        form=form or mf.UploadForm(formdata=None),
        problems=problems,
        formats=FORMATS,
    ), status


@bp.get("/spreadsheet")
def spreadsheet(programme_id: int) -> Any:
    return _spreadsheet_page(programme_id)


@bp.post("/spreadsheet")
def upload(programme_id: int) -> Any:
    """Check an uploaded spreadsheet and show what it would change; nothing is imported until confirmed."""
    view = _editable(programme_id)
    form = mf.UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        name = re.sub(r"[^\w .()-]+", "_", form.file.data.filename or "spreadsheet")[-100:]
        kind = kind_of(data)
        if kind is None:
            form.file.errors = [_("The file must be a spreadsheet saved as .xlsx or .ods")]
        else:
            try:
                sheets, changes = entry().check_spreadsheet(programme_id, data, kind, g.actor)
            except SpreadsheetError as exc:
                form.file.errors = [_("The spreadsheet has problems: nothing was imported")]
                return _spreadsheet_page(programme_id, 422, form, exc.problems)
            token = _signer().dumps(
                {"programme": programme_id, "file": name, "compared": changes.fingerprint, "sheets": to_data(sheets)}
            )
            return render_template(
                "money/spreadsheet_check.html",
                view=view,
                name=name,
                preview=changes,
                token=token,
                label=fy.label,
            )
    return _spreadsheet_page(programme_id, 422, form)


@bp.post("/spreadsheet/confirm")
def confirm_upload(programme_id: int) -> Any:
    _editable(programme_id)
    form = mf.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        held = _signer().loads(form.token.data or "", max_age=CHECK_LASTS)
        sheets = from_data(held["sheets"])
    except (BadSignature, KeyError, TypeError, ValueError):
        abort(400, _("The check of that spreadsheet has expired: upload it again."))
    if held.get("programme") != programme_id:
        abort(400, _("That spreadsheet was checked for another programme: upload it again."))
    entry().apply_spreadsheet(programme_id, sheets, held["file"], held["compared"], g.actor)
    return _done(_("Figures imported from %(name)s", name=held["file"]), "money.summary", programme_id)


#: How long a checked spreadsheet may wait for its confirmation, in seconds.
CHECK_LASTS = 3600


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="banns-money-spreadsheet")


@bp.get("/spreadsheet/<any(template, figures):which>.<any(xlsx, ods):kind>")
def download(programme_id: int, which: str, kind: str) -> Response:
    data = entry().export_spreadsheet(programme_id, kind, g.actor, blank=which == "template")
    name = f"programme-{programme_id}-{'money-template' if which == 'template' else 'money'}.{kind}"
    return Response(data, mimetype=MIMETYPES[kind], headers={"Content-Disposition": f'attachment; filename="{name}"'})
