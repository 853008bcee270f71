"""Typed settings: ``banns.toml`` and ``BANNS_*`` variables parsed and checked at start-up, so that ``false``
means false and a malformed number stops the command line (exit 2) and the web app, naming the setting; and
``banns init`` makes the instance private to its owner."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from web import create_app
from workflow.cli.commands import main
from workflow.engine.db import Database
from workflow.settings import SettingsError, load_settings


def settings_file(instance: Path, text: str) -> Path:
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "banns.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_false_in_the_environment_means_false(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"BANNS_SESSION_COOKIE_SECURE": "false", "BANNS_PROXY_COUNT": "1"})
    assert settings.values["SESSION_COOKIE_SECURE"] is False
    assert settings.values["PROXY_COUNT"] == 1


@pytest.mark.parametrize(("text", "value"), [("true", True), ("1", True), ("off", False), ("no", False)])
def test_yes_and_no_are_read_as_people_write_them(tmp_path: Path, text: str, value: bool) -> None:
    assert load_settings(tmp_path, {"BANNS_SESSION_COOKIE_SECURE": text}).values["SESSION_COOKIE_SECURE"] is value


def test_the_environment_wins_over_the_file_and_both_are_typed(tmp_path: Path) -> None:
    settings_file(tmp_path, 'MAIL_MAX_ATTEMPTS = 3\nSMTP_PORT = 2525\nMAIL_FROM = "file@banns.example"\n')
    settings = load_settings(tmp_path, {"BANNS_MAIL_MAX_ATTEMPTS": "5", "BANNS_TOKEN_MAX_AGE_DAYS": "7.5"})
    assert settings.values["MAIL_MAX_ATTEMPTS"] == 5 and settings.values["SMTP_PORT"] == 2525
    assert settings.values["TOKEN_MAX_AGE_DAYS"] == 7.5 and settings.values["MAIL_FROM"] == "file@banns.example"


def test_settings_banns_does_not_know_are_passed_on_as_given(tmp_path: Path) -> None:
    settings_file(tmp_path, 'SESSION_COOKIE_SAMESITE = "Strict"\n')
    settings = load_settings(tmp_path, {"BANNS_SIGN_IN_LIMIT": "5", "BANNS_INSTANCE": "/elsewhere"})
    assert settings.values["SESSION_COOKIE_SAMESITE"] == "Strict" and settings.values["SIGN_IN_LIMIT"] == "5"
    assert "INSTANCE" not in settings.values


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"BANNS_SMTP_PORT": "", "BANNS_DATABASE_URL": ""})
    assert "SMTP_PORT" not in settings.values
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'banns.sqlite3'}"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"BANNS_MAIL_MAX_ATTEMPTS": "ten"}, "BANNS_MAIL_MAX_ATTEMPTS = 'ten' is not valid: expected a whole number"),
        ({"BANNS_SESSION_COOKIE_SECURE": "perhaps"}, "BANNS_SESSION_COOKIE_SECURE = 'perhaps' is not valid"),
        ({"BANNS_SMTP_PORT": "70000"}, "BANNS_SMTP_PORT = '70000' is not valid: expected a number no greater than"),
        ({"BANNS_SMTP_SECURITY": "ssl"}, "BANNS_SMTP_SECURITY = 'ssl' is not valid: expected 'none', 'starttls'"),
        ({"BANNS_BASE_URL": "banns.example"}, "expected a web address starting http:// or https://"),
        ({"BANNS_TOKEN_MAX_AGE_DAYS": "0"}, "BANNS_TOKEN_MAX_AGE_DAYS = '0' is not valid: expected a number greater"),
    ],
)
def test_a_malformed_setting_is_refused_naming_it(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path, env)
    assert expected in str(caught.value)
    assert caught.value.field == next(iter(env)).removeprefix("BANNS_")


def test_a_malformed_setting_in_the_file_names_the_file_and_hides_secrets(tmp_path: Path) -> None:
    path = settings_file(tmp_path, 'MAIL_MAX_ATTEMPTS = "ten"\nSMTP_PASSWORD = 12345\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path, {})
    message = str(caught.value)
    assert f"{path}: MAIL_MAX_ATTEMPTS = 'ten' is not valid: expected a whole number" in message
    assert f"{path}: SMTP_PASSWORD = (hidden) is not valid: expected text" in message
    assert "12345" not in message


def test_the_command_line_stops_with_exit_2_and_the_message(tmp_path: Path) -> None:
    env = {"BANNS_INSTANCE": str(tmp_path / "instance"), "BANNS_MAIL_MAX_ATTEMPTS": "ten"}
    result = CliRunner().invoke(main, ["programme", "list"], env=env, catch_exceptions=False)
    assert result.exit_code == 2
    assert "BANNS_MAIL_MAX_ATTEMPTS = 'ten' is not valid: expected a whole number" in result.output
    assert "Traceback" not in result.output


def test_the_web_app_factory_refuses_to_start_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANNS_MAIL_MAX_ATTEMPTS", "ten")
    with pytest.raises(SettingsError, match="BANNS_MAIL_MAX_ATTEMPTS = 'ten' is not valid: expected a whole number"):
        create_app({"INSTANCE": str(tmp_path / "instance"), "TESTING": True, "SECRET_KEY": "test"})


def test_the_web_app_gets_typed_values(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANNS_SESSION_COOKIE_SECURE", "false")
    monkeypatch.setenv("BANNS_PORTFOLIO_PAGE_SIZE", "10")
    app = create_app({"INSTANCE": str(tmp_path / "instance"), "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is False and app.config["PORTFOLIO_PAGE_SIZE"] == 10
    finally:
        app.extensions["banns"].db.dispose()


# --- a private instance ----------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common umask (022), under which files are world-readable unless made otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_init_makes_the_instance_readable_by_its_owner_only(tmp_path: Path, usual_umask: None) -> None:
    instance = tmp_path / "srv" / "instance"
    env = {"BANNS_INSTANCE": str(instance)}
    result = CliRunner().invoke(main, ["init"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert mode(instance) == 0o700
    assert mode(instance / "banns.toml") == 0o600
    assert mode(instance / "banns.sqlite3") == 0o600
    again = CliRunner().invoke(main, ["init"], env=env, catch_exceptions=False)
    assert again.exit_code == 0 and "Kept existing" in again.output


def test_a_new_sqlite_database_file_is_private(tmp_path: Path, usual_umask: None) -> None:
    path = tmp_path / "new.sqlite3"
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert mode(path) == 0o600
    finally:
        db.dispose()


def test_an_existing_database_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    path.touch()
    path.chmod(0o640)
    Database(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o640


def test_settings_are_read_by_the_cli_from_the_instance(tmp_path: Path, cli: Any) -> None:
    settings_file(tmp_path / "instance", "SESSION_COOKIE_SECURE = 'maybe'\n")
    result = cli("programme", "list", ok=False)
    assert result.exit_code == 2 and "SESSION_COOKIE_SECURE = 'maybe' is not valid: expected true or false" in (
        result.output
    )
