"""CSV files: one per table, UTF-8, a header row, nulls as empty fields."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv


def plain(table: pa.Table) -> pa.Table:
    """The table with enumerations as plain strings, as CSV holds them."""
    schema = pa.schema(
        [field.with_type(pa.string()) if pa.types.is_dictionary(field.type) else field for field in table.schema],
        metadata=table.schema.metadata,
    )
    return table.cast(schema)


def write_csv(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(plain(table), path, pacsv.WriteOptions(include_header=True, quoting_style="needed"))
