"""What changed between two versions of the dataset, by stable id, and the version bump it needs.

Removing or renaming a table, a column or an id, removing a level of an enumeration or
changing a table's key needs a major version; adding a table, a column, a level or records a
minor one; changing values of existing records a patch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from packaging.version import InvalidVersion, Version

DETAILED_TABLES = ("claims", "actors", "topics")
BUMPS = ("patch", "minor", "major")


@dataclass
class TableDiff:
    name: str
    added_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)
    retyped_columns: list[str] = field(default_factory=list)
    # column -> levels removed from (or added to) its enumeration
    removed_levels: dict[str, list[str]] = field(default_factory=dict)
    added_levels: dict[str, list[str]] = field(default_factory=dict)
    new_key: list[str] = field(default_factory=list)  # the primary key, when it changed
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # id -> {column: (old, new)}
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (
            self.added_columns
            or self.removed_columns
            or self.retyped_columns
            or self.removed_levels
            or self.added_levels
            or self.new_key
            or self.added
            or self.removed
            or self.changed
        )


@dataclass
class DatasetDiff:
    added_tables: list[str]
    removed_tables: list[str]
    tables: list[TableDiff]

    @property
    def empty(self) -> bool:
        return not self.added_tables and not self.removed_tables and all(t.empty for t in self.tables)

    def required_bump(self) -> str | None:
        if self.empty:
            return None
        if self.removed_tables or any(
            t.removed_columns or t.retyped_columns or t.removed_levels or t.new_key or t.removed for t in self.tables
        ):
            return "major"
        if self.added_tables or any(t.added_columns or t.added_levels or t.added for t in self.tables):
            return "minor"
        return "patch"


def read_tables(directory: Path) -> dict[str, pa.Table]:
    """The tables of a build or release directory, from its Parquet files."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return {entry["name"]: pq.read_table(directory / entry["files"]["parquet"]["path"]) for entry in manifest["tables"]}


def _primary_key(table: pa.Table) -> list[str]:
    return json.loads(table.schema.metadata[b"primary_key"])


def _levels(table: pa.Table) -> dict[str, list[str]]:
    """The enumeration levels of each column that has them (from the field metadata)."""
    return {f.name: json.loads(f.metadata[b"levels"]) for f in table.schema if f.metadata and b"levels" in f.metadata}


def _key(row: dict[str, Any], columns: list[str]) -> str:
    return "/".join(str(row[c]) for c in columns)


def diff_table(name: str, old: pa.Table, new: pa.Table) -> TableDiff:
    result = TableDiff(name)
    old_types = {f.name: str(f.type) for f in old.schema}
    new_types = {f.name: str(f.type) for f in new.schema}
    result.added_columns = [c for c in new_types if c not in old_types]
    result.removed_columns = [c for c in old_types if c not in new_types]
    result.retyped_columns = [c for c in new_types if c in old_types and new_types[c] != old_types[c]]
    old_levels, new_levels = _levels(old), _levels(new)
    for column in sorted(old_levels.keys() & new_levels.keys()):
        if removed := [level for level in old_levels[column] if level not in new_levels[column]]:
            result.removed_levels[column] = removed
        if added := [level for level in new_levels[column] if level not in old_levels[column]]:
            result.added_levels[column] = added
    key = _primary_key(new)
    if old.schema.metadata and b"primary_key" in old.schema.metadata and _primary_key(old) != key:
        result.new_key = key
    old_rows = {_key(r, key): r for r in old.to_pylist()} if set(key) <= set(old_types) else {}
    new_rows = {_key(r, key): r for r in new.to_pylist()}
    result.added = sorted(set(new_rows) - set(old_rows))
    result.removed = sorted(set(old_rows) - set(new_rows))
    shared = [c for c in new_types if c in old_types]
    for row_id in sorted(set(old_rows) & set(new_rows)):
        changes = {
            c: (old_rows[row_id][c], new_rows[row_id][c]) for c in shared if old_rows[row_id][c] != new_rows[row_id][c]
        }
        if changes:
            result.changed[row_id] = changes
    return result


def diff(old: dict[str, pa.Table], new: dict[str, pa.Table]) -> DatasetDiff:
    return DatasetDiff(
        added_tables=[n for n in new if n not in old],
        removed_tables=[n for n in old if n not in new],
        tables=[diff_table(n, old[n], new[n]) for n in new if n in old],
    )


def bump_of(old_version: str, new_version: str) -> str | None:
    """Which part of a semantic version went up ('major', 'minor', 'patch'), or None if it did not."""
    old, new = semantic_version(old_version), semantic_version(new_version)
    if new <= old:
        return None
    if new[0] > old[0]:
        return "major"
    return "minor" if new[1] > old[1] else "patch"


def semantic_version(version: str) -> tuple[int, int, int]:
    """(MAJOR, MINOR, PATCH) of a plain semantic version; ValueError for anything else (a
    prefix, a pre-release or local part, leading zeros), which `packaging` would also accept."""
    try:
        release = Version(version).release
    except InvalidVersion:
        release = ()
    if len(release) != 3 or version != ".".join(map(str, release)):
        raise ValueError(f"{version!r} is not a semantic version MAJOR.MINOR.PATCH")
    return release


def render(result: DatasetDiff, old_label: str, new_label: str) -> str:
    """Release notes in Markdown: counts, then every change by stable id. Names, ids and values
    come from the data: each is escaped for Markdown, so none can add markup or a script."""
    from ..escaping import for_markdown
    from ..escaping import for_markdown_code as code

    lines = [f"## Changes from {for_markdown(old_label)} to {for_markdown(new_label)}", ""]
    if result.empty:
        return "\n".join([*lines, "No changes to tables, columns or records.", ""])
    bump = result.required_bump()
    lines += [f"Required version bump: **{bump}**.", ""]
    for name in result.added_tables:
        lines.append(f"- Table {code(name)} added.")
    for name in result.removed_tables:
        lines.append(f"- Table {code(name)} removed.")
    lines += [
        "",
        "| table | added | removed | changed | columns added | columns removed |",
        "|---|---:|---:|---:|---|---|",
    ]
    for t in result.tables:
        lines.append(
            f"| {code(t.name)} | {len(t.added)} | {len(t.removed)} | {len(t.changed)} "
            f"| {', '.join(map(for_markdown, t.added_columns))} "
            f"| {', '.join(map(for_markdown, t.removed_columns + t.retyped_columns))} |"
        )
    for t in result.tables:
        for column, levels in t.added_levels.items():
            lines.append(f"- {code(f'{t.name}.{column}')}: levels added: {', '.join(map(code, levels))}.")
        for column, levels in t.removed_levels.items():
            lines.append(f"- {code(f'{t.name}.{column}')}: levels removed: {', '.join(map(code, levels))}.")
        if t.new_key:
            lines.append(f"- {code(t.name)}: primary key is now ({', '.join(map(for_markdown, t.new_key))}).")
    for t in result.tables:
        if t.name not in DETAILED_TABLES or t.empty:
            continue
        lines += ["", f"### {for_markdown(t.name)}", ""]
        if t.added:
            lines.append(f"Added ({len(t.added)}): " + ", ".join(map(code, t.added)))
            lines.append("")
        if t.removed:
            lines.append(f"Removed ({len(t.removed)}): " + ", ".join(map(code, t.removed)))
            lines.append("")
        for row_id, changes in t.changed.items():
            lines.append(f"- {code(row_id)}:")
            for column, (before, after) in changes.items():
                lines.append(f"  - {code(column)}: {for_markdown(repr(before))} → {for_markdown(repr(after))}")
    return "\n".join(lines) + "\n"
