"""A person's own API tokens on their account page: create one (its secret shown on the answer page, once, and
never stored or put in a cookie), see each with its scope, expiry and last use, and revoke one. Every form
carries a CSRF token; the page is never cached (it may show a secret)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from web.accounts.auth import input_words
from web.extensions import _
from web.forms import FlaskForm, Length, OneLine, options
from web.services import now, services
from workflow.accounts.errors import AccountInputError
from workflow.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, MAX_NAME, NewToken

bp = Blueprint("account_tokens", __name__, url_prefix="/account/tokens")


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=MAX_NAME), OneLine()])
    scope = RadioField(
        _l("What the token may do"),
        choices=options([("read", _l("Read only")), ("write", _l("Read and change"))]),
        validators=[InputRequired(_l("Select what the token may do"))],
    )
    expires = IntegerField(
        _l("Days until it expires"),
        default=DEFAULT_DAYS,
        validators=[
            InputRequired(_l("Enter the number of days until the token expires")),
            NumberRange(1, MAX_DAYS, _l("The token must expire in 1 to %(most)s days", most=MAX_DAYS)),
        ],
    )


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
def tokens() -> Any:
    return _page(TokenForm(formdata=None))


@bp.post("")
def create() -> Any:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        made = services().accounts.create_token(
            g.actor.person_id, form.name.data or "", form.scope.data, now(), days=form.expires.data, actor=g.actor
        )
    except AccountInputError as exc:
        getattr(form, exc.field or "name").errors = [input_words(exc)]
        return _page(form, status=422)
    return _page(TokenForm(formdata=None), made=made)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> Response:
    """The person's own token only (another's is not found, 404)."""
    done = services().accounts.revoke_token(token_id, now(), actor=g.actor)
    flash(_("The token “%(name)s” is revoked: it no longer works", name=done.name), "success")
    return redirect(url_for("account_tokens.tokens"))


def _page(form: TokenForm, *, made: NewToken | None = None, status: int = 200) -> Any:
    listed = services().accounts.tokens_of(g.actor.person_id)
    return render_template("account/tokens.html", form=form, tokens=listed, made=made, now=now()), status
