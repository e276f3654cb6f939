"""The Arrow form of each table: the typed, in-memory table every file format is written from."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from .. import about
from ..columns import Column
from ..registry import Table

_INDEX_TYPE = pa.int8()


def arrow_type(column: Column) -> pa.DataType:
    if column.dtype == "enum":
        return pa.dictionary(_INDEX_TYPE, pa.string(), ordered=column.ordered)
    return pa.int64() if column.dtype == "integer" else pa.string()


def field_metadata(column: Column) -> dict[bytes, bytes]:
    metadata = {b"description": column.description.encode()}
    if column.enum:
        metadata[b"levels"] = json.dumps(column.levels).encode()
    if column.derived:
        metadata[b"derived"] = b"true"
    return metadata


def arrow_schema(table: Table) -> pa.Schema:
    fields = [
        pa.field(column.name, arrow_type(column), nullable=column.nullable, metadata=field_metadata(column))
        for column in table.columns
    ]
    return pa.schema(
        fields,
        metadata={
            b"table": table.name.encode(),
            b"description": table.description.encode(),
            b"primary_key": json.dumps(list(table.primary_key)).encode(),
            b"dataset_version": about.__version__.encode(),
        },
    )


def _array(column: Column, values: list[Any]) -> pa.Array:
    if column.enum:
        # The dictionary holds every level in the model's order, used or not, so a loaded
        # categorical knows all of them.
        positions = {level: index for index, level in enumerate(column.levels)}
        indices = pa.array([None if value is None else positions[value] for value in values], _INDEX_TYPE)
        return pa.DictionaryArray.from_arrays(indices, pa.array(column.levels, pa.string()), ordered=column.ordered)
    return pa.array(values, arrow_type(column))


def arrow_table(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    """The rows of a table, sorted by primary key, as an Arrow table with the model's schema."""
    rows = sorted(rows, key=lambda row: tuple(row[key] for key in table.primary_key))
    schema = arrow_schema(table)
    arrays = [_array(column, [row.get(column.name) for row in rows]) for column in table.columns]
    return pa.Table.from_arrays(arrays, schema=schema)
