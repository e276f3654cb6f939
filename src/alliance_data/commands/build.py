from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, needs_extra, reports_errors


@click.command()
@data_dir_argument
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="build",
    show_default=True,
    help="Directory to write; replaced atomically, only if validation passes.",
)
@reports_errors
@needs_extra("curate")
def build(data_dir: Path, out_dir: Path) -> None:
    """Validate DATA_DIR, then write Parquet, CSV and SQLite files to --out.

    \b
    Examples:
      alliance-data build
      alliance-data build data --out /tmp/alliance
    """
    from ..build.pipeline import build as run
    from ..codebook.registry import TABLES
    from .common import progress_steps

    with progress_steps(total=2 * len(TABLES) + 2) as step:
        result = run(data_dir, out_dir, on_step=step)
    from ..escaping import for_terminal

    rows = ", ".join(f"{count} {name}" for name, count in result.rows.items())
    click.echo(f"built {for_terminal(result.directory)}/ ({len(result.files)} files): {rows}")
