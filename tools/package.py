"""Refresh what is generated from data/ and releases/ and shipped or committed with the code:
the packaged build inside the wheel (src/alliance_data/data/: Parquet, SQLite, manifest and
source texts, what `load()` and `serve` read), the index of the published releases it ships
(src/alliance_data/releases.json, from releases/index.json) and the JSON Schema files (schema/).

Run from the repository root after editing data/ (then `python -m tools.figures` and
`python -m tools.docs`, which read the packaged data): `python -m tools.package`.
`python -m tools.package --check` lists what is stale; tests/test_packaged_data.py runs it.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path

from tools.generated import ROOT, Files, as_bytes, run, shown, stale_files, write_files

from alliance_data.build.pipeline import DATABASE_FILE, MANIFEST_FILE, BuildResult, build, check_output
from alliance_data.exports.json_schema import schema_files
from alliance_data.release.trust import PACKAGED_INDEX, write_packaged_index

DATA = ROOT / "data"
RELEASES = ROOT / "releases"
SCHEMA = Path("schema")
PACKAGE_DIR = ROOT / "src" / "alliance_data"
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"
PACKAGED_FORMATS = ("parquet", "sqlite")
PACKAGE_ADVICE = "Keep only a build in the package's data directory, and the data directory outside it."


def package(data_dir: str | Path = DATA, out_dir: str | Path = PACKAGE_DATA_DIR) -> BuildResult:
    """Build `data_dir` into the package's data directory (refused if it holds anything else)."""
    check_output(out_dir, data_dir, PACKAGE_ADVICE)
    return build(data_dir, out_dir, PACKAGED_FORMATS)


def schemas() -> Files:
    return {SCHEMA / name: as_bytes(content) for name, content in schema_files().items()}


def stale_schemas(root: Path = ROOT) -> list[str]:
    """Schema files missing or different, and those no table has any more."""
    files = schemas()
    foreign = sorted(
        p.relative_to(root) for p in (root / SCHEMA).glob("*.schema.json") if p.relative_to(root) not in files
    )
    return [path.as_posix() for path in [*stale_files(files, root), *foreign]]


def stale_index(package_dir: Path = PACKAGE_DIR, releases_dir: Path = RELEASES) -> list[str]:
    shipped, published = package_dir / PACKAGED_INDEX, releases_dir / "index.json"
    if shipped.is_file() and shipped.read_bytes() == published.read_bytes():
        return []
    return [shown(shipped)]


def stale_data(data_dir: Path = DATA, packaged: Path = PACKAGE_DATA_DIR) -> list[str]:
    """The packaged files that differ from a fresh build of `data_dir`: each table's rows,
    schema and metadata, the database's dump, the manifest and the source texts. The encoded
    bytes of Parquet and SQLite files (and so their checksums and the manifest's environment)
    depend on the library versions of the machine, so they are not compared."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = package(data_dir, Path(scratch) / "fresh").directory
        paths = sorted(_files(fresh) | _files(packaged))
        return [shown(packaged / path) for path in paths if not _same(packaged / path, fresh / path)]


def _files(directory: Path) -> set[Path]:
    return {path.relative_to(directory) for path in directory.rglob("*") if path.is_file()}


def _same(old: Path, new: Path) -> bool:
    import pyarrow.parquet as pq

    if not (old.is_file() and new.is_file()):
        return False
    if old.suffix == ".parquet":
        return pq.read_table(old).equals(pq.read_table(new), check_metadata=True)
    if old.name == DATABASE_FILE:
        return _dump(old) == _dump(new)
    if old.name == MANIFEST_FILE:
        return _manifest(old) == _manifest(new)
    return old.read_bytes() == new.read_bytes()


def _manifest(path: Path) -> object:
    """The manifest without what depends on the library versions: the environment and the
    size and checksum of each encoded file (Parquet, SQLite)."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            encoded = str(value.get("path", "")).endswith((".parquet", ".db"))
            return {k: strip(v) for k, v in value.items() if not (encoded and k in ("bytes", "sha256"))}
        return [strip(item) for item in value] if isinstance(value, list) else value

    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.pop("environment", None)
    return strip(manifest)


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


def check() -> list[str]:
    return stale_data() + stale_index() + stale_schemas()


def write() -> list[str]:
    result = package()
    written = [f"{shown(PACKAGE_DATA_DIR)}/ ({len(result.files)} files)"]
    index = write_packaged_index(RELEASES)
    if index is not None:
        written.append(shown(index))
    return written + [path.as_posix() for path in write_files(schemas())]


if __name__ == "__main__":
    sys.exit(run(__doc__.split("\n\n")[0], check, write))
