"""The ``banns`` command: set up an instance, check definitions, run programmes from the shell.

Every command has ``--help``. Bad input gets one clear message and a non-zero exit, never a traceback:

    1 a move or action refused now (a gate not met)   2 invalid input or a wrong file
    3 not found   4 not allowed   5 conflict (changed meanwhile)   70 internal error

Other packages add commands through the ``banns.commands`` entry point group (the web UI adds ``serve``).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError

from . import schema
from .config import Settings, load_settings, write_instance_config
from .db import Database
from .definitions import Definition, DefinitionError, definition_files, load_definition
from .errors import BannsError, ConflictError, InvalidError, MoveRefusedError, NotAllowedError, NotFoundError
from .importer import ImportError_, load_programme
from .permissions import SYSTEM, Actor
from .programmes import Programmes
from .registry import Registry
from .views import ProgrammeView
from .yamlsource import SourceError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (MoveRefusedError, 1), (SourceError, 2), (InvalidError, 2), (NotFoundError, 3), (NotAllowedError, 4),
    (ConflictError, 5),
]


class ConfigFileError(click.ClickException):
    """The instance's config file is wrong: a wrong file, so exit 2 like any other."""

    exit_code = 2


class Context:
    """What commands share: settings, and the engine opened on first use."""

    def __init__(self, instance: Path | None) -> None:
        self.settings: Settings = load_settings(instance)
        self._programmes: Programmes | None = None

    @property
    def programmes(self) -> Programmes:
        if self._programmes is None:
            db = Database(self.settings.database_url)
            try:
                current = schema.is_current(db)
            except OperationalError as exc:
                db.dispose()
                raise _unreachable(db, exc) from None
            if not current:
                db.dispose()
                raise InvalidError(f"the database at {db.engine.url.render_as_string()} is not set up or is out "
                                   "of date; run `banns init` or `banns db upgrade`")
            self._programmes = Programmes(db, registry_for(self.settings.definitions_dir))
        return self._programmes

    def close(self) -> None:
        if self._programmes is not None:
            self._programmes.db.dispose()

    def actor(self, email: str | None) -> Actor:
        return SYSTEM if email is None else self.programmes.actor(email)


_registries: dict[Path, Registry] = {}


def registry_for(folder: Path) -> Registry:
    """One registry per definitions folder for the life of the process: its cache is keyed by content hash,
    so it stays right when files change, and commands run in-process (tests, embedding) parse each once."""
    return _registries.setdefault(folder.resolve(), Registry(folder))


pass_context = click.make_pass_decorator(Context)


def friendly(command: F) -> F:
    """Turn engine errors into a message and an exit code; anything unexpected into a short note."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except (BannsError, SourceError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(next(code for kind, code in EXIT_CODES if isinstance(exc, kind)))
        except (click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # the reader (``| head``) went away: stop quietly, as Unix tools do
            sys.stderr.close()
            sys.exit(141)
        except Exception as exc:
            if os.environ.get("BANNS_DEBUG"):
                raise
            click.echo(f"Internal error ({type(exc).__name__}): {exc}\nSet BANNS_DEBUG=1 to see the traceback.",
                       err=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


class BannsGroup(click.Group):
    """A group whose commands all report errors the friendly way."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if cmd.callback is not None and not isinstance(cmd, click.Group):
            cmd.callback = friendly(cmd.callback)
        super().add_command(cmd, name)


class RootGroup(BannsGroup):
    """The ``banns`` group itself, which also offers the commands other packages add by entry point."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(ep.name for ep in entry_points(group="banns.commands"))})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            for ep in entry_points(group="banns.commands", name=name):
                try:
                    command = ep.load()
                except Exception as exc:  # a broken plug-in must not break the other commands
                    command = _unavailable(name, ep.value, exc)
        return command


def _unavailable(name: str, target: str, exc: Exception) -> click.Command:
    def report() -> None:
        raise click.ClickException(f"the '{name}' command ({target}) could not be loaded: "
                                   f"{type(exc).__name__}: {exc}")
    return click.Command(name, callback=report, help=f"Unavailable: {target} could not be loaded.")


@click.group(cls=RootGroup, name="banns")
@click.option("--instance", type=click.Path(path_type=Path, file_okay=False), envvar="BANNS_INSTANCE",
              help="Instance folder (config and SQLite database). Default: ./instance")
@click.version_option(package_name="banns")
@click.pass_context
def main(ctx: click.Context, instance: Path | None) -> None:
    """banns: the workflow engine for shared-services partnership programmes."""
    try:
        ctx.obj = Context(instance)
    except BannsError as exc:
        raise ConfigFileError(str(exc)) from None
    ctx.call_on_close(ctx.obj.close)


def _unreachable(db: Database, exc: OperationalError) -> InvalidError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return InvalidError(f"cannot connect to the database at {db.engine.url.render_as_string()}: {reason}; check "
                        "DATABASE_URL in banns.toml or BANNS_DATABASE_URL", field="DATABASE_URL")


# --- set-up ---------------------------------------------------------------------------------------------

@main.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the instance folder, its config (with a new secret key) and the database."""
    path, written = write_instance_config(ctx.settings.instance)
    click.echo(f"{'Wrote' if written else 'Kept existing'} {path}")
    ctx.settings = load_settings(ctx.settings.instance)
    _upgrade(ctx.settings)


@main.group(cls=BannsGroup)
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: Context) -> None:
    """Apply every migration not yet applied."""
    _upgrade(ctx.settings)


@db.command("current")
@pass_context
def db_current(ctx: Context) -> None:
    """Show the schema revision of the database and of the code."""
    database = Database(ctx.settings.database_url)
    click.echo(f"database: {_revs(schema.current_revisions(database))}; code: {_revs(schema.head_revisions())}")
    database.dispose()


def _upgrade(settings: Settings) -> None:
    database = Database(settings.database_url)
    before = schema.current_revisions(database)
    click.echo(f"Upgrading {database.engine.url.render_as_string()} from {_revs(before)} ...")
    schema.upgrade(database)
    click.echo(f"Database at revision {_revs(schema.current_revisions(database))}")
    database.dispose()


def _revs(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions)) or "empty"


# --- definitions ----------------------------------------------------------------------------------------

@main.group(cls=BannsGroup)
def definitions() -> None:
    """Lifecycle definitions (YAML files)."""


@definitions.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@pass_context
def definitions_check(ctx: Context, paths: tuple[Path, ...]) -> None:
    """Validate definition files (default: the definitions folder). Exits 2 if any is wrong."""
    files = definition_files(paths or [ctx.settings.definitions_dir])
    if not files:
        raise InvalidError(f"no .yaml files in {', '.join(map(str, paths or [ctx.settings.definitions_dir]))}")
    failed = 0
    for number, path in enumerate(files, 1):
        if len(files) >= 10:
            click.echo(f"[{number}/{len(files)}] ", nl=False, err=True)
        try:
            d = load_definition(path)
            click.echo(f"ok     {path}: {d.id} version {d.version}, {len(d.stages)} stages")
        except DefinitionError as exc:
            failed += 1
            click.echo(f"WRONG  {path}")
            for problem in exc.problems:
                click.echo(f"  {problem}")
    click.echo(f"{len(files) - failed} of {len(files)} definitions valid")
    if failed:
        sys.exit(2)


@definitions.command("list")
@pass_context
def definitions_list(ctx: Context) -> None:
    """List the definitions in the definitions folder."""
    catalogue = Registry(ctx.settings.definitions_dir).catalogue()
    for d in catalogue.definitions.values():
        click.echo(f"{d.id:24} v{d.version:<3} {d.title}  ({len(d.stages)} stages)")
    for file, problems in catalogue.problems.items():
        click.echo(f"{'(broken)':24}      {file}: {problems[0].message}")


@definitions.command("show")
@click.argument("definition_id")
@click.option("--json", "as_json", is_flag=True, help="Print the definition as JSON.")
@pass_context
def definitions_show(ctx: Context, definition_id: str, as_json: bool) -> None:
    """Show a definition's stages, gates and rules."""
    d = Registry(ctx.settings.definitions_dir).latest(definition_id)
    if as_json:
        click.echo(d.model_dump_json(indent=2, by_alias=True, exclude={"source_text"}))
        return
    click.echo(f"{d.title} ({d.id} version {d.version})")
    for stage in d.stages:
        flag = " (optional)" if stage.optional else ""
        click.echo(f"\n{stage.title}{flag} -> {d.next_of(stage.id)}")
        click.echo(f"  gate: {d.gates[stage.id].title}")
        for c in d.gates[stage.id].criteria:
            click.echo(f"    [{'required' if c.required else 'optional'}] {c.title}")
        click.echo(f"  sign-off: {_rules_text(d, d.gates[stage.id].sign_off)}")
    click.echo("\nOutcomes: " + ", ".join(o.title for o in d.outcomes))


def _rules_text(d: Definition, rules: Any) -> str:
    parts = []
    if rules.each_partner:
        parts.append("each partner's signatory")
    if rules.quorum:
        q = rules.quorum
        need = f"{q.count} steering members" if q.count else f"{q.fraction:%} of the steering group"
        parts.append(need + (", one of each partner taking part" if q.each_partner_present else ""))
    parts += [f"the {d.role_title[r]}" + (" of each partner" if d.role_scope[r] == "partner" else "")
              for r in rules.roles]
    return "; ".join(parts)


# --- programmes -----------------------------------------------------------------------------------------

@main.group(cls=BannsGroup)
def programme() -> None:
    """Partnership programmes."""


@programme.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_context
def programme_import(ctx: Context, files: tuple[Path, ...]) -> None:
    """Start programmes described in YAML files (see examples/). All files are checked before any starts."""
    specs = []
    problems = []
    for path in files:
        try:
            specs.append(load_programme(path))
        except ImportError_ as exc:
            problems.extend(exc.problems)
    if problems:
        raise ImportError_(problems)
    for number, (spec, located) in enumerate(specs, 1):
        view = ctx.programmes.start(spec, located)
        progress = f"[{number}/{len(specs)}] " if len(specs) > 1 else ""
        click.echo(f"{progress}Started programme {view.id}: {view.name} at {view.state_title}")


@programme.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@pass_context
def programme_list(ctx: Context, as_json: bool) -> None:
    """List programmes with their stage and partners."""
    rows = ctx.programmes.list()
    if as_json:
        click.echo(json.dumps([{"id": r.id, "name": r.name, "definition": r.definition_id, "state": r.state,
                                "stage_entered_at": r.stage_entered_at.isoformat(), "partners": list(r.partners)}
                               for r in rows], indent=2))
        return
    for r in rows:
        click.echo(f"{r.id:>5}  {r.state_title:28} {r.name}  ({', '.join(r.partners)})")
    if not rows:
        click.echo("No programmes yet: `banns programme import FILE` starts one.")


@programme.command("show")
@click.argument("programme_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the whole programme as JSON.")
@pass_context
def programme_show(ctx: Context, programme_id: int, as_json: bool) -> None:
    """Show a programme: stage, partners, people, and the current gate's checklist."""
    view = ctx.programmes.get(programme_id)
    if as_json:
        click.echo(json.dumps(view.to_json(), indent=2))
    else:
        _print_programme(view)


@programme.command("migrate")
@click.argument("programme_id", type=int)
@click.option("--reason", required=True, help="Why the programme adopts the newer definition (logged).")
@pass_context
def programme_migrate(ctx: Context, programme_id: int, reason: str) -> None:
    """Adopt the newer version of the programme's definition file."""
    view = ctx.programmes.migrate_definition(programme_id, reason)
    click.echo(f"Programme {view.id} now runs on {view.definition_id} version {view.definition_version}")


@main.command()
@click.argument("programme_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON, with their data.")
@pass_context
def history(ctx: Context, programme_id: int, as_json: bool) -> None:
    """The programme's event log, oldest first."""
    events = ctx.programmes.history(programme_id)
    if as_json:
        click.echo(json.dumps([e.to_json() for e in events], indent=2))
        return
    for e in events:
        move = f" {e.from_state + ' ' if e.from_state else ''}-> {e.to_state}" if e.to_state else ""
        reason = f": {e.reason}" if e.reason else ""
        click.echo(f"{e.seq:>4} {e.at:%Y-%m-%d %H:%M} UTC  {e.actor:24} {e.kind}{move}{reason}")


# --- the gate -------------------------------------------------------------------------------------------

by_option = click.option("--by", "by", metavar="EMAIL", help="Act as this person (default: system operator).")
expect_option = click.option("--expect-version", type=int, metavar="N",
                             help="Refuse with a conflict if the programme is no longer at version N.")


@main.command()
@click.argument("programme_id", type=int)
@click.argument("criterion")
@click.argument("summary")
@click.option("--link", help="Where the evidence is kept (a document URL).")
@by_option
@expect_option
@pass_context
def evidence(ctx: Context, programme_id: int, criterion: str, summary: str, link: str | None, by: str | None,
             expect_version: int | None) -> None:
    """Record evidence against a criterion of the current gate."""
    view = ctx.programmes.record_evidence(programme_id, criterion, summary, link, ctx.actor(by),
                                          expected_version=expect_version)
    _print_gate(view)


@main.command()
@click.argument("programme_id", type=int)
@click.option("--waiver", is_flag=True, help="Ask to waive this optional stage instead of passing its gate.")
@click.option("--note", default="", help="A note to signatories; for a waiver, its rationale.")
@by_option
@expect_option
@pass_context
def request(ctx: Context, programme_id: int, waiver: bool, note: str, by: str | None,
            expect_version: int | None) -> None:
    """Request sign-off of the current gate (again, after a rejection: a resubmission)."""
    view = ctx.programmes.request_sign_off(programme_id, ctx.actor(by), waiver=waiver, note=note,
                                           expected_version=expect_version)
    assert view.gate is not None
    click.echo(f"Sign-off requested ({view.gate.subject}, round {view.gate.round})")


@main.command()
@click.argument("programme_id", type=int)
@click.argument("decision", type=click.Choice(["approve", "reject"]))
@click.option("--as", "as_", required=True, metavar="EMAIL", help="The person signing.")
@click.option("--comment", default="", help="Why (required to reject).")
@click.option("--role", help="Sign only in this role (default: every role you hold that is asked).")
@click.option("--partner", help="Sign only for this partner (id or name).")
@expect_option
@pass_context
def sign(ctx: Context, programme_id: int, decision: str, as_: str, comment: str, role: str | None,
         partner: str | None, expect_version: int | None) -> None:
    """Approve or reject the requested sign-off, as a person."""
    person = ctx.programmes.actor(as_)
    partner_id = _partner_id(ctx, programme_id, partner) if partner else None
    assert person.person_id is not None
    view = ctx.programmes.sign(programme_id, person.person_id, decision, comment, role=role,
                               partner_id=partner_id, expected_version=expect_version)
    click.echo(f"{person.name}: {'approved' if decision == 'approve' else 'rejected'}")
    _print_gate(view)


# --- moves ----------------------------------------------------------------------------------------------

@main.command()
@click.argument("programme_id", type=int)
@by_option
@expect_option
@pass_context
def advance(ctx: Context, programme_id: int, by: str | None, expect_version: int | None) -> None:
    """Pass the current gate into the next stage."""
    view = ctx.programmes.advance(programme_id, ctx.actor(by), expected_version=expect_version)
    click.echo(f"Programme {view.id} is now at {view.state_title}")


@main.command("return")
@click.argument("programme_id", type=int)
@click.argument("stage")
@click.option("--reason", required=True, help="Why it goes back (logged).")
@by_option
@expect_option
@pass_context
def return_(ctx: Context, programme_id: int, stage: str, reason: str, by: str | None,
            expect_version: int | None) -> None:
    """Return the programme to an earlier stage."""
    view = ctx.programmes.return_to(programme_id, stage, reason, ctx.actor(by), expected_version=expect_version)
    click.echo(f"Programme {view.id} returned to {view.state_title}")


@main.command()
@click.argument("programme_id", type=int)
@click.option("--reason", required=True, help="The recorded rationale.")
@by_option
@expect_option
@pass_context
def waive(ctx: Context, programme_id: int, reason: str, by: str | None, expect_version: int | None) -> None:
    """Waive the current optional stage (its waiver must be approved)."""
    view = ctx.programmes.waive(programme_id, reason, ctx.actor(by), expected_version=expect_version)
    click.echo(f"Programme {view.id} is now at {view.state_title}")


@main.command()
@click.argument("programme_id", type=int)
@click.argument("partner")
@click.option("--reason", required=True, help="Why the partner leaves (logged).")
@by_option
@expect_option
@pass_context
def withdraw(ctx: Context, programme_id: int, partner: str, reason: str, by: str | None,
             expect_version: int | None) -> None:
    """A partner (id or name) withdraws from the programme."""
    view = ctx.programmes.withdraw(programme_id, _partner_id(ctx, programme_id, partner), reason, ctx.actor(by),
                                   expected_version=expect_version)
    remaining = ", ".join(p.name for p in view.current_partners) or "none"
    if view.ended:
        click.echo(f"Withdrawn. Too few partners remain ({remaining}): programme {view.id} is {view.state_title}")
    else:
        click.echo(f"Withdrawn. Programme {view.id} is at {view.state_title}; partners: {remaining}")


@main.command()
@click.argument("programme_id", type=int)
@click.option("--reason", required=True, help="Why the programme ends (logged).")
@by_option
@expect_option
@pass_context
def abandon(ctx: Context, programme_id: int, reason: str, by: str | None, expect_version: int | None) -> None:
    """Abandon the programme."""
    view = ctx.programmes.end(programme_id, "abandon", reason, ctx.actor(by), expected_version=expect_version)
    click.echo(f"Programme {view.id} is {view.state_title}")


@main.command()
@click.argument("programme_id", type=int)
@click.argument("move")
@click.option("--reason", required=True, help="Why the programme ends (logged).")
@by_option
@expect_option
@pass_context
def end(ctx: Context, programme_id: int, move: str, reason: str, by: str | None,
        expect_version: int | None) -> None:
    """End the programme by an outcome move of its definition (e.g. dissolve)."""
    view = ctx.programmes.end(programme_id, move, reason, ctx.actor(by), expected_version=expect_version)
    click.echo(f"Programme {view.id} is {view.state_title}")


@main.group(cls=BannsGroup)
def role() -> None:
    """People's roles in a programme."""


@role.command("add")
@click.argument("programme_id", type=int)
@click.argument("email")
@click.argument("role_id", metavar="ROLE")
@click.option("--partner", help="For roles held per partner: the partner (id or name).")
@click.option("--name", help="The person's name, to add someone new.")
@by_option
@pass_context
def role_add(ctx: Context, programme_id: int, email: str, role_id: str, partner: str | None, name: str | None,
             by: str | None) -> None:
    """Give a person a role in a programme."""
    partner_id = _partner_id(ctx, programme_id, partner) if partner else None
    ctx.programmes.assign_role(programme_id, email, role_id, partner_id, ctx.actor(by), name=name)
    click.echo(f"{email} is now {role_id}" + (f" for {partner}" if partner else ""))


# --- printing -------------------------------------------------------------------------------------------

def _partner_id(ctx: Context, programme_id: int, ref: str) -> int:
    view = ctx.programmes.get(programme_id)
    for p in view.partners:
        if ref == str(p.id) or ref.casefold() == p.name.casefold():
            return p.id
    names = ", ".join(f"{p.id} ({p.name})" for p in view.partners)
    raise NotFoundError(f"no partner '{ref}' in programme {programme_id}; partners: {names}")


def _print_programme(view: ProgrammeView) -> None:
    click.echo(f"{view.name}  (programme {view.id}, version {view.version})")
    click.echo(f"Definition: {view.definition_id} version {view.definition_version}")
    click.echo(f"Stage: {view.state_title} since {view.stage_entered_at:%Y-%m-%d}")
    click.echo("Partners:")
    for p in view.partners:
        status = f"withdrew {p.withdrawn_at:%Y-%m-%d}" if p.withdrawn_at else "current"
        click.echo(f"  {p.id:>4} {p.name:40} pop. {p.population:>9,}  budget £{p.net_budget:>14,.2f}  {status}")
    click.echo("People:")
    for r in view.roles:
        click.echo(f"  {r.person_name:24} {r.role_title}" + (f" for {r.partner_name}" if r.partner_name else ""))
    _print_gate(view)


def _print_gate(view: ProgrammeView) -> None:
    if view.gate is None:
        click.echo("The programme has ended.")
        return
    gate = view.gate
    state = f"sign-off requested (round {gate.round})" if gate.request_open else "sign-off not requested"
    click.echo(f"Gate: {gate.title} - {state}")
    for req in gate.report.requirements:
        mark = "x" if req.met else " "
        extra = f"  ({req.detail})" if req.detail else ""
        optional = "" if req.required else " (optional)"
        click.echo(f"  [{mark}] {req.label}{optional}{extra}")
    if gate.report.passed:
        click.echo("Ready to advance.")
    else:
        click.echo("Not ready:")
        for reason in gate.report.unmet:
            click.echo(f"  - {reason}")
