"""The Frictionless Data Package descriptor (datapackage.json) of a release.

Each CSV file is a tabular resource with its full Table Schema (types, descriptions,
constraints, enumerations, primary and foreign keys), so `frictionless validate` checks
every row. Each Parquet file is a file resource with the same schema, which describes it but is
not checked: frictionless 5 reads neither a Parquet file's byte count (so its `bytes` and
`hash` fail) nor a missing integer (it reads NaN) when it reads one as a table. Every other file
is a file resource with its media type written here, never guessed from its name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .. import about
from ..codebook.columns import Column
from ..codebook.registry import TABLES, Table
from .checksums import sha256

# The name of a table's Parquet resource: the table's name and this (its CSV resource has the name alone).
PARQUET_SUFFIX = "-parquet"

DESCRIPTOR_FILE = "datapackage.json"
OTHER_FILES = {
    "manifest.json": "Row counts, columns, checksums and the environment that built the release.",
    "codebook.md": "Every table, column, type, level and description.",
    "RELEASE_NOTES.md": "What changed since the previous release, by stable id.",
    "argument-map.svg": "The article's argument by topic, drawn from claim_links.",
    "argument-map-claims.svg": "The article's argument claim by claim, drawn from claim_links.",
    "alliance-data.xlsx": "Every table as a sheet of one workbook, with a codebook sheet (for spreadsheet users).",
    "CITATION.cff": "How to cite this version (Citation File Format 1.2.0).",
    "zenodo.json": "Zenodo deposit metadata of this version (.zenodo.json in the repository).",
    "LICENSE": "The licences: CC BY 4.0 for the data, MIT for the code; the source text is the author's.",
    "LICENSE-DATA.md": "The data licence (CC BY 4.0) and what it does not cover.",
    "README.md": "The dataset card (Hugging Face format: one configuration per table).",
    "croissant.json": "Croissant 1.1 metadata with Responsible AI fields and one record set per table.",
    "annotations.jsonld": "Every claim and link as a W3C Web Annotation on the source text.",
    "argument-graph.json": "The argument graph in the Argument Interchange Format (xAIF JSON).",
    "brat/annotation.conf": "The annotation types of the BRAT standoff files.",
    "duckdb/ordered.sql": "DuckDB views over the Parquet files with every enumeration an ENUM in the codebook's "
    "order (run from the release folder: duckdb -init duckdb/ordered.sql).",
    "alliance.metadata.json": "Datasette metadata for the database alone: datasette alliance.db -m "
    "alliance.metadata.json.",
    "docs/curation.md": "The curation guide: how claims were segmented and coded.",
    "docs/reliability.md": "Agreement between two codings of the claims and links, with every decision.",
}

# Media types by file name ending (IANA registrations where there is one). The xlsx must not be
# guessed: a guess gives the legacy Excel type.
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".db": "application/vnd.sqlite3",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".md": "text/markdown",
    ".svg": "image/svg+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".cff": "application/yaml",
    ".txt": "text/plain",
    ".html": "text/html",
    ".ann": "text/plain",
    ".conf": "text/plain",
    ".dta": "application/x-stata-dta",
    ".sql": "application/sql",
    "LICENSE": "text/plain",
}


def media_type(path: str) -> str:
    """The media type of a release file; KeyError for a kind of file this module does not know
    (add it to MEDIA_TYPES), so no file is published with a guessed type."""
    name = Path(path).name
    return MEDIA_TYPES[name] if name in MEDIA_TYPES else MEDIA_TYPES[Path(name).suffix]


def _resource_name(path: str) -> str:
    """A resource name the profile accepts (lower case, digits, '-', '_', '.'), unique per path."""
    return re.sub(r"[^a-z0-9._-]+", "-", path.lower()).strip("-.")


def _other_description(path: str) -> str:
    if path in OTHER_FILES:
        return OTHER_FILES[path]
    folder, _, name = path.partition("/")
    from .sources import describe_source_file

    if folder == "sources":
        return describe_source_file(path)
    if folder == "brat":
        kind = "text, byte for byte" if name.endswith(".txt") else "claims, attributes and links (standoff)"
        return f"BRAT standoff: the source {Path(name).stem}'s {kind}."
    if folder == "stata":
        return f"The {Path(name).stem} table as a Stata 14+ file (format 118) with variable and value labels."
    return path


def field(column: Column) -> dict:
    descriptor: dict = {
        "name": column.name,
        "type": "integer" if column.dtype == "integer" else "string",
        "description": column.description,
    }
    constraints: dict = {}
    if not column.nullable:
        constraints["required"] = True
    if column.enum:
        # `enum` is what validators check; `categories` (Data Package v2) carries the codebook's
        # order to the readers that know it, ordered for certainty and time frame.
        constraints["enum"] = column.levels
        descriptor["categories"] = column.levels
        descriptor["categoriesOrdered"] = column.ordered
    if column.pattern:
        # Table Schema patterns are implicitly anchored.
        constraints["pattern"] = column.pattern.removeprefix("^").removesuffix("$")
    if column.min_length:
        constraints["minLength"] = column.min_length
    if column.ge is not None:
        constraints["minimum"] = column.ge
    if column.le is not None:
        constraints["maximum"] = column.le
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(table: Table) -> dict:
    schema = {
        "fields": [field(column) for column in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    # The official profile refuses an empty list: a table without foreign keys has none.
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": key.column, "reference": {"resource": key.table, "fields": key.other_column}}
            for key in table.foreign_keys
        ]
    return schema


def _source(source: dict) -> dict:
    described = {"title": f"{source['title']} ({source['author']})"}
    # A source's `path` must be a URL or a relative path: with no known URL there is none.
    if source.get("url"):
        described["path"] = source["url"]
    if source.get("note"):
        described["description"] = source["note"]
    return described


def _file(directory: Path, name: str) -> dict:
    path = directory / name
    return {"path": name, "bytes": path.stat().st_size, "hash": f"sha256:{sha256(path)}"}


def descriptor(directory: Path, version: str, source: dict) -> dict:
    resources = []
    for table in TABLES:
        resources.append(
            {
                "name": table.name,
                **_file(directory, f"{table.name}.csv"),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "schema": table_schema(table),
            }
        )
    for table in TABLES:
        resources.append(
            {
                "name": f"{table.name}{PARQUET_SUFFIX}",
                **_file(directory, f"{table.name}.parquet"),
                "type": "file",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": f"The {table.name} table as Parquet (typed, with column descriptions).",
                "schema": table_schema(table),
            }
        )
    resources.append(
        {
            "name": "database",
            **_file(directory, "alliance.db"),
            "type": "file",
            "format": "sqlite",
            "mediatype": "application/vnd.sqlite3",
            "description": "Every table in one SQLite database with keys, CHECK constraints and full-text search.",
        }
    )
    described = {resource["path"] for resource in resources} | {DESCRIPTOR_FILE, "SHA256SUMS"}
    for path in sorted(item for item in directory.rglob("*") if item.is_file()):
        name = path.relative_to(directory).as_posix()
        if name not in described:
            resources.append(
                {
                    "name": _resource_name(name),
                    **_file(directory, name),
                    "type": "file",
                    "format": path.suffix.lstrip(".") or path.name.lstrip("."),
                    "mediatype": media_type(name),
                    "description": _other_description(name),
                }
            )
    return {
        "profile": "data-package",
        "name": about.NAME,
        "title": about.TITLE,
        "description": about.DESCRIPTION,
        "version": version,
        **({"homepage": about.PUBLIC_BASE_URL} if about.PUBLIC_BASE_URL else {}),
        "licenses": [
            {
                "name": about.LICENSE,
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": about.LICENSE_TITLE,
            }
        ],
        "sources": [_source(source)],
        "contributors": [{"title": "alliance-data contributors", "role": "author"}],
        "keywords": ["Iran", "Russia", "alliance", "claims", "international relations"],
        "resources": resources,
    }


def write_descriptor(directory: Path, version: str, source: dict) -> Path:
    path = directory / DESCRIPTOR_FILE
    text = json.dumps(descriptor(directory, version, source), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
