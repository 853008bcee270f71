"""``banns`` commands on a programme's gate and moves: evidence, sign-off, advance, return, waive,
withdraw, end; people's roles; and how a programme and its gate are printed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..engine.errors import N_, InvalidError, NotFoundError
from .helptext import BannsCommand
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _
from .words import reason as in_words

if TYPE_CHECKING:
    from ..engine.views import AskedView, ProgrammeView

# --- the gate -------------------------------------------------------------------------------------------

by_option = click.option("--by", "by", metavar="EMAIL", help=N_("Act as this person (default: system operator)."))
expect_option = click.option(
    "--expect-version",
    type=int,
    metavar="N",
    help=N_("Refuse with a conflict if the programme is no longer at version N."),
)


@click.command(
    cls=BannsCommand, help=N_("Record evidence against a criterion of the current gate (again, to correct it).")
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("criterion")
@click.argument("summary")
@click.option("--link", help=N_("Where the evidence is kept (a document URL)."))
@click.option(
    "--file",
    "document",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("A document to upload (PDF, Word, Excel, PowerPoint, OpenDocument or an image; at most 20 MB)."),
)
@by_option
@expect_option
@pass_context
def evidence(
    ctx: Context,
    programme_id: int,
    criterion: str,
    summary: str,
    link: str | None,
    document: Path | None,
    by: str | None,
    expect_version: int | None,
) -> None:
    from ..engine.documents import DocumentStore, checked

    ref = None
    if document is not None:
        content = document.read_bytes()
        ref = checked(content, document.name)
        DocumentStore(ctx.settings.instance / "documents").put(content)
    view = ctx.programmes.record_evidence(
        programme_id, criterion, summary, link, ctx.actor(by), expected_version=expect_version, document=ref
    )
    _print_gate(view)


@click.command(
    cls=BannsCommand, help=N_("Request sign-off of the current gate (again, after a rejection: a resubmission).")
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--waiver", is_flag=True, help=N_("Ask to waive this optional stage instead of passing its gate."))
@click.option("--note", default="", help=N_("A note to signatories; for a waiver, its rationale."))
@by_option
@expect_option
@pass_context
def request(
    ctx: Context, programme_id: int, waiver: bool, note: str, by: str | None, expect_version: int | None
) -> None:
    view = ctx.programmes.request_sign_off(
        programme_id, ctx.actor(by), waiver=waiver, note=note, expected_version=expect_version
    )
    assert view.gate is not None
    click.echo(_("Sign-off requested ({subject}, round {round})", subject=view.gate.subject, round=view.gate.round))


@click.command(
    cls=BannsCommand,
    help=N_(
        "Approve or reject the requested sign-off, as a person. Someone asked in more than one "
        "capacity says which (--role, --partner) or decides in all of them (--all-capacities). A "
        "deputy decides for the signatory with --for: recorded as the signatory's decision, given"
        " by the deputy."
    ),
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("decision", type=click.Choice(["approve", "reject"]))
@click.option("--as", "as_", required=True, metavar="EMAIL", help=N_("The person signing."))
@click.option("--comment", default="", help=N_("Why (required to reject)."))
@click.option("--role", help=N_("Sign only in this role."))
@click.option("--partner", help=N_("Sign only for this partner (id or name)."))
@click.option(
    "--all-capacities", "every", is_flag=True, help=N_("Decide in every capacity you hold that the request asks for.")
)
@click.option("--pack", metavar="HASH", help=N_("Refuse unless the decision pack is still this one (as shown)."))
@click.option("--round", "in_round", type=int, metavar="N", help=N_("Refuse unless the request is still in round N."))
@click.option(
    "--for", "for_", metavar="EMAIL", help=N_("Decide as deputy for this signatory (a delegation must run today).")
)
@expect_option
@pass_context
def sign(
    ctx: Context,
    programme_id: int,
    decision: str,
    as_: str,
    comment: str,
    role: str | None,
    partner: str | None,
    every: bool,
    pack: str | None,
    in_round: int | None,
    for_: str | None,
    expect_version: int | None,
) -> None:
    if every and (role or partner):
        raise click.UsageError(_("--all-capacities decides in every capacity; leave out --role and --partner"))
    person = ctx.programmes.actor(as_)
    signatory = ctx.programmes.actor(for_) if for_ else person
    partner_id = _partner_id(ctx, programme_id, partner) if partner else None
    assert person.person_id is not None and signatory.person_id is not None
    if not (every or role or partner):
        role, partner_id = _one_capacity(ctx.programmes.get(programme_id), signatory.person_id)
    view = ctx.programmes.sign(
        programme_id,
        person.person_id,
        decision,
        comment,
        role=role,
        partner_id=partner_id,
        pack=pack,
        in_round=in_round,
        expected_version=expect_version,
        on_behalf_of=signatory.person_id if for_ else None,
    )
    who = _("{person} for {signatory}", person=person.name, signatory=signatory.name) if for_ else person.name
    click.echo(_("{who}: approved", who=who) if decision == "approve" else _("{who}: rejected", who=who))
    _print_gate(view)


def _one_capacity(view: ProgrammeView, person_id: int) -> tuple[str | None, int | None]:
    """The one capacity in which the open request still asks ``person_id`` to decide (none: the engine says
    why); refuse to guess when there are several."""
    asked = view.gate.asked_of(person_id) if view.gate else ()
    if len(asked) < 2:
        return (asked[0].role, asked[0].partner_id) if asked else (None, None)
    lines = "\n".join(
        f"  {_capacity(a)}: --role {a.role}" + (f' --partner "{a.partner_name}"' if a.partner_name else "")
        for a in asked
    )
    raise InvalidError(
        N_(
            "{person} is asked to decide in {count} capacities; choose one with --role (and --partner), or "
            "decide in all of them with --all-capacities:\n{capacities}"
        ),
        field="role",
        person=asked[0].person_name,
        count=len(asked),
        capacities=lines,
    )


def _capacity(asked: AskedView) -> str:
    if asked.partner_name:
        return _("{role} for {partner}", role=asked.role_title, partner=asked.partner_name)
    return asked.role_title


# --- moves ----------------------------------------------------------------------------------------------


@click.command(cls=BannsCommand, help=N_("Pass the current gate into the next stage."))
@click.argument("programme_id", type=PROGRAMME_ID)
@by_option
@expect_option
@pass_context
def advance(ctx: Context, programme_id: int, by: str | None, expect_version: int | None) -> None:
    view = ctx.programmes.advance(programme_id, ctx.actor(by), expected_version=expect_version)
    click.echo(_("Programme {id} is now at {stage}", id=view.id, stage=view.state_title))


@click.command("return", cls=BannsCommand, help=N_("Return the programme to an earlier stage."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("stage")
@click.option("--reason", required=True, help=N_("Why it goes back (logged)."))
@by_option
@expect_option
@pass_context
def return_(
    ctx: Context, programme_id: int, stage: str, reason: str, by: str | None, expect_version: int | None
) -> None:
    view = ctx.programmes.return_to(programme_id, stage, reason, ctx.actor(by), expected_version=expect_version)
    click.echo(_("Programme {id} returned to {stage}", id=view.id, stage=view.state_title))


@click.command(
    cls=BannsCommand,
    help=N_(
        "Waive the current optional stage (its waiver must be approved). The rationale recorded "
        "is the one given with the request (`banns request --waiver --note`), which the steering "
        "group approved."
    ),
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--reason", default="", help=N_("A note added to the rationale given with the waiver request."))
@by_option
@expect_option
@pass_context
def waive(ctx: Context, programme_id: int, reason: str, by: str | None, expect_version: int | None) -> None:
    view = ctx.programmes.waive(programme_id, reason, ctx.actor(by), expected_version=expect_version)
    click.echo(_("Programme {id} is now at {stage}", id=view.id, stage=view.state_title))


@click.command(cls=BannsCommand, help=N_("A partner (id or name) withdraws from the programme."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@click.option("--reason", required=True, help=N_("Why the partner leaves (logged)."))
@by_option
@expect_option
@pass_context
def withdraw(
    ctx: Context, programme_id: int, partner: str, reason: str, by: str | None, expect_version: int | None
) -> None:
    view = ctx.programmes.withdraw(
        programme_id, _partner_id(ctx, programme_id, partner), reason, ctx.actor(by), expected_version=expect_version
    )
    remaining = ", ".join(p.name for p in view.current_partners) or _("none")
    now = {"id": view.id, "stage": view.state_title, "remaining": remaining}
    if view.ended:
        click.echo(_("Withdrawn. Too few partners remain ({remaining}): programme {id} is {stage}", **now))
    else:
        click.echo(_("Withdrawn. Programme {id} is at {stage}; partners: {remaining}", **now))


@click.command(cls=BannsCommand, help=N_("Abandon the programme."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--reason", required=True, help=N_("Why the programme ends (logged)."))
@by_option
@expect_option
@pass_context
def abandon(ctx: Context, programme_id: int, reason: str, by: str | None, expect_version: int | None) -> None:
    view = ctx.programmes.end(programme_id, "abandon", reason, ctx.actor(by), expected_version=expect_version)
    click.echo(_("Programme {id} is {stage}", id=view.id, stage=view.state_title))


@click.command(cls=BannsCommand, help=N_("End the programme by an outcome move of its definition (e.g. dissolve)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("move")
@click.option("--reason", required=True, help=N_("Why the programme ends (logged)."))
@by_option
@expect_option
@pass_context
def end(ctx: Context, programme_id: int, move: str, reason: str, by: str | None, expect_version: int | None) -> None:
    view = ctx.programmes.end(programme_id, move, reason, ctx.actor(by), expected_version=expect_version)
    click.echo(_("Programme {id} is {stage}", id=view.id, stage=view.state_title))


@click.group(cls=BannsGroup, help=N_("People's roles in a programme."))
def role() -> None:
    pass


@role.command("add", help=N_("Give a person a role in a programme."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("email")
@click.argument("role_id", metavar="ROLE")
@click.option("--partner", help=N_("For roles held per partner: the partner (id or name)."))
@click.option("--name", help=N_("The person's name, to add someone new."))
@by_option
@pass_context
def role_add(
    ctx: Context, programme_id: int, email: str, role_id: str, partner: str | None, name: str | None, by: str | None
) -> None:
    partner_id = _partner_id(ctx, programme_id, partner) if partner else None
    view = ctx.programmes.assign_role(programme_id, email, role_id, partner_id, ctx.actor(by), name=name)
    title = _role_title(view, role_id)
    if partner:
        click.echo(_("{email} is now {role} for {partner}", email=email, role=title, partner=partner))
    else:
        click.echo(_("{email} is now {role}", email=email, role=title))


@role.command("remove", help=N_("Take a role away from a person in a programme."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("email")
@click.argument("role_id", metavar="ROLE")
@click.option("--partner", help=N_("For roles held per partner: the partner (id or name)."))
@by_option
@pass_context
def role_remove(ctx: Context, programme_id: int, email: str, role_id: str, partner: str | None, by: str | None) -> None:
    partner_id = _partner_id(ctx, programme_id, partner) if partner else None
    person = ctx.programmes.actor(email)
    assert person.person_id is not None
    ctx.programmes.remove_role(programme_id, person.person_id, role_id, partner_id, ctx.actor(by))
    title = _role_title(ctx.programmes.get(programme_id), role_id)
    if partner:
        click.echo(_("{email} is no longer {role} for {partner}", email=email, role=title, partner=partner))
    else:
        click.echo(_("{email} is no longer {role}", email=email, role=title))


# --- printing -------------------------------------------------------------------------------------------


def _role_title(view: ProgrammeView, role_id: str) -> str:
    """``programme_manager`` -> ``programme manager (programme_manager)``: the title, with the id commands take."""
    title = next((r.role_title for r in view.roles if r.role == role_id), role_id.replace("_", " "))
    return f"{title} ({role_id})"


def _partner_id(ctx: Context, programme_id: int, ref: str) -> int:
    view = ctx.programmes.get(programme_id)
    for p in view.partners:
        if ref == str(p.id) or ref.casefold() == p.name.casefold():
            return p.id
    names = tuple(f"{p.id} ({p.name})" for p in view.partners)
    raise NotFoundError(
        N_("no partner '{partner}' in programme {programme_id}; partners: {partners}"),
        partner=ref,
        programme_id=programme_id,
        partners=names,
    )


def print_programme(view: ProgrammeView) -> None:
    click.echo(_("{name}  (programme {id}, version {version})", name=view.name, id=view.id, version=view.version))
    click.echo(_("Definition: {id} version {version}", id=view.definition_id, version=view.definition_version))
    click.echo(_("Stage: {stage} since {day}", stage=view.state_title, day=format(view.stage_entered_at, "%Y-%m-%d")))
    click.echo(_("Partners:"))
    for p in view.partners:
        status = _("withdrew {day}", day=format(p.withdrawn_at, "%Y-%m-%d")) if p.withdrawn_at else _("current")
        figures = {"population": f"{p.population:>9,}", "budget": f"{p.net_budget:>14,.2f}"}
        row = _("pop. {population}  budget £{budget}  {status}", status=status, **figures)
        click.echo(f"  {p.id:>4} {p.name:40} {row}")
    click.echo(_("People:"))
    for r in view.roles:
        held = _("{role} for {partner}", role=r.role_title, partner=r.partner_name) if r.partner_name else r.role_title
        click.echo(f"  {r.person_name:24} {held}")
    _print_gate(view)


def _print_gate(view: ProgrammeView) -> None:
    if view.gate is None:
        click.echo(_("The programme has ended."))
        return
    gate = view.gate
    state = (
        _("sign-off requested (round {round})", round=gate.round) if gate.request_open else _("sign-off not requested")
    )
    click.echo(_("Gate: {gate} - {state}", gate=gate.title, state=state))
    if gate.request_open and gate.pack_hash:
        click.echo(
            _("Decision pack: {pack} (sign with --pack {pack} --round {round})", pack=gate.pack_hash, round=gate.round)
        )
    for req in gate.report.requirements:
        mark = "x" if req.met else " "
        extra = f"  ({in_words(req.detail)})" if req.detail else ""
        optional = "" if req.required else " " + _("(optional)")
        label = f"{req.criterion}: {in_words(req.label)}" if req.criterion else in_words(req.label)
        click.echo(f"  [{mark}] {label}{optional}{extra}")
    if gate.report.passed:
        click.echo(_("Ready to advance."))
    else:
        click.echo(_("Not ready:"))
        for unmet in gate.report.unmet:
            click.echo(f"  - {in_words(unmet)}")


#: Registered on the ``banns`` group by :mod:`workflow.cli`.
COMMANDS = [evidence, request, sign, advance, return_, waive, withdraw, abandon, end, role]
