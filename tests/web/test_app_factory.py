"""The app factory: configuration layers, and no production start without a secret key."""

from __future__ import annotations

from pathlib import Path

import pytest

from web import create_app


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path, database_url: str) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set: run `banns init`"):
        create_app({"INSTANCE": str(tmp_path / "instance"), "DATABASE_URL": database_url})


def test_the_instance_config_then_the_environment_then_test_settings(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "banns.toml").write_text(
        'SECRET_KEY = "from-the-file"\nPORTFOLIO_PAGE_SIZE = 10\nMAIL_FROM = "file@banns.example"\n', encoding="utf-8"
    )
    monkeypatch.setenv("BANNS_MAIL_FROM", "env@banns.example")
    app = create_app({"INSTANCE": str(instance), "DATABASE_URL": database_url, "PORTFOLIO_PAGE_SIZE": 5})
    try:
        assert app.config["SECRET_KEY"] == "from-the-file"
        assert app.config["MAIL_FROM"] == "env@banns.example"
        assert app.config["PORTFOLIO_PAGE_SIZE"] == 5
        assert app.instance_path == str(instance.resolve())
    finally:
        app.extensions["banns"].db.dispose()


def test_the_development_sample_loads_only_into_a_new_database(cli) -> None:
    first = cli("dev", "sample")
    assert "Loaded sample programme 1" in first.output and "banns sample password" in first.output
    again = cli("dev", "sample", ok=False)
    assert again.exit_code == 2 and "runs only on a new database" in again.output
