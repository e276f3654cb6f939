"""Loading the packaged tables: light, offline, verified.

Imports nothing heavy at module level: pandas and pyarrow are imported when a table is
loaded, and pydantic, pandera and datasette never are. Everything `load()` needs to know
(tables, columns, levels, checksums, citation) is in the packaged manifest.json.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_DATA = "data"
_MANIFEST = "manifest.json"


class UnknownTableError(KeyError):
    """A table name that is not in the dataset."""

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownSourceError(KeyError):
    """A source id that is not in the dataset."""

    def __str__(self) -> str:
        return str(self.args[0])


class PackagedDataError(RuntimeError):
    """The data inside the installed package is missing, truncated or tampered with."""


def _resource(name: str):
    return files("alliance_data").joinpath(_DATA, *name.split("/"))


@cache
def manifest() -> dict[str, Any]:
    """The manifest of the packaged data: version, citation, tables, columns and checksums."""
    try:
        return json.loads(_resource(_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PackagedDataError(
            f"the packaged manifest is missing or unreadable ({error}); reinstall alliance-data"
        ) from error


def _table_entry(name: str) -> dict[str, Any]:
    tables = {entry["name"]: entry for entry in manifest()["tables"]}
    if name not in tables:
        raise UnknownTableError(f"unknown table {name!r}; the tables are: {', '.join(tables)}")
    return tables[name]


def tables() -> list[str]:
    """The names of the dataset's tables."""
    return [entry["name"] for entry in manifest()["tables"]]


def _verified_bytes(file: dict[str, Any]) -> bytes:
    data = _resource(file["path"]).read_bytes()
    if len(data) != file["bytes"] or hashlib.sha256(data).hexdigest() != file["sha256"]:
        raise PackagedDataError(
            f"packaged file {file['path']} does not match its checksum in manifest.json "
            f"({len(data)} bytes, expected {file['bytes']}): it is truncated or was changed; reinstall alliance-data"
        )
    return data


def load(name: str) -> pd.DataFrame:
    """One table as a typed pandas DataFrame.

    Enumerations are categoricals carrying every level in the codebook's order (ordered
    for certainty and time frame), integers are nullable (Int64), text is pandas' string
    dtype. `df.attrs` carries the dataset version and how to cite it.
    """
    entry = _table_entry(name)
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(_verified_bytes(entry["files"]["parquet"])))
    expected = [column["name"] for column in entry["columns"]]
    if table.column_names != expected:
        raise PackagedDataError(f"packaged table {name} has columns {table.column_names}, expected {expected}")
    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    info = manifest()
    frame.attrs = {
        "table": name,
        "description": entry["description"],
        "dataset": info["name"],
        "version": info["version"],
        "license": info["license"],
        "citation": info["citation"],
    }
    return frame


def describe(name: str) -> pd.DataFrame:
    """The columns of a table: name, type, nullability, levels and description."""
    import pandas as pd

    columns = _table_entry(name)["columns"]
    return pd.DataFrame(
        {
            "column": [column["name"] for column in columns],
            "type": [column["type"] for column in columns],
            "nullable": [column["nullable"] for column in columns],
            "levels": [", ".join(column.get("levels", [])) or None for column in columns],
            "description": [column["description"] for column in columns],
        }
    )


def source_text(source_id: str) -> str:
    """The full text of a source, exactly as the claims' offsets index it, verified against its
    checksum: `claim.quote == source_text(claim.source_id)[claim.char_start:claim.char_end]`.

    The text is the author's, not under the dataset's licence; it ships unchanged only so that
    every quote can be verified (see `status` in the manifest's `source_texts`).
    """
    entries = manifest().get("source_texts")
    if entries is None:
        raise PackagedDataError("the packaged manifest lists no source texts; reinstall alliance-data")
    by_id = {entry["source_id"]: entry for entry in entries}
    if source_id not in by_id:
        raise UnknownSourceError(f"unknown source {source_id!r}; the sources are: {', '.join(by_id)}")
    try:
        data = _verified_bytes(by_id[source_id])
    except OSError as error:
        raise PackagedDataError(
            f"packaged source text {by_id[source_id]['path']} is missing ({error}); reinstall alliance-data"
        ) from error
    return data.decode("utf-8")


def database_path() -> str:
    """Path of the packaged SQLite database, verified against its checksum."""
    file = manifest()["database"]
    _verified_bytes(file)
    return str(_resource(file["path"]))
