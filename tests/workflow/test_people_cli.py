"""`banns people deactivate EMAIL --by ADMIN` and `reactivate`: an admin's action, logged with them; anyone
else is refused (exit 4), and an unknown address is not found (exit 3)."""

from __future__ import annotations

from typing import Any

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.views import ProgrammeView

ADMIN = "ada.admin@banns.example"
TOM = "tom.hardy@northbridge.example"


def test_an_admin_deactivates_and_reactivates_from_the_command_line(
    cli: Any, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    accounts = Accounts(db)
    accounts.add_person("Ada Admin", ADMIN, clock(), is_admin=True)
    done = cli("people", "deactivate", TOM, "--by", ADMIN)
    assert "Tom Hardy <tom.hardy@northbridge.example> is deactivated" in done.output
    assert "Tom Hardy" in cli("people", "list").output and "(deactivated)" in cli("people", "list").output
    tom = next(p for p in accounts.people() if p.email == TOM)
    assert tom.deactivated_at is not None
    assert "is active again" in cli("people", "reactivate", TOM, "--by", ADMIN).output
    assert next(p for p in accounts.people() if p.email == TOM).deactivated_at is None

    refused = cli("people", "deactivate", TOM, "--by", "priya.shah@northbridge.example", ok=False)
    assert refused.exit_code == 4 and "only admins" in refused.output
    assert cli("people", "deactivate", "nobody@example.org", "--by", ADMIN, ok=False).exit_code == 3
    yourself = cli("people", "deactivate", ADMIN, "--by", ADMIN, ok=False)
    assert yourself.exit_code == 2 and "own account" in yourself.output
