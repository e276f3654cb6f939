"""Cutting a release: validate, build, and publish releases/vVERSION/ once and for all.

A release directory holds every table as Parquet and CSV, the SQLite database, the
manifest (with the build environment), datapackage.json, the codebook, release notes
against the previous release, and SHA256SUMS. It is written atomically, never overwritten,
and listed in releases/index.json.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import about
from ..atomic import atomic_directory
from ..build import build_tables, write_outputs
from ..figures import argument_maps
from ..problems import AllianceDataError
from . import codebook
from .checksums import SUMS_FILE, sha256, write_sums
from .datapackage import write_descriptor
from .diff import BUMPS, _parse, bump_of, diff, read_tables, render
from .sources import write_release_sources

RELEASES_DIR = Path("releases")
INDEX_FILE = "index.json"
NOTES_FILE = "RELEASE_NOTES.md"
CODEBOOK_FILE = "codebook.md"


class ReleaseError(AllianceDataError):
    """A release that must not be made as asked."""


@dataclass(frozen=True)
class Release:
    version: str
    directory: Path


def published(releases_dir: Path = RELEASES_DIR) -> list[Release]:
    """The published releases, oldest first."""
    if not releases_dir.is_dir():
        return []
    found = []
    for path in releases_dir.iterdir():
        if path.is_dir() and path.name.startswith("v"):
            try:
                _parse(path.name[1:])
            except ValueError:
                continue
            found.append(Release(path.name[1:], path))
    return sorted(found, key=lambda r: _parse(r.version))


def next_version(version: str, bump: str) -> str:
    major, minor, patch = _parse(version)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
        bump
    ]


def check_version(version: str, tables: dict, releases_dir: Path) -> tuple[Release | None, str]:
    """The previous release and the notes against it; ReleaseError when the version is wrong."""
    try:
        _parse(version)
    except ValueError as error:
        raise ReleaseError(str(error)) from None
    if version != about.__version__:
        raise ReleaseError(
            f"version {version} is not the package version {about.__version__}: set __version__ in "
            "src/alliance_data/about.py (the one place for it), run `alliance-data package`, then release"
        )
    if (releases_dir / f"v{version}").exists():
        raise ReleaseError(f"v{version} is already published and is never overwritten: release a new version")
    history = published(releases_dir)
    if not history:
        return None, "## First release\n\nNo previous release to compare with.\n"
    previous = history[-1]
    changes = diff(read_tables(previous.directory), tables)
    needed = changes.required_bump()
    if needed is None:
        raise ReleaseError(f"nothing changed since v{previous.version}: no release needed")
    given = bump_of(previous.version, version)
    if given is None or BUMPS.index(given) < BUMPS.index(needed):
        raise ReleaseError(
            f"the changes since v{previous.version} need a {needed} release: expected "
            f"{next_version(previous.version, needed)}, not {version}"
        )
    return previous, render(changes, f"v{previous.version}", f"v{version}")


def release(
    version: str,
    data_dir: str | Path = "data",
    releases_dir: str | Path = RELEASES_DIR,
    on_step: Callable[[str], None] | None = None,
) -> Release:
    releases_dir = Path(releases_dir)
    if on_step:
        on_step("validating")
    tables = build_tables(data_dir)
    _, notes = check_version(version, tables, releases_dir)
    target = releases_dir / f"v{version}"
    source = yaml.safe_load((Path(data_dir) / "sources.yaml").read_text(encoding="utf-8"))[0]
    with atomic_directory(target) as staging:
        write_outputs(tables, staging, on_step=on_step)
        rows = (tables[name].to_pylist() for name in ("claims", "claim_links", "topics"))
        for name, svg in argument_maps(*rows).items():
            (staging / name).write_text(svg, encoding="utf-8")
        (staging / CODEBOOK_FILE).write_text(codebook.render(version), encoding="utf-8")
        header = f"# alliance-data {version}\n\n{about.citation(version)}\n\n"
        (staging / NOTES_FILE).write_text(header + notes, encoding="utf-8")
        write_descriptor(staging, version, source)
        write_release_sources(staging, Path(data_dir), tables)
        write_sums(staging)
    write_index(releases_dir)
    return Release(version, target)


def index(releases_dir: Path = RELEASES_DIR) -> dict:
    entries = []
    for item in published(releases_dir):
        manifest = json.loads((item.directory / "manifest.json").read_text(encoding="utf-8"))
        entries.append(
            {
                "version": item.version,
                "path": f"{item.directory.name}/",
                "citation": manifest["citation"],
                "environment": manifest["environment"],
                "tables": {t["name"]: t["rows"] for t in manifest["tables"]},
                "sha256sums": sha256(item.directory / SUMS_FILE),
                "files": {
                    line.split("  ", 1)[1]: line.split("  ", 1)[0]
                    for line in (item.directory / SUMS_FILE).read_text(encoding="utf-8").splitlines()
                },
            }
        )
    return {"name": about.NAME, "latest": entries[-1]["version"] if entries else None, "releases": entries}


def write_index(releases_dir: Path = RELEASES_DIR) -> Path:
    path = releases_dir / INDEX_FILE
    temporary = path.with_name(f".{INDEX_FILE}.tmp")
    temporary.write_text(json.dumps(index(releases_dir), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path
