"""Whether every format of a release holds the same rows: each table's CSV and SQLite table
against its Parquet file.

Checksums only say a file is the one its records name; a release whose files and records were
all rewritten together (a forged statement in alliance.db beside the true Parquet and CSV, two
Parquet files swapped) passes them. Here each format is read back into the Parquet file's
types, sorted by the table's primary key, and compared, one table at a time (so memory is
bounded by the largest table).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..exports.csv import plain, read_csv

DATABASE_FILE = "alliance.db"


def _sorted(table: pa.Table, key: list[str]) -> pa.Table:
    return table.sort_by([(column, "ascending") for column in key])


def _first_difference(expected: pa.Table, actual: pa.Table, key: list[str]) -> str:
    """The first key whose row differs (tables of the same columns, sorted by key)."""
    if expected.num_rows != actual.num_rows:
        lead = f"{actual.num_rows} rows, the Parquet file {expected.num_rows}"
    else:
        lead = "other values"
    batch = 1024
    for start in range(0, max(expected.num_rows, actual.num_rows), batch):
        ours, theirs = expected.slice(start, batch).to_pylist(), actual.slice(start, batch).to_pylist()
        for row, other in zip(ours, theirs, strict=False):
            if row != other:
                where = "/".join(str(row[c]) for c in key)
                column = next((c for c in row if row[c] != other.get(c)), None)
                return f"{lead}; first difference at key {where!r} (column {column!r})"
        if len(ours) != len(theirs):
            extra = (ours if len(ours) > len(theirs) else theirs)[min(len(ours), len(theirs))]
            return f"{lead}; first difference at key {'/'.join(str(extra[c]) for c in key)!r}"
    return lead


def _sqlite_table(connection: sqlite3.Connection, name: str, schema: pa.Schema) -> pa.Table:
    columns = ", ".join(f"[{field.name}]" for field in schema)
    rows = connection.execute(f"SELECT {columns} FROM [{name}]").fetchall()
    values: list[list[Any]] = [[row[i] for row in rows] for i in range(len(schema))]
    return pa.table([pa.array(column, field.type) for column, field in zip(values, schema, strict=True)], schema=schema)


def _table_names(manifest: dict[str, Any]) -> list[tuple[str, list[str], str, str]]:
    """(name, primary key, Parquet path, CSV path) of each table the manifest lists."""
    return [
        (entry["name"], list(entry["primary_key"]), entry["files"]["parquet"]["path"], entry["files"]["csv"]["path"])
        for entry in manifest["tables"]
    ]


def _compare(label: str, read: Callable[[], pa.Table], expected: pa.Table, key: list[str], parquet: str) -> str | None:
    """Why the table `read` gives differs from the Parquet rows `expected` (None when it does not)."""
    try:
        actual = read()
    except (OSError, pa.ArrowException, sqlite3.Error, ValueError, TypeError, OverflowError) as error:
        return f"{label}: does not hold the columns of {parquet} ({str(error)[:200]})"
    names = expected.schema.names
    if actual.schema.names != names:
        return f"{label}: has columns {actual.schema.names[:20]}, {parquet} {names[:20]}"
    actual = _sorted(actual.cast(expected.schema).replace_schema_metadata(None), key)
    if not actual.equals(expected):
        return f"{label}: other rows than {parquet}: {_first_difference(expected, actual, key)}"
    return None


def _parquet_rows(path: Path, name: str, key: list[str]) -> tuple[pa.Table | None, str | None]:
    """The Parquet file's rows in its plain types, sorted by key; or why they cannot be."""
    try:
        table = plain(pq.read_table(path)).replace_schema_metadata(None)
    except (OSError, pa.ArrowException) as error:
        return None, f"{path}: cannot be read as Parquet ({error})"
    if not key or not set(key) <= set(table.schema.names):
        return None, f"{path}: lacks the primary key {key} of table {name}: it holds another table"
    return _sorted(table, key), None


def format_problems(directory: Path, manifest: dict[str, Any]) -> list[str]:
    """Every table whose CSV or SQLite rows differ from its Parquet rows, with the first key
    that differs; [] when all formats agree."""
    try:
        tables = _table_names(manifest)
    except (KeyError, TypeError):
        return [f"{directory / 'manifest.json'}: lacks the tables (name, primary key, files) of a manifest"]
    problems: list[str] = []
    database = directory / DATABASE_FILE
    try:
        connection = sqlite3.connect(f"file:{database.resolve()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        return [f"{database}: cannot be opened as SQLite ({error})"]
    try:
        for name, key, parquet_path, csv_path in tables:
            expected, problem = _parquet_rows(directory / parquet_path, name, key)
            if expected is None:
                problems.append(str(problem))
                continue
            schema = expected.schema
            problems += filter(
                None,
                (
                    _compare(
                        str(directory / csv_path),
                        functools.partial(read_csv, directory / csv_path, schema),
                        expected,
                        key,
                        parquet_path,
                    ),
                    _compare(
                        f"{database} table {name}",
                        functools.partial(_sqlite_table, connection, name, schema),
                        expected,
                        key,
                        parquet_path,
                    ),
                ),
            )
    finally:
        connection.close()
    return problems
