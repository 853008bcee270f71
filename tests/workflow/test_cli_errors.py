"""The ``banns`` command when things go wrong: help everywhere, one clear message, the documented exit code
(1 refused, 2 invalid input or file, 3 not found, 4 not allowed, 5 conflict) and never a traceback."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from workflow.cli.commands import main
from workflow.engine import schema
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

ROOT = Path(__file__).resolve().parents[2]  # not imported from conftest: tests/web has a conftest too
DEFINITIONS = ROOT / "definitions"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
BROKEN = ROOT / "tests" / "data" / "definitions" / "broken"
SAM = "sam.ellis@audit.example"  # observer
OLIVER = "oliver.grant@northbridge.example"  # Northbridge s151 officer, monitoring officer, head of paid service
PRIYA = "priya.shah@northbridge.example"  # programme manager


def command_paths(group: click.Group = main, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group under ``group``, depth first, with the words that invoke it."""
    ctx = click.Context(group, info_name="banns")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from command_paths(command, (*path, name))


COMMANDS = list(command_paths())


def fails(result: Result, code: int, *expected: str) -> str:
    """Assert the command failed with ``code`` and a message holding every ``expected`` text."""
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{result.output}"
    assert "Traceback" not in result.output and "Internal error" not in result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    return result.output


@pytest.fixture
def requested(programmes: Programmes, sample: ProgrammeView) -> ProgrammeView:
    """The sample programme with its courtship gate evidenced and sign-off requested."""
    for criterion in programmes.registry.latest("shared-service").gates["courtship"].criteria:
        programmes.record_evidence(sample.id, criterion.id, "In the minutes of the leaders' meeting")
    return programmes.request_sign_off(sample.id)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


PARTNERS = """\
partners:
  - name: Northbridge District Council
    kind: district_council
    population: {population}
    net_budget: "14250000.00"
  - name: Southmoor District Council
    kind: district_council
    population: 87100
    net_budget: "12900000.00"
"""


# --- help ----------------------------------------------------------------------------------------------


def test_the_command_tree_has_the_commands_the_docs_promise() -> None:
    paths = {" ".join(path) for path, _ in COMMANDS}
    assert {
        "init",
        "db upgrade",
        "definitions check",
        "programme import",
        "programme show",
        "evidence",
        "request",
        "sign",
        "advance",
        "return",
        "waive",
        "withdraw",
        "history",
        "role add",
    } <= paths


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_group_has_help(cli: Any, path: tuple[str, ...], command: click.Command) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert f"Usage: banns {' '.join(path)}" in result.output
    assert (command.help or "").strip(), f"'banns {' '.join(path)}' has no help text"
    shown = " ".join(result.output.split())
    assert " ".join(command.help.split())[:60] in shown
    own = command.callback is None or command.callback.__module__ == "workflow.cli"
    for option in command.params if own else []:  # commands added by other packages answer for themselves
        if isinstance(option, click.Option) and option.name != "help":
            assert (option.help or "").strip(), f"'banns {' '.join(path)} {option.opts[0]}' has no help text"
            assert " ".join(option.help.split())[:30] in shown


def test_commands_added_by_other_packages_are_offered_at_the_top_only() -> None:
    # a subcommand may share a top-level command's name (``banns money export`` and ``banns export``), but it
    # must not be that command offered again
    top = {path[0]: command for path, command in COMMANDS if len(path) == 1}
    for path, command in COMMANDS:
        if len(path) > 1 and path[-1] in top:
            assert command is not top[path[-1]], f"'banns {' '.join(path)}' repeats a top-level command"
            assert command.callback is None or command.callback is not top[path[-1]].callback


def test_the_top_level_help_lists_every_command(cli: Any) -> None:
    out = cli("--help").output
    for path, _ in COMMANDS:
        if len(path) == 1:
            assert f"  {path[0]} " in out


# --- not found (3) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("programme", "show", "999"),
        ("history", "999"),
        ("advance", "999"),
        ("request", "999"),
        ("evidence", "999", "partners_named", "Minutes"),
        ("withdraw", "999", "Northbridge", "--reason", "r"),
        ("return", "999", "courtship", "--reason", "r"),
        ("waive", "999", "--reason", "r"),
    ],
    ids=lambda args: args[0] if args[0] != "programme" else "programme show",
)
def test_an_unknown_programme_is_not_found(cli: Any, sample: ProgrammeView, args: tuple[str, ...]) -> None:
    fails(cli(*args, ok=False), 3, "no programme with id 999")


@pytest.mark.parametrize(
    "args",
    [
        ("withdraw", "{id}", "Westshire District Council", "--reason", "r"),
        ("sign", "{id}", "approve", "--as", "tom.hardy@northbridge.example", "--partner", "Westshire District Council"),
        ("role", "add", "{id}", "x@westshire.example", "signatory", "--partner", "Westshire District Council"),
    ],
    ids=["withdraw", "sign", "role add"],
)
def test_an_unknown_partner_name_is_not_found_and_the_real_ones_are_listed(
    cli: Any, sample: ProgrammeView, args: tuple[str, ...]
) -> None:
    fails(
        cli(*(a.format(id=sample.id) for a in args), ok=False),
        3,
        "no partner 'Westshire District Council'",
        "Northbridge District Council",
        "Southmoor District Council",
        "Eastvale Borough Council",
    )


def test_an_unknown_person_is_not_found(cli: Any, requested: ProgrammeView) -> None:
    fails(
        cli("sign", requested.id, "approve", "--as", "nobody@example.org", ok=False),
        3,
        "nobody has the email address 'nobody@example.org'",
    )
    fails(cli("advance", requested.id, "--by", "nobody@example.org", ok=False), 3, "nobody@example.org")


# --- invalid input (2) ---------------------------------------------------------------------------------


def test_a_rejection_without_a_comment_is_invalid(cli: Any, requested: ProgrammeView) -> None:
    fails(
        cli("sign", requested.id, "reject", "--as", "gareth.evans@eastvale.example", ok=False),
        2,
        "a rejection needs a comment saying why",
    )
    fails(
        cli("sign", requested.id, "reject", "--as", "gareth.evans@eastvale.example", "--comment", "  ", ok=False),
        2,
        "a rejection needs a comment",
    )


def test_evidence_for_a_criterion_the_gate_lacks_names_the_ones_it_has(cli: Any, sample: ProgrammeView) -> None:
    fails(
        cli("evidence", sample.id, "savings_by_year", "Too early", ok=False),
        2,
        "'savings_by_year' is not a criterion of the Courtship gate",
        "partners_named",
    )


def test_a_decision_other_than_approve_or_reject_is_a_usage_error(cli: Any, requested: ProgrammeView) -> None:
    fails(cli("sign", requested.id, "abstain", "--as", SAM, ok=False), 2, "'abstain' is not one of")


# --- not allowed (4) -----------------------------------------------------------------------------------


def test_signing_without_a_role_the_request_asks_for_is_not_allowed(cli: Any, requested: ProgrammeView) -> None:
    fails(
        cli("sign", requested.id, "approve", "--as", SAM, ok=False),
        4,
        "Sam Ellis holds no role that signs this request; it asks for: signatory",
    )
    fails(cli("sign", requested.id, "approve", "--as", OLIVER, ok=False), 4, "Oliver Grant holds no role")
    fails(cli("sign", requested.id, "approve", "--as", PRIYA, ok=False), 4, "Priya Shah holds no role")


def test_an_observer_may_not_move_the_programme(cli: Any, requested: ProgrammeView) -> None:
    fails(cli("advance", requested.id, "--by", SAM, ok=False), 4, "Sam Ellis may not advance programme")
    fails(
        cli("evidence", requested.id, "partners_named", "Mine", "--by", SAM, ok=False),
        4,
        "Sam Ellis may not record evidence",
    )


# --- refused (1) and conflict (5) ----------------------------------------------------------------------


def test_signing_before_a_request_is_refused(cli: Any, sample: ProgrammeView) -> None:
    fails(
        cli("sign", sample.id, "approve", "--as", "tom.hardy@northbridge.example", ok=False),
        1,
        "sign-off has not been requested",
    )


def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(
    cli: Any, programmes: Programmes, requested: ProgrammeView
) -> None:
    seen = requested.version
    cli("sign", requested.id, "approve", "--as", "tom.hardy@northbridge.example", "--expect-version", seen)
    fails(
        cli("advance", requested.id, "--expect-version", seen, ok=False),
        5,
        f"programme {requested.id} was changed by someone else meanwhile; nothing was saved",
    )
    fails(cli("evidence", requested.id, "partners_named", "Late", "--expect-version", seen, ok=False), 5)
    fails(
        cli(
            "withdraw", requested.id, "Eastvale Borough Council", "--reason", "Late", "--expect-version", seen, ok=False
        ),
        5,
    )
    fails(cli("abandon", requested.id, "--reason", "Late", "--expect-version", seen, ok=False), 5)
    after = programmes.get(requested.id)
    assert after.version == seen + 1 and after.gate is not None and after.gate.request_open
    assert len(after.current_partners) == 3 and after.state == "courtship"


# --- files: definitions and programme imports (2) ------------------------------------------------------

#: where a file's "# Line N:" header is wrong; the outcome 'review' is on line 14, as banns says
LINE_CORRECTIONS: dict[str, int] = {}
BROKEN_WITH_LINES = [
    (p, LINE_CORRECTIONS.get(p.stem, int(m.group(1))))
    for p in sorted(BROKEN.glob("*.yaml"))
    if (m := re.match(r"# Line (\d+):", p.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize(("path", "line"), BROKEN_WITH_LINES, ids=[p.stem for p, _ in BROKEN_WITH_LINES])
def test_checking_a_broken_definition_names_file_and_line(cli: Any, path: Path, line: int) -> None:
    fails(
        cli("definitions", "check", path, ok=False), 2, f"WRONG  {path}", f"{path}:{line}: ", "0 of 1 definitions valid"
    )


def test_checking_a_folder_reports_each_file(cli: Any, tmp_path: Path) -> None:
    write(tmp_path / "good.yaml", (DEFINITIONS / "shared-service.yaml").read_text(encoding="utf-8"))
    write(tmp_path / "bad.yaml", (BROKEN / "unknown_key.yaml").read_text(encoding="utf-8"))
    out = fails(
        cli("definitions", "check", tmp_path, ok=False),
        2,
        "1 of 2 definitions valid",
        f"ok     {tmp_path / 'good.yaml'}: shared-service version 2",
        f"{tmp_path / 'bad.yaml'}:7: ",
    )
    assert "titel" in out
    fails(cli("definitions", "check", tmp_path / "empty", ok=False), 2, "does not exist")


def test_importing_a_malformed_programme_names_file_line_and_field_and_starts_nothing(cli: Any, tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.yaml", "name: Westshire\ndefinition: shared-service\n" + PARTNERS.format(population="lots")
    )
    fails(
        cli("programme", "import", EXAMPLE, bad, ok=False),
        2,
        f"{bad}:6: partners[0].population: expected a whole number, got 'lots'",
    )
    assert "No programmes yet" in cli("programme", "list").output  # all files are checked before any starts

    worse = write(tmp_path / "worse.yaml", "name: [Westshire\n")
    fails(cli("programme", "import", worse, ok=False), 2, f"{worse}:2: not valid YAML")


def test_importing_a_programme_with_an_unknown_role_names_it(cli: Any, tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bishop.yaml",
        "name: Westshire\ndefinition: shared-service\n"
        + PARTNERS.format(population=1000)
        + "people:\n  - name: Ann Smith\n    email: ann@westshire.example\n    roles: [bishop]\n",
    )
    fails(
        cli("programme", "import", bad, ok=False),
        2,
        f"{bad}:15: people[0].roles[0]: unknown role 'bishop'; expected one of:",
        "signatory",
        "s151_officer",
    )
    assert "No programmes yet" in cli("programme", "list").output


def test_importing_the_same_programme_twice_is_refused(cli: Any) -> None:
    cli("programme", "import", EXAMPLE)
    fails(cli("programme", "import", EXAMPLE, ok=False), 2, "exists already")


# --- the instance: config and database -----------------------------------------------------------------


def banns(instance: Path, *args: str | Path, **env: str | None) -> Result:
    """Run banns on ``instance`` with the default database (SQLite in the instance folder)."""
    environment = {
        "BANNS_INSTANCE": str(instance),
        "BANNS_DATABASE_URL": None,
        "BANNS_DEFINITIONS_DIR": str(DEFINITIONS),
        **env,
    }
    return CliRunner().invoke(main, [str(a) for a in args], env=environment, catch_exceptions=False)


def test_a_database_that_is_not_initialised_says_to_run_init(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    for args in [("programme", "list"), ("programme", "import", str(EXAMPLE)), ("history", "1")]:
        fails(
            banns(tmp_path / "instance", *args, BANNS_DATABASE_URL=f"sqlite:///{empty}"),
            2,
            "is not set up or is out of date; run `banns init`",
        )


def test_a_database_url_that_does_not_parse_is_invalid(tmp_path: Path) -> None:
    fails(
        banns(tmp_path / "instance", "programme", "list", BANNS_DATABASE_URL="not a url"),
        2,
        "database URL 'not a url' is not valid",
    )


def test_a_database_that_cannot_be_reached_gets_a_clear_message(tmp_path: Path) -> None:
    url = "postgresql://banns@127.0.0.1:1/banns"  # nothing listens on port 1
    fails(
        banns(tmp_path / "instance", "programme", "list", BANNS_DATABASE_URL=url),
        2,
        "cannot connect to the database at postgresql",
        "banns@127.0.0.1:1/banns",
        "BANNS_DATABASE_URL",
    )


def test_a_config_file_that_is_not_toml_is_a_wrong_file(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    write(instance / "banns.toml", "SECRET_KEY = \n")
    fails(banns(instance, "programme", "list"), 2, f"{instance / 'banns.toml'}: not valid TOML")


def test_init_creates_config_and_database_and_keeps_them_when_run_again(tmp_path: Path) -> None:
    instance = tmp_path / "fresh" / "instance"
    first = banns(instance, "init")
    assert first.exit_code == 0, first.output
    config = instance / "banns.toml"
    assert f"Wrote {config}" in first.output
    text = config.read_text(encoding="utf-8")
    assert len(tomllib.loads(text)["SECRET_KEY"]) >= 32
    assert config.stat().st_mode & 0o077 == 0  # the secret key is readable by its owner only

    database = Database(f"sqlite:///{instance / 'banns.sqlite3'}")
    try:
        assert schema.is_current(database)
    finally:
        database.dispose()
    assert "No programmes yet" in banns(instance, "programme", "list").output

    second = banns(instance, "init")
    assert second.exit_code == 0, second.output
    assert f"Kept existing {config}" in second.output
    assert config.read_text(encoding="utf-8") == text
    assert "Started programme" in banns(instance, "programme", "import", EXAMPLE).output
    banns(instance, "init")
    assert "Northbridge" in banns(instance, "programme", "list").output  # a third init keeps the data too
