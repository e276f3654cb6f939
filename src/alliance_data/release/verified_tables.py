"""The tables of a build or release directory, read only once checked against its manifest.

`diff` and `release` compute changes, version bumps and release notes from these tables: each
Parquet file is read once, its size compared with the manifest's before it is hashed, its
SHA-256 compared, and the bytes that were hashed are the ones parsed; then its columns, rows and
primary key must be the ones the manifest records for the table (a file with the right checksum
can still hold another table when the manifest was rewritten with it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..problems import AllianceDataError
from .bounded_json import read_json
from .checksums import _name_problem, _not_regular, problem_report

FIX = "build it again (alliance-data build), or download the release again"


class DamagedTables(AllianceDataError):
    """A build or release directory whose tables disagree with its manifest."""


def _entries(directory: Path, manifest: Any) -> list[tuple[str, list[str], list[str], int, dict[str, Any]]]:
    """(name, columns, primary key, rows, Parquet file record) of each table of the manifest."""
    try:
        return [
            (
                str(t["name"]),
                [str(c["name"]) for c in t["columns"]],
                [str(k) for k in t["primary_key"]],
                int(t["rows"]),
                dict(t["files"]["parquet"]),
            )
            for t in manifest["tables"]
        ]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise DamagedTables(
            f"{directory / 'manifest.json'}: lacks the tables (name, columns, primary key, rows, Parquet file) "
            f"of a manifest; fix: {FIX}"
        ) from None


def _table(directory: Path, name: str, columns: list[str], key: list[str], rows: int, file: dict) -> pa.Table | str:
    """The table, or why it cannot be trusted."""
    relative = str(file.get("path"))
    if why := _name_problem(relative):
        return f"manifest.json: table {name}: {relative[:200]!r} {why}"
    path = directory / relative
    if why := _not_regular(path, directory):
        return f"{path}: {why}"
    size = path.stat().st_size
    if size != file.get("bytes"):
        return f"{path}: {size} bytes; the manifest records {file.get('bytes')}"
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"{path}: cannot be read ({error.strerror})"
    if hashlib.sha256(data).hexdigest() != str(file.get("sha256")).lower():
        return f"{path}: SHA-256 differs from the manifest's (changed or truncated)"
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (OSError, pa.ArrowException) as error:
        return f"{path}: not a Parquet file ({str(error)[:200]})"
    if table.column_names != columns:
        return f"{path}: holds the columns {table.column_names[:12]}, not those of table {name}: {columns[:12]}"
    if table.num_rows != rows:
        return f"{path}: holds {table.num_rows} rows; the manifest records {rows} for table {name}"
    recorded = (table.schema.metadata or {}).get(b"primary_key")
    try:
        same_key = recorded is not None and json.loads(recorded) == key
    except ValueError:
        same_key = False
    if not same_key:
        return f"{path}: its primary key is not {key}, the one the manifest records for table {name}"
    return table


def read_verified_tables(directory: Path) -> dict[str, pa.Table]:
    """Every table of the build or release in `directory`, by name; DamagedTables listing each
    file that disagrees with the manifest."""
    try:
        manifest = read_json(directory / "manifest.json", "manifest")
    except FileNotFoundError:
        raise DamagedTables(f"{directory / 'manifest.json'}: not found; fix: {FIX}") from None
    tables: dict[str, pa.Table] = {}
    problems: list[str] = []
    for name, columns, key, rows, file in _entries(directory, manifest):
        result = _table(directory, name, columns, key, rows, file)
        if isinstance(result, str):
            problems.append(result)
        else:
            tables[name] = result
    if problems:
        raise DamagedTables(problem_report(directory, problems, FIX))
    return tables
