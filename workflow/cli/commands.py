"""The ``banns`` command: set up an instance, check definitions, run programmes from the shell.

Every command has ``--help``. Bad input gets one clear message and a non-zero exit, never a traceback:

    1 a move or action refused now (a gate not met)   2 invalid input or a wrong file
    3 not found   4 not allowed   5 conflict (changed meanwhile)   70 internal error

Other packages add commands through the ``banns.commands`` entry point group (the web UI adds ``serve``).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..engine.errors import N_, BannsError, InvalidError
from . import words
from .export import export
from .gate import COMMANDS, by_option, expect_option, print_programme
from .rules import rules_text
from .support import PROGRAMME_ID, BannsGroup, ConfigFileError, Context, RootGroup, pass_context
from .transfers import transfer
from .words import _, error, local

if TYPE_CHECKING:  # the engine, Alembic and the definitions load only for the command that needs them
    from ..engine.definitions import Definition
    from ..engine.yamlsource import Problem
    from ..settings import Settings


@click.group(
    cls=RootGroup, name="banns", help=N_("banns: the workflow engine for shared-services partnership programmes.")
)
@click.option(
    "--instance",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="BANNS_INSTANCE",
    help=N_("Instance folder (config and SQLite database). Default: ./instance"),
)
@click.version_option(package_name="banns")
@click.pass_context
def main(ctx: click.Context, instance: Path | None) -> None:
    try:
        ctx.obj = Context(instance)
    except BannsError as exc:
        raise ConfigFileError(error(exc)) from None
    ctx.call_on_close(ctx.obj.close)


# --- set-up ---------------------------------------------------------------------------------------------


@main.command(help=N_("Create the instance folder, its config (with a new secret key) and the database."))
@pass_context
def init(ctx: Context) -> None:
    from ..settings import load_settings, write_instance_config

    path, written = write_instance_config(ctx.settings.instance)
    click.echo(_("Wrote {path}", path=path) if written else _("Kept existing {path}", path=path))
    ctx.settings = load_settings(ctx.settings.instance)
    _upgrade(ctx.settings)


@main.group(cls=BannsGroup, help=N_("The database schema."))
def db() -> None:
    pass


@db.command("upgrade", help=N_("Apply every migration not yet applied."))
@pass_context
def db_upgrade(ctx: Context) -> None:
    _upgrade(ctx.settings)


@db.command("current", help=N_("Show the schema revision of the database and of the code."))
@pass_context
def db_current(ctx: Context) -> None:
    from ..engine import schema
    from ..engine.db import Database

    database = Database(ctx.settings.database_url)
    now, code = _revs(schema.current_revisions(database)), _revs(schema.head_revisions())
    click.echo(_("database: {database}; code: {code}", database=now, code=code))
    database.dispose()


def _upgrade(settings: Settings) -> None:
    from ..engine import schema
    from ..engine.db import Database

    database = Database(settings.database_url)
    before = schema.current_revisions(database)
    click.echo(
        _("Upgrading {url} from {revisions} ...", url=database.engine.url.render_as_string(), revisions=_revs(before))
    )
    schema.upgrade(database)
    click.echo(_("Database at revision {revisions}", revisions=_revs(schema.current_revisions(database))))
    database.dispose()


def _revs(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions)) or _("empty")


# --- definitions ----------------------------------------------------------------------------------------


@main.group(cls=BannsGroup, help=N_("Lifecycle definitions (YAML files)."))
def definitions() -> None:
    pass


@definitions.command(
    "check",
    help=N_(
        "Validate definition files (default: the definitions folder). Exits 2 if any is wrong, or"
        " if two files define the same id."
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@pass_context
def definitions_check(ctx: Context, paths: tuple[Path, ...]) -> None:
    from ..engine.definitions import definition_files

    files = definition_files(paths or [ctx.settings.definitions_dir])
    if not files:
        folders = tuple(map(str, paths or [ctx.settings.definitions_dir]))
        raise InvalidError(N_("no .yaml files in {folders}"), folders=folders)
    checked = _checked(files)
    failed = 0
    for path, read in checked.items():
        if isinstance(read, list):
            failed += 1
            click.echo(_("WRONG  {path}", path=path))
            for problem in read:
                click.echo(f"  {words.problem(problem)}")
        else:
            said = _(
                "ok     {path}: {id} version {version}, {count} stages",
                path=path,
                id=read.id,
                version=read.version,
                count=len(read.stages),
            )
            click.echo(said)
    click.echo(_("{valid} of {count} definitions valid", valid=len(files) - failed, count=len(files)))
    if failed:
        sys.exit(2)


def _checked(files: list[Path]) -> dict[Path, Definition | list[Problem]]:
    """Each file's definition, or its problems; two files with the same id are both wrong."""
    from ..engine.definitions import DefinitionError, load_definition
    from ..engine.registry import SAME_ID
    from ..engine.yamlsource import Problem

    checked: dict[Path, Definition | list[Problem]] = {}
    for number, path in enumerate(files, 1):
        if len(files) >= 10:
            click.echo(f"[{number}/{len(files)}] ", nl=False, err=True)
        try:
            checked[path] = load_definition(path)
        except DefinitionError as exc:
            checked[path] = exc.problems
    by_id: dict[str, list[Path]] = {}
    for path, read in checked.items():
        if not isinstance(read, list):
            by_id.setdefault(read.id, []).append(path)
    for definition_id, paths in by_id.items():
        for path in paths if len(paths) > 1 else []:
            others = tuple(str(p) for p in paths if p != path)
            checked[path] = [Problem(str(path), 1, "id", SAME_ID, {"id": definition_id, "others": others})]
    return checked


@definitions.command("list", help=N_("List the definitions in the definitions folder."))
@pass_context
def definitions_list(ctx: Context) -> None:
    from ..engine.registry import Registry

    catalogue = Registry(ctx.settings.definitions_dir).catalogue()
    for d in catalogue.definitions.values():
        click.echo(f"{d.id:24} v{d.version:<3} {local(d.title)}  " + _("({count} stages)", count=len(d.stages)))
    for file, problems in catalogue.problems.items():
        broken = _("(broken)")
        click.echo(f"{broken:24}      {file}: {words.problem_words(problems[0])}")


@definitions.command("show", help=N_("Show a definition's stages, gates and rules."))
@click.argument("definition_id")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the definition as JSON."))
@pass_context
def definitions_show(ctx: Context, definition_id: str, as_json: bool) -> None:
    from ..engine.registry import Registry

    d = Registry(ctx.settings.definitions_dir).latest(definition_id)
    if as_json:
        click.echo(d.model_dump_json(indent=2, by_alias=True, exclude={"source_text"}))
        return
    click.echo(_("{title} ({id} version {version})", title=d.title, id=d.id, version=d.version))
    for stage in d.stages:
        flag = " " + _("(optional)") if stage.optional else ""
        after = d.next_of(stage.id)
        click.echo(f"\n{local(stage.title)} ({stage.id}){flag} -> {local(d.state_title(after))} ({after})")
        click.echo(_("  gate: {gate}", gate=d.gates[stage.id].title))
        for c in d.gates[stage.id].criteria:
            need = _("required") if c.required else _("optional")
            click.echo(f"    [{need}] {c.id}: {local(c.title)}")
        click.echo(_("  sign-off: {rules}", rules=rules_text(d, d.gates[stage.id].sign_off)))
    click.echo("\n" + _("Outcomes: {outcomes}", outcomes=", ".join(local(o.title) for o in d.outcomes)))


# --- programmes -----------------------------------------------------------------------------------------


@main.group(cls=BannsGroup, help=N_("Partnership programmes."))
def programme() -> None:
    pass


@programme.command(
    "import",
    help=N_("Start programmes described in YAML files (see examples/). All files are checked before any starts."),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_context
def programme_import(ctx: Context, files: tuple[Path, ...]) -> None:
    from ..engine.importer import ProgrammeFileError, load_programme

    specs = []
    problems = []
    for path in files:
        try:
            specs.append(load_programme(path))
        except ProgrammeFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProgrammeFileError(problems)
    for number, (spec, located) in enumerate(specs, 1):
        view = ctx.programmes.start(spec, located)
        progress = f"[{number}/{len(specs)}] " if len(specs) > 1 else ""
        click.echo(
            progress
            + _("Started programme {id}: {name} at {stage}", id=view.id, name=view.name, stage=view.state_title)
        )


@programme.command("list", help=N_("List programmes with their stage and partners."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_context
def programme_list(ctx: Context, as_json: bool) -> None:
    rows = ctx.programmes.list()
    if as_json:
        from ..shapes.programmes import ProgrammeSummary
        from .shaped import echo_shaped_list

        echo_shaped_list(ProgrammeSummary, rows)
        return
    for r in rows:
        click.echo(f"{r.id:>5}  {local(r.state_title):28} {r.name}  ({', '.join(r.partners)})")
    if not rows:
        click.echo(_("No programmes yet: `banns programme import FILE` starts one."))


@programme.command("show", help=N_("Show a programme: stage, partners, people, and the current gate's checklist."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the whole programme as JSON."))
@pass_context
def programme_show(ctx: Context, programme_id: int, as_json: bool) -> None:
    view = ctx.programmes.get(programme_id)
    if as_json:
        from ..shapes.programmes import Programme
        from .shaped import echo_shaped

        echo_shaped(Programme, view.built())
    else:
        print_programme(view)


@programme.command("migrate", help=N_("Adopt the newer version of the programme's definition file."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--reason", required=True, help=N_("Why the programme adopts the newer definition (logged)."))
@pass_context
def programme_migrate(ctx: Context, programme_id: int, reason: str) -> None:
    view = ctx.programmes.migrate_definition(programme_id, reason)
    click.echo(
        _(
            "Programme {id} now runs on {definition} version {version}",
            id=view.id,
            definition=view.definition_id,
            version=view.definition_version,
        )
    )


class StagePlan(click.ParamType):  # type: ignore[type-arg]  # generic only in click's stubs
    """A stage's planned dates, ``STAGE=START:END`` (YYYY-MM-DD; either may be empty to clear it)."""

    name = "STAGE=START:END"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        stage, equals, dates = str(value).partition("=")
        start, colon, end = dates.partition(":")
        if not (equals and colon and stage.strip()):
            self.fail(
                _("'{value}' is not STAGE=START:END (e.g. courtship=2027-01-04:2027-03-31)", value=value), param, ctx
            )
        return stage.strip(), self._day(start, value, param, ctx), self._day(end, value, param, ctx)

    def _day(self, text: str, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date | None:
        if not text.strip():
            return None
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            self.fail(_("'{text}' in '{value}' is not a date (YYYY-MM-DD)", text=text, value=value), param, ctx)


@programme.command(
    "edit", help=N_("Change a programme's name, description or planned stage dates (what is not given stays).")
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--name", help=N_("The new name."))
@click.option("--description", help=N_("The new description."))
@click.option("--plan", "plans", multiple=True, type=StagePlan(), help=N_("A stage's planned dates (repeatable)."))
@by_option
@expect_option
@pass_context
def programme_edit(
    ctx: Context,
    programme_id: int,
    name: str | None,
    description: str | None,
    plans: tuple[tuple[str, date | None, date | None], ...],
    by: str | None,
    expect_version: int | None,
) -> None:
    if name is None and description is None and not plans:
        raise click.UsageError(_("give --name, --description or --plan"))
    current = ctx.programmes.get(programme_id)
    view = ctx.programmes.edit(
        programme_id,
        name=current.name if name is None else name,
        description=current.description if description is None else description,
        plan={stage: (start, end) for stage, start, end in plans},
        actor=ctx.actor(by),
        expected_version=expect_version,
    )
    click.echo(_("Programme {id}: {name} (version {version})", id=view.id, name=view.name, version=view.version))
    for p in view.plan:
        if p.stage in {plan[0] for plan in plans}:
            start, end = p.planned_start or _("no start"), p.planned_end or _("no end")
            click.echo(_("  {stage}: {start} to {end}", stage=p.title, start=start, end=end))


@main.command(
    help=N_("The programme's event log, oldest first; with no ID, the site's own (accounts and admin rights).")
)
@click.argument("programme_id", type=PROGRAMME_ID, required=False)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the events as JSON, with their data."))
@pass_context
def history(ctx: Context, programme_id: int | None, as_json: bool) -> None:
    """The programme's event log, oldest first; with no ID, the site's own (accounts and admin rights)."""
    if programme_id is None:
        from .audit import site_history

        events = site_history(ctx.programmes.db)
    else:
        events = ctx.programmes.history(programme_id)
    if as_json:
        from ..shapes.programmes import Event
        from .shaped import echo_shaped_list

        echo_shaped_list(Event, events)
        return
    import json  # the facts of an event with no reason, as a log's key=value pairs

    for e in events:
        move = f" {e.from_state + ' ' if e.from_state else ''}-> {e.to_state}" if e.to_state else ""
        facts = sorted((k, v) for k, v in (e.data or {}).items() if v not in (None, "", [], {}))
        plain = [
            (k, v if isinstance(v, int | str) and " " not in str(v) else json.dumps(v, ensure_ascii=False))
            for k, v in facts
        ]
        said = [f"{k}={v}" for k, v in plain]
        reason = f": {e.reason}" if e.reason else ("  " + " ".join(said) if said else "")
        click.echo(f"{e.seq:>4} {e.at:%Y-%m-%d %H:%M} UTC  {e.actor:24} {e.kind}{move}{reason}")
    if not events and programme_id is None:
        click.echo(_("The site's log is empty."))


for _command in [*COMMANDS, transfer, export]:
    main.add_command(_command)
