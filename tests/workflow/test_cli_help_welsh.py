"""``banns --help`` in Welsh: with ``BANNS_LANGUAGE=cy`` the commands' and groups' help, their summaries in a
group's list (plug-ins' too), the options' help and click's own headings come from the Welsh catalogue; with
``BANNS_LANGUAGE=en`` the same help is English. The help is translated when it is shown, so the language may
change from one call to the next in one process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click
import pytest


@pytest.fixture
def speaking(cli: Any) -> Any:
    def help_in(language: str, *args: str) -> str:
        cli.env["BANNS_LANGUAGE"] = language
        return str(cli(*args, "--help").output)

    return help_in


def test_the_top_level_help_in_welsh_then_english(speaking: Any) -> None:
    welsh = speaking("cy")
    for phrase in (
        "Defnydd: banns [OPTIONS] COMMAND [ARGS]...",
        "banns: yr injan llif gwaith ar gyfer rhaglenni partneriaeth",
        "Opsiynau:",
        "Dangos y neges hon a gadael.",
        "Gorchmynion:",
        "programme    Rhaglenni partneriaeth.",
        "advance      Pasio'r porth presennol i'r cam nesaf.",
        "money        Arian: achos busnes",  # a plug-in's summary, read from its source
    ):
        assert phrase in welsh, f"{phrase!r} not in:\n{welsh}"
    assert "Partnership programmes." not in welsh and "Show this message and exit." not in welsh

    english = speaking("en")
    for phrase in ("Usage: banns", "Options:", "Commands:", "programme    Partnership programmes.", "Money:"):
        assert phrase in english, f"{phrase!r} not in:\n{english}"
    assert "Rhaglenni partneriaeth" not in english


def test_a_group_and_a_command_help_in_welsh_then_english(speaking: Any) -> None:
    group = speaking("cy", "programme")
    assert "Rhaglenni partneriaeth." in group
    assert "list     Rhestru rhaglenni gyda'u cam a'u partneriaid." in group

    command = speaking("cy", "programme", "edit")
    assert "Newid enw, disgrifiad neu ddyddiadau arfaethedig camau rhaglen" in command
    assert "Gweithredu fel y person hwn" in command and "--by EMAIL" in command
    assert "The new name." not in command

    migrate = speaking("en", "programme", "migrate")
    assert "Adopt the newer version of the programme's definition file." in migrate
    assert "Why the programme adopts the newer definition (logged)." in migrate and "[required]" in migrate


def test_a_plug_in_command_help_and_required_options_in_welsh(speaking: Any) -> None:
    added = speaking("cy", "deputy", "add")
    assert "Enwi DEPUTY_EMAIL i benderfynu ar ran SIGNATORY_EMAIL o --from hyd --to." in added
    assert "Y diwrnod cyntaf (BBBB-MM-DD).  [gofynnol]" in added
    assert "[required]" not in added
    english = speaking("en", "deputy", "add")
    assert "Name DEPUTY_EMAIL to decide for SIGNATORY_EMAIL from --from to --to." in english
    assert "The first day (YYYY-MM-DD).  [required]" in english and "[gofynnol]" not in english


def _commands(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, click.Command]]:
    yield ctx.command_path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            found = command.get_command(ctx, name)
            if found is not None:
                yield from _commands(found, click.Context(found, info_name=name, parent=ctx))


def test_every_workflow_command_translates_its_help() -> None:
    """A command made with plain ``@click.command()`` would keep its help English: each of workflow's (the
    web's development commands aside) is a BannsCommand, with its help written at its decorator."""
    from workflow.cli.commands import main
    from workflow.cli.helptext import BannsCommand

    found = dict(_commands(main, click.Context(main, info_name="banns")))
    ours = {path: command for path, command in found.items() if path.split()[1:2] not in (["serve"], ["dev"])}
    assert len(ours) > 60
    assert [path for path, command in ours.items() if not isinstance(command, BannsCommand)] == []
    assert [path for path, command in ours.items() if not command.help] == []
