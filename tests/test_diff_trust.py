"""`diff` reads a build or a release only once it is checked against its manifest (and a
published release once verified); `releases` and `load` refuse a damaged index or manifest
with a clear message: never a traceback."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import alliance_data
from alliance_data.cli import main
from alliance_data.reader import loading
from conftest import ROOT

PACKAGED = Path(alliance_data.__file__).parent / "data"
RELEASES = ROOT / "releases"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A build directory: a copy of the one shipped in the package."""
    target = tmp_path / "build"
    shutil.copytree(PACKAGED, target)
    return target


def diff(old: str, new: str, releases: Path = RELEASES):
    return CliRunner().invoke(main, ["diff", old, new, "--releases", str(releases)])


def assert_clear_error(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "error:" in result.output, result.output
    for text in expected:
        assert text in result.output, (text, result.output)


def _record(build: Path, name: str) -> None:
    """Make the manifest record the file `name` as it is now."""
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    for table in manifest["tables"]:
        entry = table["files"]["parquet"]
        if entry["path"] == name:
            data = (build / name).read_bytes()
            entry.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_an_intact_build_diffs_against_the_latest_release(build):
    latest = json.loads((RELEASES / "index.json").read_text(encoding="utf-8"))["latest"]
    result = diff(latest, str(build))
    assert result.exit_code == 0, result.output


def test_a_manifest_that_is_not_an_object(build):
    (build / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    assert_clear_error(diff(str(build), str(build)), "manifest.json: lacks the tables")


def test_a_manifest_that_is_not_utf8(build):
    (build / "manifest.json").write_bytes(b'{"tables": "\xff"}')
    assert_clear_error(diff(str(build), str(build)), "not valid UTF-8 JSON")


def test_a_manifest_that_is_a_fifo(build):
    (build / "manifest.json").unlink()
    os.mkfifo(build / "manifest.json")
    assert_clear_error(diff(str(build), str(build)), "not a regular file")


def test_a_missing_parquet_file(build):
    (build / "topics.parquet").unlink()
    assert_clear_error(diff(str(build), str(build)), "topics.parquet: missing")


def test_a_corrupt_parquet_file_recorded_by_the_manifest(build):
    (build / "topics.parquet").write_bytes(b"PAR1 not really")
    _record(build, "topics.parquet")
    assert_clear_error(diff(str(build), str(build)), "topics.parquet: not a Parquet file")


def test_a_parquet_file_that_is_a_fifo(build):
    (build / "topics.parquet").unlink()
    os.mkfifo(build / "topics.parquet")
    assert_clear_error(diff(str(build), str(build)), "topics.parquet: not a regular file")


def test_claims_parquet_holding_another_table_with_its_real_checksum(build):
    shutil.copy(build / "topics.parquet", build / "claims.parquet")
    _record(build, "claims.parquet")
    assert_clear_error(diff(str(build), str(build)), "claims.parquet: holds the columns", "not those of table claims")


def test_a_tampered_published_release_is_verified_before_it_is_read(tmp_path, build):
    releases = tmp_path / "releases"
    shutil.copytree(RELEASES, releases)
    latest = json.loads((releases / "index.json").read_text(encoding="utf-8"))["latest"]
    directory = releases / f"v{latest}"
    shutil.copy(directory / "sections.parquet", directory / "topics.parquet")
    digest = hashlib.sha256((directory / "topics.parquet").read_bytes()).hexdigest()
    sums = directory / "SHA256SUMS"
    lines = sums.read_text(encoding="utf-8").splitlines()
    sums.write_text(
        "".join(f"{digest}  topics.parquet\n" if line.endswith("  topics.parquet") else f"{line}\n" for line in lines),
        encoding="utf-8",
    )
    assert_clear_error(diff(latest, str(build), releases), "verifying", "topics.parquet")


@pytest.mark.parametrize(
    "index",
    [
        '{"releases": [{"version": "1.0.0"}]}',
        '{"releases": 5}',
        "[]",
        '{"releases": [{"version": 1, "tables": {}, "files": {}, "sha256sums": ""}]}',
    ],
)
def test_releases_on_a_malformed_index_is_a_clear_error(tmp_path, index):
    (tmp_path / "index.json").write_text(index, encoding="utf-8")
    result = CliRunner().invoke(main, ["releases", "--releases", str(tmp_path)])
    assert_clear_error(result, "index.json", "not the index we publish")


@pytest.mark.parametrize(
    "manifest", ["[]", '{"version": "2.0.0"}', '{"version": "2.0.0", "tables": [1]}', '{"tables": []}']
)
def test_load_on_a_damaged_packaged_manifest_raises_packaged_data_error(monkeypatch, tmp_path, manifest):
    loading.manifest.cache_clear()
    monkeypatch.setattr(loading, "_resource", lambda name: tmp_path / name)
    (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    try:
        for call in (lambda: loading.load("claims"), loading.tables, lambda: loading.describe("claims")):
            with pytest.raises(loading.PackagedDataError, match="reinstall"):
                call()
        result = CliRunner().invoke(main, ["describe", "claims"])
        assert (result.exit_code == 1 and "reinstall" in result.output and result.exception is None) or isinstance(
            result.exception, SystemExit
        )
    finally:
        loading.manifest.cache_clear()
