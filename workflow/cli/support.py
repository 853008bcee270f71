"""What every ``banns`` command shares: the instance's settings and engine, the mapping of engine errors
to messages and exit codes, and the groups that apply it and load plug-in commands."""

from __future__ import annotations

import ast
import functools
import os
import sys
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..engine.errors import (
    N_,
    BrokenDefinitionError,
    ConflictError,
    InvalidError,
    MoveRefusedError,
    NotAllowedError,
    NotFoundError,
)

if TYPE_CHECKING:  # the engine, SQLAlchemy and Alembic load when a command first uses the database
    from sqlalchemy.exc import OperationalError

    from ..engine.db import Database
    from ..engine.permissions import Actor
    from ..engine.programmes import Programmes
    from ..engine.registry import Registry
    from ..settings import Settings

from .helptext import BannsCommand, shown
from .words import _, error

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (MoveRefusedError, 1),
    (InvalidError, 2),
    (BrokenDefinitionError, 2),
    (NotFoundError, 3),
    (NotAllowedError, 4),
    (ConflictError, 5),
]


def _exit_code(exc: BaseException) -> int | None:
    """The exit code for an engine error or a wrong YAML file; None for anything else."""
    from ..engine.yamlsource import SourceError

    if isinstance(exc, SourceError):
        return 2
    return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), None)


class ConfigFileError(click.ClickException):
    """The instance's config file is wrong: a wrong file, so exit 2 like any other."""

    exit_code = 2


class NotFoundExit(click.ClickException):
    """Something named on the command line cannot exist (an id out of range): exit 3, as for not found."""

    exit_code = 3


class ProgrammeId(click.ParamType):  # type: ignore[type-arg]  # generic only in click's stubs
    """A programme id: a whole number; one no programme can have (0, negative, above 2,147,483,647) is not
    found, rather than an error of the database."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            self.fail(_("'{value}' is not a programme id (a whole number)", value=value), param, ctx)
        from ..engine.text import is_id

        if not is_id(number):
            raise NotFoundExit(_("no programme with id {id}", id=value))
        return number


PROGRAMME_ID = ProgrammeId()


class Context:
    """What commands share: settings, and the engine opened on first use."""

    def __init__(self, instance: Path | None) -> None:
        from ..settings import load_settings

        self.settings: Settings = load_settings(instance)
        self._programmes: Programmes | None = None

    @property
    def programmes(self) -> Programmes:
        if self._programmes is None:
            from sqlalchemy.exc import OperationalError

            from ..engine import schema
            from ..engine.db import Database
            from ..engine.programmes import Programmes

            db = Database(self.settings.database_url)
            try:
                current = schema.is_current(db)
            except OperationalError as exc:
                db.dispose()
                raise _unreachable(db, exc) from None
            if not current:
                db.dispose()
                raise InvalidError(
                    N_("the database at {url} is not set up or is out of date; run `banns init` or `banns db upgrade`"),
                    url=db.engine.url.render_as_string(),
                )
            self._programmes = Programmes(db, registry_for(self.settings.definitions_dir))
        return self._programmes

    def close(self) -> None:
        if self._programmes is not None:
            self._programmes.db.dispose()

    def actor(self, email: str | None) -> Actor:
        from ..engine.permissions import SYSTEM

        return SYSTEM if email is None else self.programmes.actor(email)


_registries: dict[Path, Registry] = {}


def registry_for(folder: Path) -> Registry:
    """One registry per definitions folder for the life of the process: its cache is keyed by content hash,
    so it stays right when files change, and commands run in-process (tests, embedding) parse each once."""
    from ..engine.registry import Registry

    return _registries.setdefault(folder.resolve(), Registry(folder))


pass_context = click.make_pass_decorator(Context)


def friendly(command: F) -> F:
    """Turn engine errors into a message and an exit code; anything unexpected into a short note."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # the reader (``| head``) went away: stop quietly, as Unix tools do
            sys.stderr.close()
            sys.exit(141)
        except Exception as exc:
            code = _exit_code(exc)
            if code is not None:
                click.echo(_("Error: {message}", message=_said(exc)), err=True)
                sys.exit(code)
            if os.environ.get("BANNS_DEBUG"):
                raise
            said = _("Internal error ({kind}): {error}", kind=type(exc).__name__, error=exc)
            click.echo(said + "\n" + _("Set BANNS_DEBUG=1 to see the traceback."), err=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


def _said(exc: Exception) -> str:
    """An engine's error in words; a wrong file's problems, one to a line."""
    from ..engine.errors import BannsError
    from ..engine.yamlsource import SourceError

    return error(exc) if isinstance(exc, BannsError | SourceError) else str(exc)


class BannsGroup(BannsCommand, click.Group):
    """A group whose commands all report errors the friendly way, and whose help (and its commands' and
    sub-groups', made with ``@group.command`` and ``@group.group``) is in the command line's language."""

    command_class = BannsCommand
    group_class = type

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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click does, but a plug-in's help is read from its source rather than by importing it, so that
        ``banns --help`` does not load Flask, the money package or the scheduler."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is not None:
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
                continue
            for ep in entry_points(group="banns.commands", name=name):
                rows.append((name, BannsCommand(name, help=_plugin_help(ep)).get_short_help_str(limit)))
        if rows:
            with formatter.section(shown("Commands") or ""):
                formatter.write_dl(rows)


def _plugin_help(ep: EntryPoint) -> str:
    """The help of an entry point's command (its decorator's ``help=N_("...")``, else its docstring), read from
    its module's source without importing it."""
    try:
        parts = ep.module.split(".")
        spec = find_spec(parts[0])  # a top-level package is found without being imported
        if spec is None or not spec.submodule_search_locations:
            return ""
        path = Path(next(iter(spec.submodule_search_locations)), *parts[1:])
        source = path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == ep.attr:
                return _decorated_help(node) or ast.get_docstring(node) or ""
    except (OSError, SyntaxError, ValueError, ImportError):
        pass
    return ""


def _decorated_help(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The literal ``help=`` (or ``help=N_(...)``) of a function's command decorator, if it has one."""
    for decorator in node.decorator_list:
        command = isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", None) in {"command", "group"}
        for keyword in decorator.keywords if command and isinstance(decorator, ast.Call) else []:
            value = keyword.value
            if isinstance(value, ast.Call) and len(value.args) == 1:
                value = value.args[0]
            if keyword.arg == "help" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    return None


def _unavailable(name: str, target: str, exc: Exception) -> click.Command:
    def report() -> None:
        why = f"{type(exc).__name__}: {exc}"
        raise click.ClickException(
            _("the '{name}' command ({target}) could not be loaded: {why}", name=name, target=target, why=why)
        )

    return BannsCommand(name, callback=report, help=_("Unavailable: {target} could not be loaded.", target=target))


def _unreachable(db: Database, exc: OperationalError) -> InvalidError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return InvalidError(
        N_("cannot connect to the database at {url}: {reason}; check DATABASE_URL in banns.toml or BANNS_DATABASE_URL"),
        field="DATABASE_URL",
        url=db.engine.url.render_as_string(),
        reason=reason,
    )
