from __future__ import annotations

import click

from .common import reports_errors

DEFAULT_COLUMNS = {"claims": ("claim_id", "kind", "topic_id", "certainty", "statement")}


@click.command()
@click.argument("table", default="claims")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1), help="Rows to show (1 or more).")
@click.option("--columns", "-c", multiple=True, help="Columns to show (repeatable); default: a readable subset.")
@reports_errors
def show(table: str, limit: int, columns: tuple[str, ...]) -> None:
    """Print the first rows of a packaged TABLE (default: claims).

    On a terminal the rows are a table; piped, they are tab-separated lines with a header.

    \b
    Examples:
      alliance-data show
      alliance-data show actors --limit 20
      alliance-data show claims -c claim_id -c quote
      alliance-data show claims --limit 300 | cut -f 1,4
    """
    from ..reader.loading import UnknownTableError, load, unknown_name_message
    from .tables import print_rows

    try:
        frame = load(table)
    except UnknownTableError as error:
        raise click.BadParameter(str(error), param_hint="TABLE") from None
    chosen = list(columns or DEFAULT_COLUMNS.get(table, frame.columns[:6]))
    for name in chosen:
        if name not in frame.columns:
            message = unknown_name_message("column", name, list(frame.columns))
            raise click.BadParameter(f"{message} (of table {table})", param_hint="'--columns' / '-c'")
    rows = frame[chosen].head(limit).itertuples(index=False)
    print_rows(chosen, rows, title=f"{table}: {len(frame)} rows (first {min(limit, len(frame))})")
    click.echo(frame.attrs["citation"], err=not _terminal())


def _terminal() -> bool:
    from rich.console import Console

    return Console().is_terminal
