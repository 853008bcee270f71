"""``banns records``: the honest-conversation register and the scope register from the shell. Registered
through the ``banns.commands`` entry point group. Partners are named by id or by name."""

from __future__ import annotations

import click

from ..engine.errors import N_
from ..engine.permissions import Actor
from ..records.declarations import Declarations
from ..records.register import Register, item
from ..records.scope import Scope
from . import words
from .gate import by_option
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _

json_option = click.option("--json", "as_json", is_flag=True, help=N_("Print as JSON."))
KIND = click.Choice(["precondition", "red_line", "non_negotiable"])
ANSWERS = {"accepted": N_("accepted"), "objected": N_("objected"), "awaiting": N_("awaiting")}


def declarations(ctx: Context) -> Declarations:
    return Declarations(ctx.programmes.db, ctx.programmes.registry)


def scope(ctx: Context) -> Scope:
    return Scope(ctx.programmes.db, ctx.programmes.registry)


def partner_id(ctx: Context, programme_id: int, partner: str, actor: Actor) -> int:
    view = ctx.programmes.get(programme_id, actor)
    for p in view.current_partners:
        if partner in (str(p.id), p.name):
            return p.id
    names = ", ".join(f"{p.id} ({p.name})" for p in view.current_partners)
    raise click.BadParameter(_("no current partner '{partner}'; partners: {partners}", partner=partner, partners=names))


@click.group(
    cls=BannsGroup,
    help=N_("The honest conversation (preconditions, red lines) and the scope (services in, kept local)."),
)
def records() -> None:
    pass


@records.command("show", help=N_("Each partner's declarations and the others' answers; what is still open."))
@click.argument("programme_id", type=PROGRAMME_ID)
@json_option
@by_option
@pass_context
def show(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    register = declarations(ctx).register(programme_id, ctx.actor(by))
    if as_json:
        from ..shapes.records import Register
        from .shaped import echo_shaped

        echo_shaped(Register, register)
        return
    _print_register(register)


def _print_register(register: Register) -> None:
    for side in register.partners:
        status = {"none": " " + _("(nothing to declare)"), "missing": " " + _("(not declared)")}.get(side.status, "")
        click.echo(f"{side.partner_name}{status}")
        for d in side.declarations:
            said = _(
                "{item} (revision {revision}): {reason}",
                item=words.reason(item(d.kind, d.title)),
                revision=d.revision,
                reason=d.reason,
            )
            click.echo(f"  [{d.id}] {said}")
            for a in d.answers:
                given = _(ANSWERS[a.status]) if a.status in ANSWERS else a.status
                click.echo(f"      {a.partner_name}: {given}" + (f" - {a.comment}" if a.comment else ""))
    problems = [words.reason(p) for p in register.problems()]
    click.echo(
        _("Agreed by every partner.") if not problems else _("Open:") + "\n" + "\n".join(f"  - {p}" for p in problems)
    )


@records.command("declare", help=N_("PARTNER declares a precondition, red line or non-negotiable."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@click.argument("kind", type=KIND)
@click.argument("title")
@click.option("--reason", required=True, help=N_("Why the partner holds it."))
@by_option
@pass_context
def declare(ctx: Context, programme_id: int, partner: str, kind: str, title: str, reason: str, by: str | None) -> None:
    actor = ctx.actor(by)
    did = declarations(ctx).declare(
        programme_id, partner_id(ctx, programme_id, partner, actor), kind, title, reason, actor
    )
    click.echo(_("Declared [{id}]: {item}", id=did, item=words.reason(item(kind, title.strip()))))


@records.command("none", help=N_("PARTNER records that it has no preconditions, red lines or non-negotiables."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@by_option
@pass_context
def none(ctx: Context, programme_id: int, partner: str, by: str | None) -> None:
    actor = ctx.actor(by)
    declarations(ctx).declare_none(programme_id, partner_id(ctx, programme_id, partner, actor), actor)
    click.echo(_("Recorded: nothing to declare"))


@records.command("answer", help=N_("PARTNER accepts or objects to a declaration."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("declaration_id", type=int)
@click.argument("partner")
@click.argument("answer", type=click.Choice(["accept", "object"]))
@click.option("--comment", default="", help=N_("Why (required to object)."))
@by_option
@pass_context
def answer(
    ctx: Context, programme_id: int, declaration_id: int, partner: str, answer: str, comment: str, by: str | None
) -> None:
    actor = ctx.actor(by)
    given = {"accept": "accepted", "object": "objected"}[answer]
    declarations(ctx).answer(
        programme_id, declaration_id, partner_id(ctx, programme_id, partner, actor), given, comment, actor
    )
    click.echo(_("Answered: accepted") if given == "accepted" else _("Answered: objected"))


@records.command("withdraw-objection", help=N_("PARTNER withdraws its objection to a declaration."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("declaration_id", type=int)
@click.argument("partner")
@by_option
@pass_context
def withdraw_objection(ctx: Context, programme_id: int, declaration_id: int, partner: str, by: str | None) -> None:
    actor = ctx.actor(by)
    declarations(ctx).withdraw_objection(
        programme_id, declaration_id, partner_id(ctx, programme_id, partner, actor), actor
    )
    click.echo(_("Objection withdrawn"))


@records.command("revise", help=N_("Revise a declaration: every other partner is asked again."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("declaration_id", type=int)
@click.argument("kind", type=KIND)
@click.argument("title")
@click.option("--reason", required=True, help=N_("Why the partner holds it."))
@by_option
@pass_context
def revise(
    ctx: Context, programme_id: int, declaration_id: int, kind: str, title: str, reason: str, by: str | None
) -> None:
    declarations(ctx).revise(programme_id, declaration_id, kind, title, reason, ctx.actor(by))
    click.echo(_("Revised: every other partner is asked again"))


@records.command("scope", help=N_("The services in scope and those each partner keeps local."))
@click.argument("programme_id", type=PROGRAMME_ID)
@json_option
@by_option
@pass_context
def show_scope(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    view = scope(ctx).view(programme_id, ctx.actor(by))
    if as_json:
        from ..shapes.records import ScopeRegister
        from .shaped import echo_shaped

        echo_shaped(ScopeRegister, view)
        return
    click.echo(_("In scope: {services}", services=", ".join(s.name for s in view.services) or _("none recorded")))
    for pid, name in view.partners:
        kept = "; ".join(f"{x.service} ({x.reason})" for x in view.local_to(pid)) or _("nothing")
        click.echo(_("{partner} keeps local: {services}", partner=name, services=kept))


@records.command("add-service", help=N_("Bring a service into the shared scope."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("name")
@click.option("--description", default="", help=N_("What the service covers."))
@by_option
@pass_context
def add_service(ctx: Context, programme_id: int, name: str, description: str, by: str | None) -> None:
    scope(ctx).add_service(programme_id, name, description, ctx.actor(by))
    click.echo(_("In scope: {services}", services=name.strip()))


@records.command("keep-local", help=N_("PARTNER keeps SERVICE local, outside the shared scope."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@click.argument("service")
@click.option("--reason", required=True, help=N_("Why the partner keeps it local."))
@by_option
@pass_context
def keep_local(ctx: Context, programme_id: int, partner: str, service: str, reason: str, by: str | None) -> None:
    actor = ctx.actor(by)
    scope(ctx).keep_local(programme_id, partner_id(ctx, programme_id, partner, actor), service, reason, actor)
    click.echo(_("Kept local: {service}", service=service.strip()))
