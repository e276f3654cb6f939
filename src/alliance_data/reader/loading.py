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
        document = json.loads(_resource(_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise PackagedDataError(
            f"the packaged manifest is missing or unreadable ({str(error)[:200]}); reinstall alliance-data"
        ) from None
    _check_manifest(document)
    return document


def _check_manifest(document: Any) -> None:
    """PackagedDataError unless the manifest has the fields every reader of it relies on."""
    fields = ("name", "version", "license", "citation")
    if not isinstance(document, dict) or not all(isinstance(document.get(f), str) for f in fields):
        raise _damaged(f"manifest.json lacks the {', '.join(fields)} of the dataset")
    tables = document.get("tables")
    if not isinstance(tables, list) or not all(
        isinstance(t, dict)
        and isinstance(t.get("name"), str)
        and isinstance(t.get("description"), str)
        and isinstance(t.get("columns"), list)
        and all(isinstance(c, dict) and isinstance(c.get("name"), str) for c in t["columns"])
        for t in tables
    ):
        raise _damaged("manifest.json has no list of tables, each with its name, description and columns")


def unknown_name_message(what: str, name: str, known: list[str]) -> str:
    """`unknown table 'x'`, with the nearest known name when one is close, then every name."""
    import difflib

    near = difflib.get_close_matches(name, known, n=1) if isinstance(name, str) else []
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


BACKENDS = ("pandas", "polars")


def _bare(version: str | None) -> str | None:
    """'1.0.0' from '1.0.0' or 'v1.0.0', as every command reads a version."""
    from ..about import bare_version

    return None if version is None else bare_version(version)


def citation(version: str | None = None) -> str:
    """How to cite a version of the dataset: this package's (the default), or a release published
    before it, as that release cites itself; ReleaseFetchError for a version that is neither."""
    from .. import about

    version = _bare(version)
    if _installed(version):
        return about.citation(manifest()["version"])
    from .remote import release_entry

    return release_entry(version).get("citation") or about.citation(version)


def _installed(version: str | None) -> bool:
    """Whether `version` means the data shipped in this package (None: yes)."""
    return version is None or version == manifest()["version"]


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(unknown_name_message("backend", backend, list(BACKENDS)))
    if backend == "polars":
        from ..extras import require

        require("polars", "load(backend='polars')")


def _arrow_table(name: str, version: str | None, base_url: str | None):
    """The table as Arrow and the manifest-style attributes of its version."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    info = manifest()
    if _installed(version):
        entry = _table_entry(name)
        table = pq.read_table(pa.BufferReader(_verified_bytes(_file_entry(entry, "parquet"))))
        expected = [column["name"] for column in entry["columns"]]
        if table.column_names != expected:
            raise PackagedDataError(f"packaged table {name} has columns {table.column_names}, expected {expected}")
        return table, _arrow_table_attrs(name)
    from .remote import fetch, release_entry

    tables = release_entry(version).get("tables", {})
    if name not in tables:
        raise UnknownTableError(unknown_name_message("table", name, list(tables)))
    table = pq.read_table(pa.BufferReader(fetch(version, f"{name}.parquet", base_url)))
    metadata = table.schema.metadata or {}
    attrs = {
        "table": name,
        "description": metadata.get(b"description", b"").decode(),
        "dataset": info["name"],
        "version": version,
        "license": info["license"],
        "citation": release_entry(version).get("citation", ""),
    }
    return table, attrs


def _to_polars(table):
    """A polars DataFrame whose enumerations are `pl.Enum` in the codebook's order."""
    import polars as pl

    frame = pl.from_arrow(table)
    casts = {}
    for field in table.schema:
        levels = (field.metadata or {}).get(b"levels")
        if levels is not None:
            casts[field.name] = pl.Enum(json.loads(levels))
    return frame.with_columns(pl.col(column).cast(dtype) for column, dtype in casts.items())


def load(name: str, version: str | None = None, backend: str = "pandas", base_url: str | None = None):
    """One table as a typed DataFrame.

    With the default pandas backend, enumerations are categoricals carrying every level in the
    codebook's order (ordered for certainty and time frame), integers are nullable (Int64),
    text is pandas' string dtype, and `df.attrs` carries the table, the dataset version and how
    to cite it. With `backend="polars"`, enumerations are `pl.Enum` in the codebook's order;
    polars frames carry no attributes, so `table_attrs(name, version)` gives the same ones.

    `version` loads another published release: its file is fetched from `base_url` (or the
    environment variable ALLIANCE_DATA_BASE_URL), cached, and checked against the SHA-256 the
    packaged release index records (see `alliance_data.reader.remote`).
    """
    version = _bare(version)
    _check_backend(backend)
    table, attrs = _arrow_table(name, version, base_url)
    if backend == "polars":
        return _to_polars(table)
    import pandas as pd
    import pyarrow as pa

    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    frame.attrs = attrs
    return frame


def table_attrs(name: str, version: str | None = None, base_url: str | None = None) -> dict[str, str]:
    """What `load(name, version).attrs` holds (table, description, version, licence, citation),
    for backends whose frames carry no attributes."""
    version = _bare(version)
    if _installed(version):
        return _arrow_table_attrs(name)
    return _arrow_table(name, version, base_url)[1]


def _arrow_table_attrs(name: str) -> dict[str, str]:
    entry, info = _table_entry(name), manifest()
    return {
        "table": name,
        "description": entry["description"],
        "dataset": info["name"],
        "version": info["version"],
        "license": info["license"],
        "citation": info["citation"],
    }


def load_all(version: str | None = None, backend: str = "pandas", base_url: str | None = None) -> dict:
    """Every table, by name, as `load` gives it."""
    version = _bare(version)
    _check_backend(backend)
    if _installed(version):
        names = tables()
    else:
        from .remote import release_entry

        names = list(release_entry(version).get("tables", {}))
    return {name: load(name, version, backend, base_url) for name in names}


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
    file = _file_entry(manifest(), "database")
    _verified_bytes(file)
    return str(_resource(file["path"]))
