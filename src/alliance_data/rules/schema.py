"""The pandera schema of each table, derived from its model: types, nullability, the column
constraints (`columns.py`) and the key's uniqueness. It checks the columns on one machine; the
rules across rows and tables are queries (`catalog.py`)."""

from __future__ import annotations

import pandas as pd
import pyarrow
import pyarrow.compute as pc

from ..codebook import plain_text
from ..codebook.registry import Table
from .columns import constraints, pandera_check
from .pandera_import import without_pyspark

# pandera would import pyspark (seconds) only to register a backend one machine never uses.
with without_pyspark():
    import pandera.pandas as pa

# Arrow-backed text columns: pandera's pattern, set and null checks then run in Arrow's C++
# kernels instead of one Python call per value.
TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
PANDAS_TYPES = {pyarrow.int64(): pd.Int64Dtype(), pyarrow.string(): TEXT}


def _plain(values: pd.Series) -> pd.Series:
    """Each value is plain text of our own (plain_text.py), checked in Arrow's regex engine."""
    array = pyarrow.array(values, pyarrow.string())
    hidden = pc.match_substring_regex(array, plain_text.refused_pattern())
    shown = pc.match_substring_regex(array, plain_text.visible_class())
    ok = pc.fill_null(pc.and_(pc.invert(hidden), shown), True)
    return pd.Series(ok.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def table_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of a table's columns."""
    columns = {
        column.name: pa.Column(
            "Int64" if column.dtype == "integer" else TEXT,
            [pandera_check(pa, check, parameter, _plain) for check, parameter in constraints(column)],
            nullable=column.nullable,
            description=column.description,
        )
        for column in table.columns
    }
    return pa.DataFrameSchema(
        columns, unique=list(table.primary_key), strict=True, name=table.name, description=table.description
    )


def frame(table: Table, arrow_table: pyarrow.Table) -> pd.DataFrame:
    """A table as pandera checks it: its columns in order, Arrow-backed (index = row position)."""
    return arrow_table.select(table.column_names).to_pandas(types_mapper=PANDAS_TYPES.get)
