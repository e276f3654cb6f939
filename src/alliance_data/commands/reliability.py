from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, reports_errors

REPORT = Path("docs") / "reliability.md"


@click.command()
@data_dir_argument
@click.option("--write/--print", default=True, show_default=True, help=f"Write {REPORT} or print to stdout.")
@reports_errors
def reliability(data_dir: Path, write: bool) -> None:
    """Report agreement between the two coders (Cohen's kappa per field) and every resolved disagreement.

    \b
    Examples:
      alliance-data reliability
      alliance-data reliability --print
    """
    from ..reliability import report
    from ..validate import validate

    dataset = validate(data_dir)
    text = report(dataset.rows["claims"], dataset.rows["second_coding"], dataset.rows["coding_decisions"])
    if write:
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(text, encoding="utf-8")
        click.echo(f"wrote {REPORT}")
    else:
        click.echo(text, nl=False)
