"""Verifying a published release against everything that records its files.

Each file of a release is recorded four times: in its SHA256SUMS, in manifest.json, in
datapackage.json and in releases/index.json, which also holds the SHA-256 of SHA256SUMS. The
installed package ships the index as it was when the package was built (`releases.json`),
a copy that no one who can rewrite the releases directory can change. `verify_release`
checks every file against all of them; docs/releases.md says what each check catches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..problems import AllianceDataError
from .bounded_json import UnreadableJson, read_json
from .checksums import FIX, SUMS_FILE, ChecksumMismatch, check_files, problem_report, read_sums, sha256

INDEX_FILE = "index.json"
PACKAGED_INDEX = "releases.json"
DEFAULT_RELEASES_DIR = Path("releases")
_FIX = "download the release again from where it was published; published releases never change"


class ReleaseNotFound(AllianceDataError):
    """A version that is not a release in the releases directory (a usage error)."""

    exit_code = 2


def parse_version(version: str) -> str:
    """`1.0.0` from '1.0.0' or 'v1.0.0' (as everywhere: `about.bare_version`); ReleaseNotFound for
    anything else (a path, a range)."""
    from ..about import bare_version

    try:
        return bare_version(version)
    except ValueError as error:
        raise ReleaseNotFound(str(error)) from None


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
    """The JSON document at `path` (None when there is none or it cannot be read, with the
    problem appended), read within the bounds of bounded_json.py."""
    try:
        return read_json(path, what)
    except FileNotFoundError:
        return None
    except UnreadableJson as error:
        problems.append(str(error))
    return None


def packaged_index() -> dict[str, Any] | None:
    """The releases index shipped in the installed package (None when it is absent or unreadable)."""
    try:
        return json.loads(files("alliance_data").joinpath(PACKAGED_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
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
    from ..filesystem.atomic import write_file_atomically

    return write_file_atomically(package_dir / PACKAGED_INDEX, source.read_bytes())


@dataclass
class Verified:
    directory: Path
    files: list[str]
    sums_sha256: str
    sums: dict[str, str] = field(default_factory=dict)
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


def _recorded_sizes(directory: Path, sums: dict[str, str]) -> dict[str, int]:
    """The size manifest.json records for each file (none when it cannot be read: the checks
    of the descriptors report that), so that a file of the wrong size is never hashed."""
    if "manifest.json" not in sums:
        return {}
    try:
        recorded = _manifest_files(read_json(directory / "manifest.json", "manifest"))
    except (OSError, UnreadableJson, KeyError, TypeError, AttributeError):
        return {}
    return {path: size for path, (size, _) in recorded.items() if isinstance(size, int)}


def _content_problems(directory: Path, version: str) -> list[str]:
    """How the formats of a release disagree with each other and, for a version the models
    derive, how its schemas differ from theirs."""
    from .formats_agree import format_problems
    from .schemas_agree import derivable, schema_problems

    problems: list[str] = []
    manifest = _read_json(directory / "manifest.json", "manifest", problems)
    package = _read_json(directory / "datapackage.json", "data package", problems)
    if problems or not isinstance(manifest, dict):
        return problems
    problems += format_problems(directory, manifest)
    if derivable(version):
        problems += schema_problems(directory, version, package)
    return problems


def verify_release(version: str, releases_dir: Path = DEFAULT_RELEASES_DIR, packaged: bool = True) -> Verified:
    """Check release `version` against SHA256SUMS, manifest.json, datapackage.json,
    releases_dir/index.json and (unless `packaged` is False, for releases that are not the
    project's) the index shipped in the package; then that its formats hold the same rows and
    its schemas are the models' (see `_content_problems`). ChecksumMismatch listing every
    disagreement."""
    from .. import about
    from .schemas_agree import derivable

    directory = release_directory(version, releases_dir)
    bare = parse_version(version)
    sums = read_sums(directory)
    names, problems, unhashed = check_files(directory, sums, _recorded_sizes(directory, sums))
    if problems:  # files missing, changed or not listed: what else records them does not matter
        raise ChecksumMismatch(problem_report(directory, problems, FIX))
    sums_sha256 = sha256(directory / SUMS_FILE)
    result = Verified(directory, names, sums_sha256, sums)
    # A file of another size than the manifest records is reported below, by every record of it.
    problems = [f"{directory / name}: not hashed: its size is not the one manifest.json records" for name in unhashed]
    problems += _descriptor_problems(directory, bare, sums)

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

    shipped = _entry(packaged_index(), bare) if packaged else None
    label = f"the index shipped with alliance-data {about.__version__}"
    if packaged and shipped is None:
        result.notes.append(
            f"v{bare} is not in {label} (the package was built before it was published): to be sure, "
            f"compare the SHA-256 of SHA256SUMS, {sums_sha256}, with one published elsewhere"
        )
    elif shipped is not None:
        problems += _index_problems(label, shipped, sums_sha256, sums)
        result.vouched_by.append(label)
    if not problems:  # the files are the ones recorded: now whether what they hold agrees
        problems += _content_problems(directory, bare)
        if not derivable(bare) and shipped is None:
            result.notes.append(
                f"the schemas of v{bare} were checked against each other only: the models of alliance-data "
                f"{about.__version__} derive those of major {about.__version__.split('.')[0]} from "
                f"{about.__version__} on"
            )
    if problems:
        raise ChecksumMismatch(problem_report(directory, problems, _FIX))
    return result
