"""``banns export``: the data published for transparency, written to a folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..engine.errors import N_
from .support import BannsGroup, Context, pass_context
from .words import _


@click.group(cls=BannsGroup, help=N_("Export data: the open data of published programmes."))
def export() -> None:
    pass


@export.command(
    "open-data",
    help=N_(
        "Write the open data (CSV, JSON, their schemas and datapackage.json) into DIR, all at "
        "once: nothing is half-written. DIR must be new, empty or an earlier export, which is "
        "replaced whole. Only programmes their managers published appear."
    ),
)
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@pass_context
def open_data(ctx: Context, folder: Path) -> None:
    from ..opendata.datasets import DATASETS
    from ..opendata.files import open_data_files, write_all

    programmes = ctx.programmes
    export_, files = open_data_files(programmes.db, programmes.registry)
    write_all(files, folder)
    published = len(export_.tables["programmes"])
    click.echo(
        _(
            "Wrote {files} files for {datasets} datasets ({published} published programme(s)) to {folder}",
            files=len(files),
            datasets=len(DATASETS),
            published=published,
            folder=folder,
        )
    )
