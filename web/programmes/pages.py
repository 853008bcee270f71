"""Programmes: creating and importing, a programme's page and its people. The portfolio
(``programmes.portfolio``) is in :mod:`web.programmes.portfolio`, the audit log in :mod:`web.programmes.audit`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from pydantic import ValidationError

from web.extensions import _, error_text, problem_words, sentence
from web.forms import (
    AddPartnerForm,
    AddPersonForm,
    ImportForm,
    ProgrammeForm,
    RemoveRoleForm,
    edit_programme_form,
    options,
)
from web.forms.field_words import field_in_words
from web.forms.refusals import REFUSALS, show_refusal
from web.programmes.access import access_to
from web.programmes.lifecycle import lifecycle_diagram, stage_timeline
from web.programmes.next_steps import panel_for
from web.programmes.portfolio import may_create, portfolio
from web.services import services
from web.titles import local
from workflow.engine.errors import ConflictError, InvalidError, MoveRefusedError, NotAllowedError, NotFoundError
from workflow.engine.importer import PartnerSpec, ProgrammeFileError, ProgrammeSpec, parse_programme
from workflow.engine.yamlproblems import pydantic_problems
from workflow.engine.yamlsource import Located, Problem
from workflow.money.pounds import parse_pounds
from workflow.reminders.delivery import list_mail

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

bp.add_url_rule("", "portfolio", portfolio)


@bp.route("/new", methods=["GET", "POST"])
def create() -> Any:
    if not may_create():
        raise NotAllowedError(_("Only administrators and programme managers can create programmes"))
    form = ProgrammeForm()
    catalogue = services().registry.catalogue()
    form.definition.choices = options([(d.id, local(d.title)) for d in catalogue.definitions.values()])
    status = 200
    if form.add_partner.data:
        form.partners.append_entry()
    elif form.validate_on_submit():
        try:
            view = services().programmes.start(_spec_from(form), actor=g.actor)
        except InvalidError as exc:
            form.form_errors.append(error_text(exc))
            status = 422
        except ProgrammeFileError as exc:
            form.form_errors.extend(problem_words(p, capitalised=True) for p in exc.problems)
            status = 422
        else:
            flash(_("Programme created"), "success")
            return redirect(url_for("programmes.show", programme_id=view.id))
    elif form.is_submitted():
        status = 422
    return render_template("programmes/create.html", form=form), status


@bp.route("/import", methods=["GET", "POST"])
def import_yaml() -> Any:
    if not may_create():
        raise NotAllowedError(_("Only administrators and programme managers can create programmes"))
    form = ImportForm()
    problems: list[Any] = []
    if form.validate_on_submit():
        try:
            spec, located = parse_programme(form.source.data or "", "pasted YAML")
            view = services().programmes.start(spec, located, g.actor)
        except ProgrammeFileError as exc:
            problems = exc.problems
        except (InvalidError, NotFoundError) as exc:
            form.source.errors = [error_text(exc, capitalised=True)]
        else:
            flash(_("Programme imported"), "success")
            return redirect(url_for("programmes.show", programme_id=view.id))
    status = 422 if (problems or form.errors) else 200
    return render_template("programmes/import.html", form=form, problems=problems), status


@bp.get("/<int:programme_id>")
def show(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    events = services().programmes.history(programme_id, g.actor)
    definition = services().portfolio.definition_of(view)
    latest = services().registry.catalogue().definitions.get(view.definition_id)
    return render_template(
        "programmes/show.html",
        view=view,
        file_version=latest.version if latest else None,
        access=access_to(view),
        events=events[-10:][::-1],
        diagram=lifecycle_diagram(definition, view, events),
        timeline=stage_timeline(definition, view, events),
        mail=list_mail(services().db, programme_id=programme_id, limit=20),
        next=panel_for(view),
        place="programme",
    )


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
def edit(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    if not access_to(view).can("edit"):
        abort(403)
    data: dict[str, Any] = {"name": view.name, "description": view.description, "version": view.version}
    for p in view.plan:
        data |= {f"start_{p.stage}": p.planned_start, f"end_{p.stage}": p.planned_end}
    form = edit_programme_form(view.plan, data=data)
    status = 200
    if form.validate_on_submit():
        plan = {p.stage: (form[f"start_{p.stage}"].data, form[f"end_{p.stage}"].data) for p in view.plan}
        try:
            services().programmes.edit(
                programme_id,
                name=form.name.data or "",
                description=form.description.data or "",
                plan=plan,
                actor=g.actor,
                expected_version=int(form.version.data or 0),
            )
        except ConflictError:
            flash(
                _(
                    "Someone else changed this programme meanwhile. Check the latest details below; what "
                    "you typed is kept."
                ),
                "conflict",
            )
            form.version.data = str(services().programmes.get(programme_id, g.actor).version)
            status = 409
        except InvalidError as exc:
            stage = (exc.field or "").removeprefix("plan-")
            field = form[exc.field] if exc.field in ("name", "description") else form._fields.get(f"start_{stage}")
            (field or form.name).errors = [error_text(exc)]
            status = 422
        else:
            flash(_("Programme details saved"), "success")
            return redirect(url_for("programmes.show", programme_id=programme_id))
    elif form.is_submitted():
        status = 422
    return render_template("programmes/edit.html", view=view, form=form, access=access_to(view)), status


@bp.route("/<int:programme_id>/people", methods=["GET", "POST"])
def people(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    access = access_to(view)
    definition = services().portfolio.definition_of(view)
    form = AddPersonForm()
    form.role.choices = options([(r, local(definition.role_title[r]).capitalize()) for r in definition.role_scope])
    form.partner.choices = options(
        [("", _("Not for a partner"))] + [(str(p.id), p.name) for p in view.current_partners]
    )
    status = 200
    if request.method == "POST":
        if not access.can("assign_role"):
            abort(403)
        if form.validate_on_submit():
            partner = int(form.partner.data) if form.partner.data else None
            try:
                after = services().programmes.assign_role(
                    programme_id, form.email.data or "", form.role.data, partner, g.actor, name=form.name.data or None
                )
                added = next(r for r in after.roles if r.email == (form.email.data or "").strip().lower())
                services().invite(added.person_id, programme_id)
            except InvalidError as exc:
                getattr(form, exc.field or "email", form.email).errors = [error_text(exc)]
                status = 422
            except NotFoundError:
                form.name.errors = [_("This person is new to banns: enter their full name")]
                status = 422
            else:
                flash(
                    _(
                        "%(email)s added as %(role)s",
                        email=form.email.data,
                        role=local(definition.role_title[form.role.data]),
                    ),
                    "success",
                )
                return redirect(url_for("programmes.people", programme_id=programme_id))
        else:
            status = 422
        view = services().programmes.get(programme_id, g.actor)
    return render_template("programmes/people.html", view=view, access=access, form=form), status


@bp.post("/<int:programme_id>/people/remove")
def remove_role(programme_id: int) -> Any:
    form = RemoveRoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services().programmes.remove_role(
            programme_id,
            int(form.person_id.data or 0),
            form.role.data or "",
            int(form.partner_id.data) if form.partner_id.data else None,
            g.actor,
            expected_version=int(form.version.data or 0),
        )
    except ConflictError:
        flash(_("Someone else changed this programme meanwhile; check the people below and try again."), "conflict")
    except MoveRefusedError as exc:
        flash(" ".join(sentence(r) for r in exc.reasons), "conflict")
    else:
        flash(_("Role removed"), "success")
    return redirect(url_for("programmes.people", programme_id=programme_id))


@bp.route("/<int:programme_id>/partners/new", methods=["GET", "POST"])
def add_partner(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    if not access_to(view).can("add_partner"):
        abort(403)
    form = AddPartnerForm(data={"version": view.version})
    status = 200
    if form.validate_on_submit():
        try:
            spec = _partner_spec(form)
            services().programmes.add_partner(programme_id, spec, g.actor, expected_version=int(form.version.data or 0))
        except REFUSALS as exc:
            status = show_refusal(form, exc, programme_id, default="name", renamed={"amount": "net_budget"})
        else:
            flash(_("%(name)s has joined the programme", name=form.name.data), "success")
            return redirect(url_for("programmes.show", programme_id=programme_id))
    elif form.is_submitted():
        status = 422
    return render_template("programmes/add_partner.html", view=view, form=form), status


def _spec_from(form: ProgrammeForm) -> ProgrammeSpec:
    """The form as the engine's programme spec; the creator becomes its programme manager.

    Raises:
        InvalidError: a partner row is incomplete, or the spec breaks a rule the form does not check.
    """
    partners = []
    for number, entry in enumerate(form.partners.entries, 1):
        row = entry.form
        if not (row.name.data or "").strip():
            continue
        if row.population.data is None:
            raise InvalidError(_("Partner %(n)s: enter the population", n=number))
        partners.append(
            {
                "name": row.name.data,
                "kind": row.kind.data,
                "nation": row.nation.data,
                "population": row.population.data,
                "net_budget": parse_pounds(row.net_budget.data or "0", field=f"partners-{number - 1}-net_budget"),
            }
        )
    me = services().accounts.person(g.actor.person_id)
    data = {
        "name": form.name.data,
        "definition": form.definition.data,
        "description": form.description.data or "",
        "start": form.start.data,
        "partners": partners,
        "people": [{"name": me.name, "email": me.email, "roles": ["programme_manager"]}],
    }
    try:
        return ProgrammeSpec.model_validate(data)
    except ValidationError as exc:
        raise InvalidError(_first_problem(data, exc, ProgrammeSpec)) from None


def _partner_spec(form: AddPartnerForm) -> PartnerSpec:
    """Raises: InvalidError: naming the field, as the engine's spec rules say."""
    data = {
        "name": form.name.data,
        "kind": form.kind.data,
        "nation": form.nation.data,
        "population": form.population.data,
        "net_budget": parse_pounds(form.net_budget.data or "0", field="net_budget"),
    }
    try:
        return PartnerSpec.model_validate(data)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else "name"
        raise InvalidError(_first_problem(data, exc, PartnerSpec), field=field) from None


def _first_problem(data: dict[str, Any], exc: ValidationError, root: Any) -> str:
    """The first of the spec's problems in plain words, the field named as on the form: ``Partner 2, name:
    contains ...`` (never pydantic's ``partners.1.name``)."""
    problem: Problem = pydantic_problems(Located("form", data), exc, root)[0]
    said = problem_words(problem)
    return f"{field_in_words(problem.field)}: {said}" if problem.field else said
