"""The pandera pyspark schema of each table, derived from the same column specs as the
single-machine schema (`alliance_data.rules.table_schema`): types, nullability, enumerations,
patterns, lengths, ranges and primary-key uniqueness.

pandera's pyspark backend reports which check failed on which column, not which rows; each
check here carries the Spark condition that picks its failing rows, so a failure can be
traced to its records (`failing_rows`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import plain_text
from ..columns import Column
from ..registry import Table
from .pandera_spark import import_pandera_pyspark

NOT_NULLABLE = "not_nullable"  # pandera's own name for the nullability check
UNIQUE = "unique"  # and for the uniqueness of `unique` columns


@dataclass(frozen=True)
class ColumnCheck:
    """One check of a column: its name, pandera's check, and the condition its failing rows meet."""

    name: str
    check: Any
    fails: Callable[[Any], Any]  # Spark column of the values -> Spark boolean column


def column_checks(column: Column) -> list[ColumnCheck]:
    """The value checks of a column, as `alliance_data.rules` names them (null values pass; nullability is separate)."""
    from pyspark.sql import functions as F

    pa = import_pandera_pyspark()
    checks = []
    if column.enum:
        levels = column.levels
        checks.append(ColumnCheck("enum", pa.Check.isin(levels, name="enum", error="enum"), lambda v: ~v.isin(levels)))
    if column.pattern:
        pattern = column.pattern
        checks.append(
            ColumnCheck(
                "pattern", pa.Check.str_matches(pattern, name="pattern", error="pattern"), lambda v: ~v.rlike(pattern)
            )
        )
    if column.min_length:
        least = column.min_length
        check = pa.Check.str_length(min_value=least, name="min_length", error="min_length")
        checks.append(ColumnCheck("min_length", check, lambda v: F.length(v) < least))
    if column.max_length:
        most = column.max_length
        check = pa.Check.str_length(max_value=most, name="max_length", error="max_length")
        checks.append(ColumnCheck("max_length", check, lambda v: F.length(v) > most))
    if column.plain:
        # One pattern for Java and the JSON Schema (plain_text.py); Arrow's form differs only in syntax.
        check = pa.Check.str_matches(plain_text.PATTERN, name="plain_text", error="plain_text")
        checks.append(ColumnCheck("plain_text", check, lambda v: ~v.rlike(plain_text.PATTERN)))
    if column.ge is not None:
        low = column.ge
        checks.append(ColumnCheck("ge", pa.Check.ge(low, name="ge", error="ge"), lambda v: v < low))
    if column.le is not None:
        high = column.le
        checks.append(ColumnCheck("le", pa.Check.le(high, name="le", error="le"), lambda v: v > high))
    return checks


def spark_type(column: Column) -> Any:
    import pyspark.sql.types as T

    return T.LongType() if column.dtype == "integer" else T.StringType()


def table_schema(table: Table) -> Any:
    """The pandera pyspark DataFrameSchema of a table."""
    pa = import_pandera_pyspark()
    columns = {
        column.name: pa.Column(
            spark_type(column),
            [check.check for check in column_checks(column)],
            nullable=column.nullable,
            description=column.description,
        )
        for column in table.columns
    }
    return pa.DataFrameSchema(columns, unique=list(table.primary_key), strict=True, name=table.name)


def failing_rows(frame: Any, table: Table, column_name: str | None, check: str) -> Any | None:
    """The rows of `frame` that fail the check pandera named, or None when the check is about
    the whole column (its type, its presence) rather than rows."""
    from pyspark.sql import functions as F

    if check == UNIQUE:
        key = list(table.primary_key)
        duplicated = frame.groupBy(*key).count().filter(F.col("count") > 1).drop("count")
        return frame.join(duplicated, key, "left_semi")
    by_name = {column.name: column for column in table.columns}
    column = by_name.get(column_name or "")
    if column is None or column_name not in frame.columns:
        return None
    if check == NOT_NULLABLE:
        return frame.filter(F.col(column_name).isNull())
    for candidate in column_checks(column):
        if candidate.name == check:
            return frame.filter(F.coalesce(candidate.fails(F.col(column_name)), F.lit(False)))
    return None
