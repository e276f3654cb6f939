"""Cutting a release: validate, build, and publish releases/vVERSION/ once and for all.

A release directory holds every table as Parquet and CSV, the SQLite database, the
manifest (with the build environment), datapackage.json, the codebook, release notes
against the previous release, and SHA256SUMS. It is written atomically, never overwritten,
and listed in releases/index.json.

The release notes open with what the curators wrote for the version, if anything: the file
releases/notes/vVERSION.md ("what changed and why", for users of the previous release),
followed by the generated list of changes by stable id.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import about
from ..build.pipeline import build_tables, output_directory, protected_directories, write_outputs
from ..build.source_texts import read_texts
from ..filesystem.atomic import check_target, exclusive_lock, write_failed
from ..problems import AllianceDataError
from ..rendering.figures import argument_maps
from . import codebook
from .checksums import SUMS_FILE, sha256, write_sums
from .datapackage import write_descriptor
from .diff import BUMPS, _parse, bump_of, diff, read_tables, render
from .formats import record_other_files, write_release_formats
from .sources import write_release_sources

RELEASES_DIR = Path("releases")
INDEX_FILE = "index.json"
NOTES_FILE = "RELEASE_NOTES.md"
NOTES_DIR = "notes"  # releases/notes/vVERSION.md: the curators' notes for a version
CODEBOOK_FILE = "codebook.md"
RELEASE_ADVICE = "Give --releases the directory of releases, outside the data directory (e.g. --releases releases)."


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
            "src/alliance_data/about.py (the one place for it), run `python -m tools.package`, then release"
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
    target = releases_dir / f"v{version}"
    # An existing release is not refused here but reported as published (check_version).
    check_target(target, protected_directories(data_dir), lambda path: None, RELEASE_ADVICE)
    if releases_dir.is_dir():
        with _index_lock(releases_dir):
            pass  # so that a rerun after a killed publish indexes the release it left
    if on_step:
        on_step("validating")
    tables = build_tables(data_dir)
    _, notes = check_version(version, tables, releases_dir)
    source = yaml.safe_load((Path(data_dir) / "sources.yaml").read_text(encoding="utf-8"))[0]
    try:  # read once, checked against the SHA-256 each source records, for every file that holds it
        texts = read_texts(Path(data_dir), tables["sources"].to_pylist())
    except ValueError as error:
        raise ReleaseError(f"{error}: the text changed since it was validated") from None
    releases_dir.mkdir(parents=True, exist_ok=True)
    with (
        _publishing(releases_dir, target),
        output_directory(target, data_dir, RELEASE_ADVICE, after_swap=lambda: write_index(releases_dir)) as staging,
    ):
        write_outputs(tables, staging, on_step=on_step)
        write_release_sources(staging, texts, tables)  # before the formats: Croissant lists the texts
        write_release_formats(tables, {key: text.decode("utf-8") for key, text in texts.items()}, staging)
        rows = (tables[name].to_pylist() for name in ("claims", "claim_links", "topics"))
        for name, svg in argument_maps(*rows).items():
            (staging / name).write_text(svg, encoding="utf-8")
        (staging / CODEBOOK_FILE).write_text(codebook.render(version), encoding="utf-8")
        (staging / NOTES_FILE).write_text(release_notes(version, releases_dir, notes), encoding="utf-8")
        record_other_files(staging)
        write_descriptor(staging, version, source)
        write_sums(staging)
    return Release(version, target)


@contextmanager
def _publishing(releases_dir: Path, target: Path) -> Iterator[None]:
    """Publishing is one step under the lock of the index: the release directory is swapped
    in, then the index rewritten; if the index cannot be written the directory is taken back
    (`after_swap`), so no release is ever out of the index. A run killed between the two
    leaves a complete release that the index misses: the next run adds it first."""
    with _index_lock(releases_dir):
        if target.exists():
            raise ReleaseError(f"{target.name} is already published and is never overwritten: release a new version")
        yield


@contextmanager
def _index_lock(releases_dir: Path) -> Iterator[None]:
    """Hold the lock of releases/index.json; an index that misses a published release (a run
    killed between the two steps of publishing) is rewritten first."""
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(releases_dir / INDEX_FILE))
            listed = _listed_entries(releases_dir)
            if listed is not None and not {r.version for r in published(releases_dir)} <= set(listed):
                write_index(releases_dir)
        except OSError as error:
            raise write_failed(releases_dir / INDEX_FILE, error) from None
        yield


def release_notes(version: str, releases_dir: Path, changes: str) -> str:
    """RELEASE_NOTES.md: the title and citation, the curators' notes for the version
    (releases/notes/vVERSION.md) when there are any, then the generated changes."""
    header = f"# alliance-data {version}\n\n{about.citation(version)}\n\n"
    written = Path(releases_dir) / NOTES_DIR / f"v{version}.md"
    if written.is_file():
        header += written.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    return header + changes


def _listed_entries(releases_dir: Path) -> dict[str, dict] | None:
    """The entries releases/index.json holds now, by version; None if there is no readable index."""
    try:
        entries = json.loads((releases_dir / INDEX_FILE).read_text(encoding="utf-8"))["releases"]
        return {entry["version"]: entry for entry in entries if isinstance(entry, dict) and "version" in entry}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def index(releases_dir: Path = RELEASES_DIR) -> dict:
    """The index of every published release. A release already in the index keeps its entry as
    it was published: rebuilt from a directory changed since, the index would vouch for the
    change; only releases it does not list yet are read from their directories."""
    entries = []
    listed = _listed_entries(releases_dir) or {}
    for item in published(releases_dir):
        if item.version in listed:
            entries.append(listed[item.version])
            continue
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
    """Write releases/index.json whole or not at all: a new file of a name no other run
    uses, flushed to disk, then renamed over the old one."""
    path = releases_dir / INDEX_FILE
    text = json.dumps(index(releases_dir), indent=2, ensure_ascii=False) + "\n"
    descriptor, temporary = tempfile.mkstemp(prefix=f".{INDEX_FILE}.", suffix=".tmp", dir=releases_dir)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
