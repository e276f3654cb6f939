from __future__ import annotations

from pathlib import Path

import click

from .common import reports_errors


@click.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default="docs", show_default=True)
@reports_errors
def docs(out: Path) -> None:
    """Regenerate the reference pages of the documentation site: codebook, CLI reference, release history.

    \b
    Examples:
      alliance-data docs && mkdocs build --strict
    """
    from ..docs_pages import write_pages

    for path in write_pages(out):
        click.echo(f"wrote {path}")
