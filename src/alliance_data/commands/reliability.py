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
    """Report agreement between the two codings (kappa per field, claim spans, links) and every decision.

    \b
    Examples:
      alliance-data reliability
      alliance-data reliability --print
    """
    from ..reliability import report
    from ..validate import validate

    dataset = validate(data_dir)
    rows = dataset.rows
    text = report(
        rows["claims"],
        rows["second_coding"],
        rows["coding_decisions"],
        segments=rows["second_segmentation"],
        sections=rows["sections"],
        links=rows["claim_links"],
        second_links=rows["second_links"],
    )
    if write:
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(text, encoding="utf-8")
        click.echo(f"wrote {REPORT}")
    else:
        click.echo(text, nl=False)
