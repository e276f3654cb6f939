"""The releases committed under releases/: intact, indexed, and the data never ships unreleased."""

from __future__ import annotations

import hashlib
import json
import shutil

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


def test_a_release_cut_again_is_the_published_one_byte_for_byte(tmp_path):
    """Cutting the latest release again from data/, beside the releases before it, gives its
    files back byte for byte (in the environment it was built in). Only the codebook differs:
    it names the models' file, which moved when the package was laid out by job, so its size
    and digest are put back before the files that record them are compared."""
    from alliance_data.build.pipeline import environment
    from alliance_data.release.cut import release

    latest = HISTORY[-1]
    manifest = json.loads((latest.directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest["environment"] != environment():
        pytest.skip(f"v{latest.version} was built with {manifest['environment']}, not this environment")
    releases = tmp_path / "releases"
    for earlier in HISTORY[:-1]:
        shutil.copytree(earlier.directory, releases / earlier.directory.name)
    shutil.copytree(RELEASES / "notes", releases / "notes")
    again = release(latest.version, DATA, releases).directory

    def files(directory):
        return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}

    published_files, cut = files(latest.directory), files(again)
    assert sorted(cut) == sorted(published_files)
    old_codebook, new_codebook = published_files.pop("codebook.md"), cut.pop("codebook.md")
    assert new_codebook.replace(b"codebook/models.py", b"models.py") == old_codebook
    replacements = [
        (hashlib.sha256(new_codebook).hexdigest(), hashlib.sha256(old_codebook).hexdigest()),
        (f'"bytes": {len(new_codebook)},', f'"bytes": {len(old_codebook)},'),
    ]
    # Each records the checksums of those before it.
    for name in ("manifest.json", "datapackage.json", "SHA256SUMS"):
        before = cut[name]
        text = before.decode("utf-8")
        for new, old in replacements:
            text = text.replace(new, old)
        cut[name] = text.encode("utf-8")
        replacements.append((hashlib.sha256(before).hexdigest(), hashlib.sha256(cut[name]).hexdigest()))
    different = sorted(name for name in cut if cut[name] != published_files[name])
    assert not different, f"cut again, v{latest.version} differs from the published release in {different}"
