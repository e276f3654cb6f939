from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, reports_errors


@click.command()
@data_dir_argument
@reports_errors
def validate(data_dir: Path) -> None:
    """Validate every record and table of DATA_DIR (default ./data); list every problem."""
    from ..validate import validate as run

    dataset = run(data_dir)
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in dataset.rows.items())
    click.echo(f"{data_dir}: valid ({counts})")
