"""``banns serve`` (the web UI, for development) and ``banns dev`` (a sample programme with sample
accounts, and serve with the scheduler beside it). Production runs gunicorn: see the README."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import click

from workflow.accounts.service import Accounts
from workflow.cli.support import Context, friendly, pass_context
from workflow.engine.errors import N_, InvalidError
from workflow.engine.importer import load_programme
from workflow.money.service import Finances

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
SAMPLE_MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
#: Development only: every sample account gets this password. `banns init` never creates accounts.
SAMPLE_PASSWORD = "banns sample password"
ADMIN_EMAIL = "admin@banns.example"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@pass_context
@friendly
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the web UI with Flask's development server (production: gunicorn, see README)."""
    from web import create_app

    app = create_app({"INSTANCE": str(ctx.settings.instance), "DEVELOPMENT": True})
    click.echo(f"banns is at http://{host}:{port}/  (Ctrl-C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


@click.group()
def dev() -> None:
    """Development helpers: a sample programme with sample accounts."""


@dev.command("sample")
@pass_context
@friendly
def sample(ctx: Context) -> None:
    """Load the sample programme (fictional councils) and give every sample person a password.

    Development only: it refuses a database that already has people, so sample accounts with a published
    password can never join a real instance.
    """
    accounts = Accounts(ctx.programmes.db)
    if accounts.people():
        raise InvalidError(
            N_(
                "this database already has people in it; `banns dev sample` loads sample accounts "
                "with a published password and runs only on a new database (make run makes one)"
            )
        )
    spec, located = load_programme(SAMPLE)
    today = ctx.programmes.clock().date()
    # Started three months ago, with its costs so far in the past: the what-if and reports have figures.
    spec = spec.model_copy(update={"start": today - timedelta(days=91)})
    view = ctx.programmes.start(spec, located)
    money = Finances(ctx.programmes.db, ctx.programmes.registry, ctx.programmes.clock)
    figures = SAMPLE_MONEY.read_text(encoding="utf-8")
    for day, days_ago in (("2027-01-04", 84), ("2027-02-15", 35)):
        figures = figures.replace(f"incurred_on: {day}", f"incurred_on: {today - timedelta(days=days_ago)}")
    money.import_figures(view.id, figures, str(SAMPLE_MONEY), replace=True)
    accounts = Accounts(ctx.programmes.db)
    now = ctx.programmes.clock()
    accounts.add_person("Ada Admin", ADMIN_EMAIL, now, is_admin=True, password=SAMPLE_PASSWORD)
    for person in spec.people:
        accounts.set_password_for_development(person.email, SAMPLE_PASSWORD)
    click.echo(f"Loaded sample programme {view.id}: {view.name}")
    _print_sign_in(spec)


@dev.command("run")
@click.option("--port", default=5000, show_default=True, type=int, help="Port for the web UI.")
@pass_context
def run(ctx: Context, port: int) -> None:
    """Serve the web UI and run the scheduler beside it, until Ctrl-C."""
    env_args = ["--instance", str(ctx.settings.instance)]
    banns = [sys.executable, "-m", "workflow", *env_args]
    env = {**os.environ, "BANNS_BASE_URL": os.environ.get("BANNS_BASE_URL", f"http://127.0.0.1:{port}")}
    scheduler = subprocess.Popen([*banns, "scheduler"], env=env) if _has_command(ctx, "scheduler") else None
    click.echo(
        f"Sign in at http://127.0.0.1:{port}/ as {ADMIN_EMAIL}, or any sample person, with the password "
        f"'{SAMPLE_PASSWORD}' (development only)."
    )
    try:
        subprocess.run([*banns, "serve", "--port", str(port)], check=False, env=env)
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.send_signal(signal.SIGTERM)
            scheduler.wait(timeout=15)


def _has_command(ctx: Context, name: str) -> bool:
    from workflow.cli.commands import main

    return main.get_command(click.Context(main, obj=ctx), name) is not None


def _print_sign_in(spec: object) -> None:
    click.echo(f"Sign in with the password '{SAMPLE_PASSWORD}' (development only) as:")
    click.echo(f"  {ADMIN_EMAIL:40} administrator")
    for person in getattr(spec, "people", []):
        roles = [
            r if isinstance(r, str) else f"{r.role} for {r.partner}" if r.partner else r.role for r in person.roles
        ]
        click.echo(f"  {person.email:40} {'; '.join(role.replace('_', ' ') for role in roles)}")
