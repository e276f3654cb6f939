"""Cutting a release: validate, build, and publish releases/vVERSION/ once and for all.

A release directory holds every table as Parquet and CSV, the SQLite database, the
manifest (with the build environment), datapackage.json, the codebook, release notes
against the previous release, and SHA256SUMS. It is written atomically, never overwritten,
and added to releases/index.json, which is extended, never rebuilt from the folders
found there (release_index.py).

The release notes open with what the curators wrote for the version, if anything: the file
releases/notes/vVERSION.md ("what changed and why", for users of the previous release),
followed by the generated list of changes by stable id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import about
from ..build.pipeline import (
    output_directory,
    protected_directories,
    published_tables,
    source_text_bytes,
    write_manifest,
    write_outputs,
)
from ..build.source_texts import MANIFEST_KEY as SOURCE_TEXTS_KEY
from ..curation.validate import validate
from ..filesystem.atomic import check_target, exclusive_lock, write_failed
from ..problems import AllianceDataError
from ..rendering.figures import argument_maps
from . import codebook
from .checksums import write_sums
from .datapackage import write_descriptor
from .diff import BUMPS, bump_of, diff, render, semantic_version
from .formats import other_files, write_release_formats
from .release_index import INDEX_FILE, extended_index, index_entry, listed_releases, unlisted_directories, write_index
from .sources import write_release_sources
from .trust import verify_release
from .verified_tables import read_verified_tables

RELEASES_DIR = Path("releases")
NOTES_FILE = "RELEASE_NOTES.md"
NOTES_DIR = "notes"  # releases/notes/vVERSION.md: the curators' notes for a version
CODEBOOK_FILE = "codebook.md"
RELEASE_ADVICE = "Give --releases the directory of releases, outside the data directory (e.g. --releases releases)."


class ReleaseError(AllianceDataError):
    """A release that must not be made as asked."""


class VersionRefused(ReleaseError):
    """The version asked for is the mistake (not semantic, not the package's, already published,
    too small a bump): a usage error, exit status 2, like a wrong argument."""

    exit_code = 2


@dataclass(frozen=True)
class Release:
    version: str
    directory: Path


def published(releases_dir: Path = RELEASES_DIR) -> list[Release]:
    """The vVERSION folders of releases_dir, oldest first; releases/index.json says which of
    them were published (see release_index.py)."""
    if not releases_dir.is_dir():
        return []
    found = []
    for path in releases_dir.iterdir():
        if path.is_dir() and path.name.startswith("v"):
            try:
                semantic_version(path.name[1:])
            except ValueError:
                continue
            found.append(Release(path.name[1:], path))
    return sorted(found, key=lambda r: semantic_version(r.version))


def next_version(version: str, bump: str) -> str:
    major, minor, patch = semantic_version(version)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
        bump
    ]


def check_version(version: str, tables: dict, releases_dir: Path) -> tuple[Release | None, str]:
    """The previous release and the notes against it; ReleaseError when the version is wrong."""
    try:
        semantic_version(version)
    except ValueError as error:
        raise VersionRefused(str(error)) from None
    if version != about.__version__:
        raise VersionRefused(
            f"version {version} is not the package version {about.__version__}: set __version__ in "
            "src/alliance_data/about.py (the one place for it), run `python -m tools.package`, then release"
        )
    history = listed_releases(releases_dir)
    if version in {entry["version"] for entry in history}:
        raise VersionRefused(f"v{version} is already published and is never overwritten: release a new version")
    # Only what the index lists was published: a folder it does not list (a forged one, or one a
    # killed run left) is never taken in, and no release is made beside it.
    if unlisted := unlisted_directories(releases_dir, history):
        raise ReleaseError(
            f"{releases_dir}/ holds {', '.join(unlisted)}, which {releases_dir / INDEX_FILE} does not list: "
            "it was never published (a run killed before indexing it, or a folder put there); "
            "look at it, remove it, then release again"
        )
    if not history:
        return None, "## First release\n\nNo previous release to compare with.\n"
    previous = Release(history[-1]["version"], releases_dir / f"v{history[-1]['version']}")
    # The notes and the required bump come from the previous release as it was published.
    verify_release(previous.version, releases_dir, packaged=_is_repository(releases_dir))
    changes = diff(read_verified_tables(previous.directory), tables)
    needed = changes.required_bump()
    if needed is None:
        raise VersionRefused(f"nothing changed since v{previous.version}: no release needed")
    given = bump_of(previous.version, version)
    if given is None or BUMPS.index(given) < BUMPS.index(needed):
        raise VersionRefused(
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
    if on_step:
        on_step("validating")
    # One validated read of the inputs: the tables, the sources' records and their texts
    # (read strictly and checked against their SHA-256 once, by validation).
    dataset = validate(data_dir)
    tables = published_tables(dataset)
    _, notes = check_version(version, tables, releases_dir)
    texts = source_text_bytes(dataset)
    first_source = dataset.table("sources").slice(0, 1).to_pylist()[0]
    releases_dir.mkdir(parents=True, exist_ok=True)
    with (
        _publishing(releases_dir, target),
        output_directory(
            target, data_dir, RELEASE_ADVICE, after_swap=lambda: _add_to_index(releases_dir, target, version)
        ) as staging,
    ):
        manifest = write_outputs(tables, staging, on_step=on_step)
        # The sources before the other formats: Croissant lists the texts.
        manifest[SOURCE_TEXTS_KEY] = write_release_sources(staging, texts, tables)
        write_release_formats(tables, dict(dataset.texts), staging)
        rows = (tables[name].to_pylist() for name in ("claims", "claim_links", "topics"))
        for name, svg in argument_maps(*rows).items():
            (staging / name).write_text(svg, encoding="utf-8")
        (staging / CODEBOOK_FILE).write_text(codebook.render(version), encoding="utf-8")
        (staging / NOTES_FILE).write_text(release_notes(version, releases_dir, notes), encoding="utf-8")
        manifest["other_files"] = other_files(staging, manifest)
        write_manifest(staging, manifest)
        write_descriptor(staging, version, first_source)
        write_sums(staging)
    return Release(version, target)


@contextmanager
def _publishing(releases_dir: Path, target: Path) -> Iterator[None]:
    """Publishing is one step under the lock of the index: the release directory is swapped
    in, then the index extended with it; if the index cannot be written the directory is taken
    back (`after_swap`), so no release is ever out of the index. A run killed between the two
    leaves a folder the index does not list: the next run reports it."""
    with _index_lock(releases_dir):
        if target.exists():
            raise ReleaseError(f"{target.name} is already published and is never overwritten: release a new version")
        yield


@contextmanager
def _index_lock(releases_dir: Path) -> Iterator[None]:
    """Hold the lock of releases/index.json."""
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(releases_dir / INDEX_FILE))
        except OSError as error:
            raise write_failed(releases_dir / INDEX_FILE, error) from None
        yield


def _is_repository(releases_dir: Path) -> bool:
    """Whether `releases_dir` is the project's releases (those the packaged index vouches for)."""
    return releases_dir.resolve() == Path(__file__).resolve().parents[3] / "releases"


def _add_to_index(releases_dir: Path, target: Path, version: str) -> None:
    """releases/index.json as it was, plus the release just published, verified."""
    write_index(releases_dir, extended_index(listed_releases(releases_dir), index_entry(target, version)))


def release_notes(version: str, releases_dir: Path, changes: str) -> str:
    """RELEASE_NOTES.md: the title and citation, the curators' notes for the version
    (releases/notes/vVERSION.md) when there are any, then the generated changes."""
    header = f"# alliance-data {version}\n\n{about.citation(version)}\n\n"
    notes = curators_notes(version, releases_dir)
    if notes is not None:
        header += notes.rstrip("\n") + "\n\n"
    return header + changes


# Curators' notes are a page of prose; anything bigger is not the notes.
MAX_NOTES_BYTES = 1024 * 1024


def curators_notes(version: str, releases_dir: Path) -> str | None:
    """The text of releases/notes/vVERSION.md, None when there is none. Read as every input is
    (`bounded_read.read_inside`): a regular file inside releases/notes/, at most MAX_NOTES_BYTES,
    UTF-8; a link out of the folder, a FIFO, a device or a huge file is an error, never published."""
    from ..filesystem.bounded_read import read_utf8_inside
    from ..problems import ProblemList

    folder = Path(releases_dir) / NOTES_DIR
    path = folder / f"v{version}.md"
    if not os.path.lexists(path):
        return None
    problems = ProblemList()
    text = read_utf8_inside(
        path,
        folder,
        MAX_NOTES_BYTES,
        problems,
        str(path),
        "release notes",
        named="release notes",
        fix="save the notes as UTF-8",
        check="notes_not_utf8",
    )
    problems.raise_if_any()
    return text
