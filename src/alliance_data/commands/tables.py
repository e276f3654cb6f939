"""Printing rows: a table on a terminal, tab-separated lines when the output is piped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import click

from ..escaping import for_terminal

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def cell(value: Any) -> str:
    """A value as text: missing values (None, NaN, pandas' NA) as the empty string."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value) is True:
            return ""
    except (TypeError, ValueError):
        pass  # a list or array: not a single missing value
    return str(value)


def print_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> None:
    """On a terminal, a table under `title`; otherwise a header line and one tab-separated
    line per row (tabs, newlines and backslashes escaped as \\t, \\n, \\\\), for cut, awk and
    spreadsheets."""
    from .common import output_console

    console = output_console()
    if not console.is_terminal:
        for row in (columns, *([cell(v) for v in row] for row in rows)):
            click.echo("\t".join(for_terminal(value.translate(_ESCAPES)) for value in row))
        return
    from rich.markup import escape
    from rich.table import Table

    view = Table(title=escape(for_terminal(title)))
    for name in columns:
        view.add_column(escape(for_terminal(name)), overflow="fold")
    for row in rows:
        view.add_row(*(escape(for_terminal(cell(value))) for value in row))
    console.print(view)
