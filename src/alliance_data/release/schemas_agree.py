"""Whether the schemas a release carries are the ones the models derive: the Table Schema of
each CSV resource in datapackage.json, the CREATE TABLE statement of each table in alliance.db,
and each Parquet file's schema.

The package holds the models of its own version only, so they can re-derive the schemas of a
release of its major version from its own version on (a newer one in that major must match too:
upgrade the package to verify a release it does not know). An older release is pinned instead by
the checksums of its files in the index shipped with the package, written when it was cut with
the models of its day; a release of another major that the package does not know is checked
only against itself (its formats agree, see formats_agree.py). docs/releases.md says so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import about
from ..codebook.registry import TABLES
from ..exports.arrow import arrow_schema
from ..exports.sqlite import table_ddl
from .datapackage import PARQUET_SUFFIX, table_schema
from .diff import semantic_version
from .formats_agree import DATABASE_FILE


def derivable(version: str) -> bool:
    """Whether this package's models derive the schemas of release `version`."""
    ours, theirs = semantic_version(about.__version__), semantic_version(version)
    return theirs[0] == ours[0] and theirs >= ours


def _without_version(schema: pa.Schema) -> pa.Schema:
    """The schema without the version that wrote it (the manifest's version is checked)."""
    return schema.with_metadata({k: v for k, v in (schema.metadata or {}).items() if k != b"dataset_version"})


def _parquet_schema(directory: Path, name: str) -> pa.Schema | None:
    try:
        return pq.read_schema(directory / f"{name}.parquet")
    except (OSError, pa.ArrowException):
        return None  # reported by the check of the formats


def schema_problems(directory: Path, version: str, package: dict[str, Any]) -> list[str]:
    """How the release's schemas differ from the ones the models derive (for a version the
    models derive; see `derivable`)."""
    problems: list[str] = []
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        return [f"{directory / 'datapackage.json'}: lacks the resources of a data package"]
    described = {r.get("name"): r.get("schema") for r in resources if isinstance(r, dict) and "schema" in r}
    # Each table is described twice: its CSV file (the tabular resource) and its Parquet file,
    # which carries the same Table Schema (release/datapackage.py).
    expected_names = [name for table in TABLES for name in (table.name, f"{table.name}{PARQUET_SUFFIX}")]
    if sorted(map(str, described)) != sorted(expected_names):
        problems.append(
            f"{directory / 'datapackage.json'}: describes the tables {sorted(map(str, described))}; the models of "
            f"alliance-data {about.__version__} derive {sorted(expected_names)}"
        )
    try:
        connection = sqlite3.connect(f"file:{(directory / DATABASE_FILE).resolve()}?mode=ro&immutable=1", uri=True)
        try:
            statements = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        finally:
            connection.close()
    except sqlite3.Error as error:
        statements = {}
        problems.append(f"{directory / DATABASE_FILE}: cannot be read as SQLite ({error})")
    for table in TABLES:
        for name in (table.name, f"{table.name}{PARQUET_SUFFIX}"):
            if name in described and described[name] != table_schema(table):
                problems.append(
                    f"{directory / 'datapackage.json'}: the Table Schema of {name} is not the one the models derive"
                )
        if statements and statements.get(table.name) != table_ddl(table):
            problems.append(f"{directory / DATABASE_FILE}: table {table.name} is not created as the models derive it")
        found = _parquet_schema(directory, table.name)
        if found is not None and not _without_version(found).equals(_without_version(arrow_schema(table)), True):
            problems.append(f"{directory / table.name}.parquet: its schema is not the one the models derive")
    return problems
