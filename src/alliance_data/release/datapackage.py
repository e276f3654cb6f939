"""The Frictionless Data Package descriptor (datapackage.json) of a release.

Each CSV file is a tabular resource with its full Table Schema (types, descriptions,
constraints, enumerations, primary and foreign keys), so `frictionless validate` checks
every row. The Parquet files and the SQLite database are file resources with bytes and
hash only: frictionless 5 cannot check a Parquet resource that has both a schema and a hash.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import about
from ..columns import Column
from ..registry import TABLES, Table
from .checksums import sha256

DESCRIPTOR_FILE = "datapackage.json"
OTHER_FILES = {
    "manifest.json": "Row counts, columns, checksums and the environment that built the release.",
    "codebook.md": "Every table, column, type, level and description.",
    "RELEASE_NOTES.md": "What changed since the previous release, by stable id.",
    "argument-map.svg": "The article's argument by topic, drawn from claim_links.",
    "argument-map-claims.svg": "The article's argument claim by claim, drawn from claim_links.",
}


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
        constraints["enum"] = column.levels
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
    return {
        "fields": [field(column) for column in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
        "foreignKeys": [
            {"fields": key.column, "reference": {"resource": key.table, "fields": key.other_column}}
            for key in table.foreign_keys
        ],
    }


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
                "name": f"{table.name}-parquet",
                **_file(directory, f"{table.name}.parquet"),
                "type": "file",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": f"The {table.name} table as Parquet (typed, with column descriptions).",
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
    for path in sorted(p for p in directory.iterdir() if p.is_file()):
        if path.name not in described:
            resources.append(
                {
                    "name": path.stem.lower().replace("_", "-"),
                    **_file(directory, path.name),
                    "type": "file",
                    "format": path.suffix.lstrip("."),
                    "description": OTHER_FILES.get(path.name, path.name),
                }
            )
    return {
        "profile": "data-package",
        "name": about.NAME,
        "title": about.TITLE,
        "description": about.DESCRIPTION,
        "version": version,
        "homepage": about.HOMEPAGE,
        "licenses": [
            {
                "name": about.LICENSE,
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": about.LICENSE_TITLE,
            }
        ],
        "sources": [
            {
                "title": f"{source['title']} ({source['author']})",
                "path": source["url"] or "",
                "description": source["note"] or "",
            }
        ],
        "contributors": [{"title": "alliance-data contributors", "role": "author"}],
        "keywords": ["Iran", "Russia", "alliance", "claims", "international relations"],
        "resources": resources,
    }


def write_descriptor(directory: Path, version: str, source: dict) -> Path:
    path = directory / DESCRIPTOR_FILE
    text = json.dumps(descriptor(directory, version, source), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
