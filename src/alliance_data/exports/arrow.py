"""The Arrow form of each table: the typed, in-memory table every file format is written from."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

from .. import about
from ..codebook.columns import Column
from ..codebook.registry import Table

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


def _encoded(column: Column, values: pa.ChunkedArray) -> pa.Array:
    # The dictionary holds every level in the model's order, used or not, so a loaded
    # categorical knows all of them.
    levels = pa.array(column.levels, pa.string())
    indices = pc.index_in(values, value_set=levels)
    if indices.null_count != values.null_count:
        unknown = pc.filter(values, pc.and_(pc.is_null(indices), pc.is_valid(values)))[0].as_py()
        raise ValueError(f"{column.name}: {unknown!r} is not one of {column.levels} (validate before exporting)")
    return pa.DictionaryArray.from_arrays(indices.combine_chunks().cast(_INDEX_TYPE), levels, ordered=column.ordered)


def key_order(table: Table, rows: pa.Table) -> pa.Array | None:
    """The row indices that sort `rows` by the table's primary key (a key of levels sorted by
    its text); None when they already are in that order. Tables are mostly authored and
    generated in key order, and taking a million claims in an order they already have copies
    every value (benchmarks/NOTES.md)."""
    order = pc.sort_indices(rows, sort_keys=[(key, "ascending") for key in table.primary_key])
    if len(order) < 2 or pc.all(pc.greater(order[1:], order[:-1])).as_py():
        return None  # strictly increasing indices of every row: each row where it stands
    return order


def in_key_order(table: Table, plain: pa.Table) -> pa.Table:
    """The table's columns in model order, its rows sorted by primary key: the published order."""
    plain = plain.select(table.column_names)
    order = key_order(table, plain)
    return plain if order is None else plain.take(order)


def typed_table(table: Table, plain: pa.Table) -> pa.Table:
    """A validated plain table in its published form: sorted by primary key, enumerations
    dictionary-encoded, the model's schema and descriptions attached."""
    plain = in_key_order(table, plain)
    arrays = [
        _encoded(column, plain[column.name]) if column.enum else plain[column.name].cast(arrow_type(column))
        for column in table.columns
    ]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))
