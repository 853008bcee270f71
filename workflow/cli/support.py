"""What every ``banns`` command shares: the instance's settings and engine, the mapping of engine errors
to messages and exit codes, and the groups that apply it and load plug-in commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError

from ..engine import schema
from ..engine.db import Database
from ..engine.errors import (
    BannsError,
    BrokenDefinitionError,
    ConflictError,
    InvalidError,
    MoveRefusedError,
    NotAllowedError,
    NotFoundError,
)
from ..engine.permissions import SYSTEM, Actor
from ..engine.programmes import Programmes
from ..engine.registry import Registry
from ..engine.text import is_id
from ..engine.yamlsource import SourceError
from ..settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (MoveRefusedError, 1),
    (SourceError, 2),
    (InvalidError, 2),
    (BrokenDefinitionError, 2),
    (NotFoundError, 3),
    (NotAllowedError, 4),
    (ConflictError, 5),
]


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
            self.fail(f"'{value}' is not a programme id (a whole number)", param, ctx)
        if not is_id(number):
            raise NotFoundExit(f"no programme with id {value}")
        return number


PROGRAMME_ID = ProgrammeId()


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
                raise InvalidError(
                    f"the database at {db.engine.url.render_as_string()} is not set up or is out "
                    "of date; run `banns init` or `banns db upgrade`"
                )
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
            click.echo(
                f"Internal error ({type(exc).__name__}): {exc}\nSet BANNS_DEBUG=1 to see the traceback.", err=True
            )
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
        raise click.ClickException(f"the '{name}' command ({target}) could not be loaded: {type(exc).__name__}: {exc}")

    return click.Command(name, callback=report, help=f"Unavailable: {target} could not be loaded.")


def _unreachable(db: Database, exc: OperationalError) -> InvalidError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return InvalidError(
        f"cannot connect to the database at {db.engine.url.render_as_string()}: {reason}; check "
        "DATABASE_URL in banns.toml or BANNS_DATABASE_URL",
        field="DATABASE_URL",
    )
