from __future__ import annotations

from pathlib import Path

import click

from .common import needs_extra, reports_errors


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default="figures",
    show_default=True,
    help="Directory for the figures (created if missing).",
)
@reports_errors
@needs_extra("figures")
def figures(out: Path) -> None:
    """Draw the figures and argument maps of the packaged data into --out.

    Deterministic SVG (the same data gives the same bytes), and the map by topic as Mermaid.

    \b
    Examples:
      alliance-data figures                  # into ./figures
      alliance-data figures --out /tmp/figs
    """
    from .. import load, tables
    from ..escaping import for_terminal
    from ..rendering.figures import check_figures_output, write_figures

    check_figures_output(out)  # before the tables are read and drawn
    written = write_figures({name: load(name) for name in tables()}, out)
    click.echo(f"wrote {len(written)} files to {for_terminal(out)}/")
