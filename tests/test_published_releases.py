"""The releases committed under releases/: intact, indexed, and the data never ships unreleased."""

from __future__ import annotations

import hashlib
import json

import pytest

from alliance_data import about
from alliance_data.build.pipeline import build_tables
from alliance_data.release.checksums import verify
from alliance_data.release.cut import published
from alliance_data.release.diff import diff, read_tables, render
from alliance_data.release.release_index import listed_releases
from conftest import DATA, ROOT

RELEASES = ROOT / "releases"
HISTORY = published(RELEASES)


def test_there_is_a_release():
    assert HISTORY, "no release under releases/"


@pytest.mark.parametrize("release", HISTORY, ids=lambda r: r.version)
def test_committed_release_files_match_their_checksums(release):
    names = verify(release.directory)
    assert "claims.parquet" in names and "datapackage.json" in names


def test_the_index_lists_every_release_with_its_checksums():
    committed = listed_releases(RELEASES)
    assert [entry["version"] for entry in committed] == [r.version for r in HISTORY]
    for entry, release in zip(committed, HISTORY, strict=True):
        assert entry["sha256sums"] == hashlib.sha256((release.directory / "SHA256SUMS").read_bytes()).hexdigest()
        assert entry["files"] == dict(
            reversed(line.split("  ", 1))
            for line in (release.directory / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        )


def test_the_package_version_is_released():
    assert HISTORY[-1].version == about.__version__, (
        f"the package is at {about.__version__} but the latest release is {HISTORY[-1].version}: "
        f"run `alliance-data release {about.__version__}`"
    )


def test_the_current_data_is_the_latest_release():
    changes = diff(read_tables(HISTORY[-1].directory), build_tables(DATA))
    assert changes.empty, f"data/ differs from v{HISTORY[-1].version}; bump the version and cut a release:\n" + render(
        changes, f"v{HISTORY[-1].version}", "data/"
    )


def test_the_releases_command_reads_the_index():
    from click.testing import CliRunner

    from alliance_data.cli import main

    result = CliRunner().invoke(main, ["releases", "--releases", str(RELEASES), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads((RELEASES / "index.json").read_text(encoding="utf-8"))
    listed = CliRunner().invoke(main, ["releases", "--releases", str(RELEASES)])
    assert listed.exit_code == 0 and HISTORY[-1].version in listed.output
