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


class PackagedDataError(RuntimeError):
    """The data inside the installed package is missing, truncated or tampered with."""


def _resource(name: str):
    return files("alliance_data").joinpath(_DATA, name)


@cache
def manifest() -> dict[str, Any]:
    """The manifest of the packaged data: version, citation, tables, columns and checksums."""
    try:
        return json.loads(_resource(_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PackagedDataError(
            f"the packaged manifest is missing or unreadable ({error}); reinstall alliance-data"
        ) from error


def unknown_name_message(what: str, name: str, known: list[str]) -> str:
    """`unknown table 'x'`, with the nearest known name when one is close, then every name."""
    import difflib

    near = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return f"unknown {what} {name!r}{hint}; the {what}s are: {', '.join(known)}"


def _damaged(detail: str) -> PackagedDataError:
    return PackagedDataError(f"the packaged data is damaged: {detail}; reinstall alliance-data")


def _table_entry(name: str) -> dict[str, Any]:
    try:
        tables = {entry["name"]: entry for entry in manifest()["tables"]}
    except (KeyError, TypeError) as error:
        raise _damaged(f"manifest.json has no list of tables ({error!r})") from None
    if name not in tables:
        raise UnknownTableError(unknown_name_message("table", name, list(tables)))
    return tables[name]


def _file_entry(entry: dict[str, Any], kind: str) -> dict[str, Any]:
    """The manifest's record of one packaged file: path, bytes and SHA-256."""
    try:
        file = entry["files"][kind] if kind != "database" else entry["database"]
        return {"path": str(file["path"]), "bytes": file["bytes"], "sha256": file["sha256"]}
    except (KeyError, TypeError) as error:
        label = "the database" if kind == "database" else f"table {entry.get('name')!r}"
        raise _damaged(f"manifest.json records no {kind} file for {label} ({error!r} missing)") from None


def tables() -> list[str]:
    """The names of the dataset's tables."""
    return [entry["name"] for entry in manifest()["tables"]]


def _verified_bytes(file: dict[str, Any]) -> bytes:
    try:
        data = _resource(file["path"]).read_bytes()
    except OSError as error:
        raise _damaged(f"packaged file {file['path']} cannot be read ({error.strerror or error})") from None
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

    table = pq.read_table(pa.BufferReader(_verified_bytes(_file_entry(entry, "parquet"))))
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


def database_path() -> str:
    """Path of the packaged SQLite database, verified against its checksum."""
    file = _file_entry(manifest(), "database")
    _verified_bytes(file)
    return str(_resource(file["path"]))
