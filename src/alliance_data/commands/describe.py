from __future__ import annotations

import click

from .common import reports_errors


@click.command()
@click.argument("table", required=False)
@reports_errors
def describe(table: str | None) -> None:
    """List the tables, or the columns of TABLE with their types and descriptions.

    On a terminal the list is a table; piped, it is tab-separated lines with a header.

    \b
    Examples:
      alliance-data describe
      alliance-data describe claims
    """
    from ..reader.loading import UnknownTableError, manifest
    from ..reader.loading import describe as describe_table
    from .tables import print_rows

    if table is None:
        rows = [(entry["name"], entry["rows"], entry["description"]) for entry in manifest()["tables"]]
        print_rows(("table", "rows", "description"), rows, title=f"alliance-data {manifest()['version']}")
        return
    try:
        frame = describe_table(table)
    except UnknownTableError as error:
        raise click.BadParameter(str(error), param_hint="TABLE") from None
    print_rows(list(frame.columns), frame.itertuples(index=False), title=table)
