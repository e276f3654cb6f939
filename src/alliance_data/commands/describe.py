from __future__ import annotations

import click

from .common import reports_errors


@click.command()
@click.argument("table", required=False)
@reports_errors
def describe(table: str | None) -> None:
    """List the tables, or the columns of TABLE with their types and descriptions.

    \b
    Examples:
      alliance-data describe
      alliance-data describe claims
    """
    from rich.console import Console
    from rich.table import Table

    from ..loading import UnknownTableError, manifest
    from ..loading import describe as describe_table

    console = Console()
    if table is None:
        view = Table("table", "rows", "description", title=f"alliance-data {manifest()['version']}")
        for entry in manifest()["tables"]:
            view.add_row(entry["name"], str(entry["rows"]), entry["description"])
        console.print(view)
        return
    try:
        frame = describe_table(table)
    except UnknownTableError as error:
        raise click.BadParameter(str(error), param_hint="TABLE") from None
    view = Table(*frame.columns, title=table)
    for row in frame.itertuples(index=False):
        view.add_row(*["" if value is None else str(value) for value in row])
    console.print(view)
