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


def read_csv(path: Path, schema: pa.Schema) -> pa.Table:
    """Read a CSV written by `write_csv` back with its schema: quoted "" is an empty string,
    an empty field is null."""
    plain_schema = plain(pa.table({f.name: pa.array([], f.type) for f in schema}, schema=schema)).schema
    options = pacsv.ConvertOptions(
        column_types={field.name: field.type for field in plain_schema},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    # Quotes may span a paragraph break: quoted values can hold newlines.
    parse = pacsv.ParseOptions(newlines_in_values=True)
    return pacsv.read_csv(path, parse_options=parse, convert_options=options).cast(plain_schema)
