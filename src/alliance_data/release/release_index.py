"""releases/index.json: what was published, in order, each release with its checksums.

The index is only ever extended: the entries it holds, as they are, plus the entry of the
release just cut and verified. It is never rebuilt from the directories found in releases/:
whoever can write a folder there would have it indexed, and through the index shipped with the
package, vouched for. A directory the index does not list is reported, never indexed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import about
from ..filesystem.atomic import write_file_atomically
from ..problems import AllianceDataError
from .bounded_json import UnreadableJson, read_json
from .checksums import SUMS_FILE, read_sums, sha256, verify
from .diff import semantic_version

INDEX_FILE = "index.json"


class MalformedIndex(AllianceDataError):
    """A releases index that is not the one we write."""


def index_entries(index: Any, label: str) -> list[dict[str, Any]]:
    """The releases an index lists, oldest first; MalformedIndex saying what is wrong."""
    entries = index.get("releases") if isinstance(index, dict) else None
    if not isinstance(entries, list):
        raise MalformedIndex(
            f"{label}: has no list of releases: not the index we publish; "
            "restore it (git checkout releases/index.json, or download it again)"
        )
    for number, entry in enumerate(entries, 1):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("version"), str)
            and isinstance(entry.get("tables"), dict)
            and isinstance(entry.get("files"), dict)
            and isinstance(entry.get("sha256sums"), str)
        ):
            raise MalformedIndex(
                f"{label}: release {number} lacks its version, tables, files or SHA-256 of SHA256SUMS: "
                "not the index we publish; restore it (git checkout releases/index.json, or download it again)"
            )
        try:
            semantic_version(entry["version"])
        except ValueError:
            raise MalformedIndex(f"{label}: release {number} has version {entry['version'][:40]!r}") from None
    return entries


def listed_releases(releases_dir: Path) -> list[dict[str, Any]]:
    """The entries of releases_dir/index.json ([] when there is none yet)."""
    path = releases_dir / INDEX_FILE
    try:
        index = read_json(path, "releases index")
    except FileNotFoundError:
        return []
    return index_entries(index, str(path))


def unlisted_directories(releases_dir: Path, entries: list[dict[str, Any]]) -> list[str]:
    """The vVERSION folders in releases_dir that the index does not list."""
    if not releases_dir.is_dir():
        return []
    listed = {f"v{entry['version']}" for entry in entries}
    return sorted(
        p.name
        for p in releases_dir.iterdir()
        if p.name.startswith("v") and (p.is_dir() or p.is_symlink()) and p.name not in listed
    )


def index_entry(directory: Path, version: str) -> dict[str, Any]:
    """The index entry of the release in `directory`, from its files once they are verified."""
    verify(directory)
    manifest = read_json(directory / "manifest.json", "manifest")
    try:
        return {
            "version": version,
            "path": f"{directory.name}/",
            "citation": manifest["citation"],
            "environment": manifest["environment"],
            "tables": {t["name"]: t["rows"] for t in manifest["tables"]},
            "sha256sums": sha256(directory / SUMS_FILE),
            "files": read_sums(directory),
        }
    except (KeyError, TypeError) as error:
        raise UnreadableJson(f"{directory / 'manifest.json'}: lacks {error} of a manifest") from None


def extended_index(entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
    releases = [*entries, entry]
    return {"name": about.NAME, "latest": entry["version"], "releases": releases}


def write_index(releases_dir: Path, index: dict[str, Any]) -> Path:
    """Write releases/index.json whole or not at all."""
    text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    return write_file_atomically(releases_dir / INDEX_FILE, text)
