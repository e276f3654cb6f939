"""releases/index.json is extended with the release just cut and verified, never rebuilt from
the folders found in releases/: a folder it does not list is reported and never indexed, a
refused release changes no index, and the previous release is verified before the notes and
the required bump are computed from it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from alliance_data import about
from alliance_data.cli import main
from alliance_data.release.cut import ReleaseError, release
from conftest import replace_in

PATCH = ".".join([*about.__version__.split(".")[:2], str(int(about.__version__.split(".")[2]) + 1)])


@pytest.fixture(scope="module")
def first(published: Path) -> Path:
    """A releases directory holding one release of the data: the session's, read only (copied below)."""
    return published.parent


@pytest.fixture
def releases(first: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "releases"
    shutil.copytree(first, copy)
    return copy


@pytest.fixture
def corrected(data_copy: Path, monkeypatch) -> Path:
    """The data with one correction (a patch), the package at the next patch version."""
    replace_in(data_copy / "topics.yaml", "  label: Cold War divide\n", "  label: The Cold War divide\n")
    monkeypatch.setattr(about, "__version__", PATCH)
    return data_copy


def _index_bytes(releases: Path) -> bytes:
    return (releases / "index.json").read_bytes()


def test_the_index_is_the_previous_one_plus_the_release_cut(releases, corrected):
    before = _index_bytes(releases)
    release(PATCH, corrected, releases)
    index = json.loads(_index_bytes(releases))
    previous = json.loads(before)
    assert index["releases"][:-1] == previous["releases"] and index["latest"] == PATCH
    made = releases / f"v{PATCH}"
    assert index["releases"][-1]["sha256sums"] == hashlib.sha256((made / "SHA256SUMS").read_bytes()).hexdigest()


def test_an_unlisted_folder_is_reported_not_indexed_and_no_release_is_made(releases, corrected):
    forged = releases / "v9.0.0"
    shutil.copytree(next(p for p in releases.iterdir() if p.is_dir()), forged)
    before = _index_bytes(releases)
    result = CliRunner().invoke(main, ["release", PATCH, str(corrected), "--releases", str(releases)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "v9.0.0" in result.output and "does not list" in result.output
    assert _index_bytes(releases) == before
    assert not (releases / f"v{PATCH}").exists()


def test_a_refused_release_changes_no_index(releases, data_copy, monkeypatch):
    # A folder the index does not list, a copy of a true release put there.
    shutil.copytree(next(p for p in releases.iterdir() if p.is_dir()), releases / "v9.0.0")
    before = _index_bytes(releases)
    monkeypatch.setattr(about, "__version__", PATCH)
    with pytest.raises(ReleaseError):
        release(PATCH, data_copy, releases)  # nothing changed since the last release, and the folder
    assert _index_bytes(releases) == before


def test_a_tampered_previous_release_is_refused_before_its_tables_are_read(releases, corrected):
    previous = next(p for p in releases.iterdir() if p.is_dir())
    topics = pq.read_table(previous / "topics.parquet")
    labels = [("The Cold War divide" if v == "Cold War divide" else v) for v in topics["label"].to_pylist()]
    forged = topics.set_column(topics.schema.get_field_index("label"), "label", pa.array(labels))
    pq.write_table(forged, previous / "topics.parquet")
    sums = previous / "SHA256SUMS"
    digest = hashlib.sha256((previous / "topics.parquet").read_bytes()).hexdigest()
    sums.write_text(
        "".join(
            f"{digest}  topics.parquet\n" if line.endswith("  topics.parquet") else f"{line}\n"
            for line in sums.read_text(encoding="utf-8").splitlines()
        ),
        encoding="utf-8",
    )
    before = _index_bytes(releases)
    result = CliRunner().invoke(main, ["release", PATCH, str(corrected), "--releases", str(releases)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "topics.parquet" in result.output and "verifying" in result.output
    assert _index_bytes(releases) == before and not (releases / f"v{PATCH}").exists()
