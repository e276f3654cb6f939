from __future__ import annotations

import click

from .common import reports_errors


@click.command()
@click.argument("table", default="claims")
@click.option("--limit", default=10, show_default=True, help="Rows to show.")
@click.option("--columns", "-c", multiple=True, help="Columns to show (repeatable); default: a readable subset.")
@reports_errors
def show(table: str, limit: int, columns: tuple[str, ...]) -> None:
    """Print the first rows of a packaged TABLE (default: claims).

    \b
    Examples:
      alliance-data show
      alliance-data show actors --limit 20
      alliance-data show claims -c claim_id -c quote
    """
    from rich.console import Console
    from rich.table import Table

    from ..loading import UnknownTableError, load

    try:
        frame = load(table)
    except UnknownTableError as error:
        raise click.BadParameter(str(error), param_hint="TABLE") from None
    default = {"claims": ("claim_id", "kind", "topic_id", "certainty", "statement")}
    chosen = list(columns or default.get(table, frame.columns[:6]))
    view = Table(title=f"{table}: {len(frame)} rows (first {min(limit, len(frame))})", show_lines=False)
    for name in chosen:
        view.add_column(name, overflow="fold")
    for row in frame[chosen].head(limit).itertuples(index=False):
        view.add_row(*["" if value is None or value != value else str(value) for value in row])
    Console().print(view)
    click.echo(frame.attrs["citation"])
