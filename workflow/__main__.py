"""``python -m workflow`` runs the ``banns`` command (for environments without the console script)."""

from workflow.cli.commands import main

main()
