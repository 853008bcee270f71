"""The command line's ``--help`` in its language, translated when it is shown rather than when it is written.

A command's help and an option's help are written in English and marked for the
catalogue at the decorator, ``@group.command("list", help=N_("List ..."))``, ``click.option(..., help=N_(...))``;
`BannsCommand` (the base of every ``banns`` command and group) looks each up in the command line's
language (``BANNS_LANGUAGE``, read each time) as it formats the help. So the language may change between two
calls in one process (the tests, an embedder), and importing the commands translates nothing.
"""

from __future__ import annotations

import copy

import click

from ..engine.errors import N_
from .words import words

# click's own words on a help page, also in the catalogue (click translates them with its own gettext domain,
# which has no Welsh): the headings, the usage line's prefix and the help and version options' help.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Positional arguments"),
    N_("Commands"),
    N_("required"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
)


def shown(text: str | None) -> str | None:
    """``text`` (an English msgid, or nothing) in the command line's language now; its braces are left as they
    are, since help has no values to fill."""
    return words()(text) if text else text


def _shown_param(param: click.Parameter) -> click.Parameter:
    """A copy of ``param`` whose help is in the command line's language, for formatting only. Its metavar
    stays as written (``EMAIL``, ``ROLE``): like the options' names, it is what the help's text refers to."""
    said = copy.copy(param)
    said.help = shown(param.help)
    if isinstance(param, click.Option) and param.required:
        said.required = False  # click would add its own, English "[required]"; _help_row adds it translated
    return said


def _help_row(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """The option's or argument's row in the help, in the command line's language."""
    row = _shown_param(param).get_help_record(ctx)
    if row is None or not (isinstance(param, click.Option) and param.required):
        return row
    flag = f"[{shown('required')}]"
    return row[0], f"{row[1]}  {flag}" if row[1] else flag


class BannsCommand(click.Command):
    """A ``banns`` command (and, as a base, a group) whose help, short help, epilog, options' and arguments'
    help and headings are msgids, shown in the command line's language."""

    @property  # click declares a plain attribute: the msgid is kept, translated when read
    def help(self) -> str | None:
        return shown(self._help)

    @help.setter
    def help(self, text: str | None) -> None:
        self._help = text

    @property
    def short_help(self) -> str | None:
        return shown(self._short_help)

    @short_help.setter
    def short_help(self, text: str | None) -> None:
        self._short_help = text

    @property
    def epilog(self) -> str | None:
        return shown(self._epilog)

    @epilog.setter
    def epilog(self, text: str | None) -> None:
        self._epilog = text

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=f"{shown('Usage:')} ")

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        arguments = [param for param in self.get_params(ctx) if isinstance(param, click.Argument)]
        if any(argument.help is not None for argument in arguments):
            with formatter.section(shown("Positional arguments") or ""):
                formatter.write_dl([row for argument in arguments if (row := _help_row(argument, ctx))])

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        params = [param for param in self.get_params(ctx) if not isinstance(param, click.Argument)]
        rows = [row for param in params if (row := _help_row(param, ctx))]
        if rows:
            with formatter.section(shown("Options") or ""):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)
