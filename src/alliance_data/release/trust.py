"""Verifying a published release against everything that records its files.

Each file of a release is recorded four times: in its SHA256SUMS, in manifest.json, in
datapackage.json and in releases/index.json, which also holds the SHA-256 of SHA256SUMS. The
installed package ships the index as it was when the package was built (`releases.json`),
a copy that no one who can rewrite the releases directory can change. `verify_release`
checks every file against all of them; docs/releases.md says what each check catches.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..problems import AllianceDataError
from .checksums import MAX_SUMS_BYTES, SUMS_FILE, ChecksumMismatch, problem_report, read_sums, sha256, verify

INDEX_FILE = "index.json"
PACKAGED_INDEX = "releases.json"
DEFAULT_RELEASES_DIR = Path("releases")
_FIX = "download the release again from where it was published; published releases never change"


class ReleaseNotFound(AllianceDataError):
    """A version that is not a release in the releases directory (a usage error)."""

    exit_code = 2


def parse_version(version: str) -> str:
    """`1.0.0` from '1.0.0' or 'v1.0.0'; ReleaseNotFound for anything else (a path, a range)."""
    from .diff import _parse

    bare = version.removeprefix("v")
    try:
        _parse(bare)
    except ValueError:
        raise ReleaseNotFound(f"{version!r} is not a version: give MAJOR.MINOR.PATCH, e.g. 1.0.0") from None
    return bare


def no_releases_dir_hint(releases_dir: Path) -> str:
    return (
        f"there is no {releases_dir}/ here: run this in a clone of the repository, or pass "
        "--releases DIR (the folder that holds vVERSION/ and index.json)"
    )


def release_directory(version: str, releases_dir: Path = DEFAULT_RELEASES_DIR) -> Path:
    """The directory of published release `version`; ReleaseNotFound when there is none."""
    bare = parse_version(version)
    if not releases_dir.is_dir():
        raise ReleaseNotFound(no_releases_dir_hint(releases_dir))
    directory = releases_dir / f"v{bare}"
    if directory.is_symlink():
        raise ReleaseNotFound(f"{directory} is a symlink: a release is a directory of its own")
    if not directory.is_dir():
        known = sorted(p.name for p in releases_dir.iterdir() if p.name.startswith("v") and p.is_dir())
        raise ReleaseNotFound(f"no release {version} in {releases_dir}/ (there: {', '.join(known) or 'none'})")
    return directory


def _read_json(path: Path, what: str, problems: list[str]) -> Any:
    """The JSON document at `path` (None when there is none), bounded in size; a problem
    appended when it cannot be read or parsed. Only a regular file is opened (a FIFO would
    block the read forever)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            problems.append(f"{path}: not a regular file")
            return None
        with open(path, "rb") as handle:
            data = handle.read(64 * MAX_SUMS_BYTES + 1)
        if len(data) > 64 * MAX_SUMS_BYTES:
            raise ValueError("too large")
        return json.loads(data.decode("utf-8"))
    except FileNotFoundError:
        return None
    except OSError as error:
        problems.append(f"{path}: cannot be read ({error.strerror})")
    except ValueError as error:
        problems.append(f"{path}: not valid UTF-8 JSON ({error}): not the {what} we publish")
    return None


def packaged_index() -> dict[str, Any] | None:
    """The releases index shipped in the installed package (None when it is absent or unreadable)."""
    try:
        return json.loads(files("alliance_data").joinpath(PACKAGED_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_index(releases_dir: Path) -> dict[str, Any]:
    """releases_dir/index.json, or ReleaseNotFound saying what to pass instead."""
    path = releases_dir / INDEX_FILE
    problems: list[str] = []
    index = _read_json(path, "releases index", problems)
    if problems:
        raise AllianceDataError(problems[0])
    if index is None:
        if not releases_dir.is_dir():
            raise ReleaseNotFound(no_releases_dir_hint(releases_dir))
        raise ReleaseNotFound(f"{path} not found: no release has been published in {releases_dir}/")
    return index


def _entry(index: Any, version: str) -> dict[str, Any] | None:
    if not isinstance(index, dict) or not isinstance(index.get("releases"), list):
        return None
    return next((e for e in index["releases"] if isinstance(e, dict) and e.get("version") == version), None)


def write_packaged_index(releases_dir: Path = DEFAULT_RELEASES_DIR) -> Path | None:
    """Copy the repository's releases/index.json into the package (what `verify` compares
    with). Releases published anywhere else (a test, a scratch directory) are not the
    project's, so for them nothing is written and None is returned."""
    package_dir = Path(__file__).resolve().parent.parent
    repository_releases = package_dir.parent.parent / "releases"
    source = releases_dir / INDEX_FILE
    if releases_dir.resolve() != repository_releases or not source.is_file():
        return None
    target = package_dir / PACKAGED_INDEX
    temporary = target.with_name(f".{PACKAGED_INDEX}.{os.getpid()}.tmp")
    temporary.write_bytes(source.read_bytes())
    os.replace(temporary, target)
    return target


@dataclass
class Verified:
    directory: Path
    files: list[str]
    sums_sha256: str
    vouched_by: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _manifest_files(manifest: Any) -> dict[str, tuple[int, str]]:
    entries = [manifest["database"], *(f for t in manifest["tables"] for f in t["files"].values())]
    entries += manifest.get("other_files", [])
    return {e["path"]: (e["bytes"], str(e["sha256"]).lower()) for e in entries}


def _datapackage_files(package: Any) -> dict[str, tuple[int, str]]:
    return {r["path"]: (r["bytes"], str(r["hash"]).removeprefix("sha256:").lower()) for r in package["resources"]}


def _descriptor_problems(directory: Path, version: str, sums: dict[str, str]) -> list[str]:
    problems: list[str] = []
    sizes = {name: (directory / name).stat().st_size for name in sums}
    for name, what, recorded_files in (
        ("manifest.json", "manifest", _manifest_files),
        ("datapackage.json", "data package", _datapackage_files),
    ):
        if name not in sums:
            problems.append(f"{directory / name}: missing from the release")
            continue
        document = _read_json(directory / name, what, problems)
        if document is None:
            continue
        try:
            recorded = recorded_files(document)
        except (KeyError, TypeError, AttributeError):
            problems.append(f"{directory / name}: lacks the file entries (path, bytes, SHA-256) of a {what}")
            continue
        if document.get("version") != version:
            problems.append(f"{directory / name}: is of version {document.get('version')!r}, not {version}")
        for path, (size, digest) in recorded.items():
            problems += _check_one(str(directory / name), path, size, digest, sizes, sums)
    return problems


def _check_one(name: str, path: str, size: Any, digest: str, sizes: dict[str, int], sums: dict[str, str]) -> list[str]:
    if path not in sums:
        return [f"{name}: records {path!r}, which SHA256SUMS does not list"]
    problems = []
    if digest != sums[path]:
        problems.append(f"{name}: records SHA-256 {digest[:64]} for {path}; the file has {sums[path]}")
    if size != sizes[path]:
        problems.append(f"{name}: records {size} bytes for {path}; the file has {sizes[path]}")
    return problems


def _index_problems(label: str, entry: dict[str, Any], sums_sha256: str, sums: dict[str, str]) -> list[str]:
    problems = []
    if entry.get("sha256sums") != sums_sha256:
        problems.append(
            f"{label} records SHA-256 {str(entry.get('sha256sums'))[:64]} for SHA256SUMS; the release's "
            f"SHA256SUMS has {sums_sha256}: the release is not the one published"
        )
    listed = entry.get("files")
    if isinstance(listed, dict) and {k: str(v).lower() for k, v in listed.items()} != sums:
        changed = sorted(set(listed) ^ set(sums) | {n for n in set(listed) & set(sums) if listed[n] != sums[n]})
        problems.append(f"{label} records other files or checksums than SHA256SUMS: {', '.join(changed[:10])}")
    return problems


def verify_release(version: str, releases_dir: Path = DEFAULT_RELEASES_DIR) -> Verified:
    """Check release `version` against SHA256SUMS, manifest.json, datapackage.json,
    releases_dir/index.json and the index shipped in the package; ChecksumMismatch listing
    every disagreement."""
    from .. import about

    directory = release_directory(version, releases_dir)
    bare = parse_version(version)
    names = verify(directory)
    sums = read_sums(directory)
    sums_sha256 = sha256(directory / SUMS_FILE)
    result = Verified(directory, names, sums_sha256)
    problems = _descriptor_problems(directory, bare, sums)

    index_path = releases_dir / INDEX_FILE
    index = _read_json(index_path, "releases index", problems)
    if index is None and not index_path.exists():
        result.notes.append(f"no {index_path}: nothing beside the release records what was published")
    elif index is not None:
        entry = _entry(index, bare)
        if entry is None:
            problems.append(f"{index_path}: does not list v{bare}, so it was never published there")
        else:
            problems += _index_problems(str(index_path), entry, sums_sha256, sums)
            result.vouched_by.append(str(index_path))

    shipped = _entry(packaged_index(), bare)
    label = f"the index shipped with alliance-data {about.__version__}"
    if shipped is None:
        result.notes.append(
            f"v{bare} is not in {label} (the package was built before it was published): to be sure, "
            f"compare the SHA-256 of SHA256SUMS, {sums_sha256}, with one published elsewhere"
        )
    else:
        problems += _index_problems(label, shipped, sums_sha256, sums)
        result.vouched_by.append(label)
    if problems:
        raise ChecksumMismatch(problem_report(directory, problems, _FIX))
    return result
