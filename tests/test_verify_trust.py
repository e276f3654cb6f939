"""`verify` and the release's trust chain: every record of a release's files is checked, the
directory holds only what SHA256SUMS lists, and nothing a hostile or damaged release holds
ends in a traceback."""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_data.cli import main
from alliance_data.reader import loading
from alliance_data.release import trust
from alliance_data.release.checksums import ChecksumMismatch
from alliance_data.release.checksums import verify as verify_files
from conftest import ROOT

RELEASES = ROOT / "releases"
VERSION = json.loads((RELEASES / "index.json").read_text(encoding="utf-8"))["latest"]


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    """A private copy of the published releases directory (the releases and index.json)."""
    target = tmp_path / "releases"
    shutil.copytree(RELEASES, target, symlinks=True)
    return target


def release_of(releases: Path) -> Path:
    return releases / f"v{VERSION}"


def verify(releases: Path, version: str = VERSION):
    return CliRunner().invoke(main, ["verify", version, "--releases", str(releases)])


def sums_lines(releases: Path) -> list[str]:
    return (release_of(releases) / "SHA256SUMS").read_text(encoding="utf-8").splitlines()


def write_sums(releases: Path, lines: list[str]) -> None:
    (release_of(releases) / "SHA256SUMS").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_line(releases: Path, name: str) -> None:
    """Make SHA256SUMS agree with the file `name` as it is now."""
    new = digest(release_of(releases) / name)
    write_sums(releases, [f"{new}  {name}" if line.endswith(f"  {name}") else line for line in sums_lines(releases)])


def edit_claims_csv(releases: Path) -> None:
    with open(release_of(releases) / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write("irda-s9-999,forged,,,,,,,,,,,,,,,,,\n")


def assert_refused(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "files OK" not in result.output, result.output
    for text in expected:
        assert text in result.output, (text, result.output)


def test_the_published_release_verifies_against_every_record_of_it(releases):
    result = verify(releases)
    assert result.exit_code == 0, result.output
    assert (
        f"{len(sums_lines(releases))} files OK against SHA256SUMS, manifest.json and datapackage.json" in result.output
    )
    assert "recorded in " + str(releases / "index.json") in result.output
    assert f"recorded in the index shipped with alliance-data {VERSION}" in result.output


def test_an_edited_file_with_its_sums_line_rewritten_is_caught_by_manifest_datapackage_and_index(releases):
    edit_claims_csv(releases)
    rewrite_line(releases, "claims.csv")
    result = verify(releases)
    assert_refused(result, "manifest.json: records SHA-256", "datapackage.json: records SHA-256", "for claims.csv")
    assert f"{releases / 'index.json'} records SHA-256" in result.output
    assert "the release is not the one published" in result.output


def test_a_release_rewritten_consistently_everywhere_is_caught_by_the_index_in_the_package(releases):
    # A hostile mirror rewrites a file and every record of it beside the release: only the
    # index shipped in the package, which the mirror cannot touch, tells.
    directory = release_of(releases)
    edit_claims_csv(releases)
    size, new = (directory / "claims.csv").stat().st_size, digest(directory / "claims.csv")
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    for table in manifest["tables"]:
        if "csv" in table["files"] and table["files"]["csv"]["path"] == "claims.csv":
            table["files"]["csv"].update(bytes=size, sha256=new)
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["path"] == "claims.csv":
            resource.update(bytes=size, hash=f"sha256:{new}")
    (directory / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    for name in ("claims.csv", "manifest.json", "datapackage.json"):
        rewrite_line(releases, name)
    index = json.loads((releases / "index.json").read_text(encoding="utf-8"))
    entry = next(e for e in index["releases"] if e["version"] == VERSION)
    entry["files"] = {line[66:]: line[:64] for line in sums_lines(releases)}
    entry["sha256sums"] = digest(directory / "SHA256SUMS")
    (releases / "index.json").write_text(json.dumps(index), encoding="utf-8")

    result = verify(releases)
    assert_refused(result, f"the index shipped with alliance-data {VERSION} records SHA-256")
    assert str(releases / "index.json") + " records" not in result.output  # the local index was rewritten too


def test_the_index_in_the_package_is_the_published_index():
    from tools.package import stale_index

    assert stale_index() == [], "the packaged index is stale: run `python -m tools.package`"
    committed = json.loads((RELEASES / "index.json").read_text(encoding="utf-8"))
    assert trust.packaged_index() == committed  # read through importlib.resources
    for entry in committed["releases"]:
        assert entry["sha256sums"] == digest(RELEASES / entry["path"] / "SHA256SUMS")


def test_a_release_newer_than_the_package_says_so(releases, monkeypatch):
    monkeypatch.setattr(trust, "packaged_index", lambda: {"releases": []})
    result = verify(releases)
    assert result.exit_code == 0, result.output
    assert "is not in the index shipped with alliance-data" in result.output
    assert digest(release_of(releases) / "SHA256SUMS") in result.output


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/etc/passwd", "stata/../../claims.csv", "stata//claims.dta", "..", "."],
    ids=["parent", "absolute", "up-from-a-folder", "empty-part", "dotdot", "dot"],
)
def test_entries_outside_the_release_are_refused(releases, name):
    write_sums(releases, [*sums_lines(releases), f"{digest(Path('/etc/passwd'))}  {name}"])
    assert_refused(verify(releases), "names a path outside the release directory")


def test_a_duplicate_entry_is_refused(releases):
    lines = sums_lines(releases)
    write_sums(releases, [*lines, lines[0]])
    assert_refused(verify(releases), "is listed twice")


def test_a_symlink_in_the_release_is_refused_even_with_the_right_content(releases, tmp_path):
    target = release_of(releases) / "claims.csv"
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(target, outside)
    target.unlink()
    target.symlink_to(outside)
    assert_refused(verify(releases), "claims.csv: listed in SHA256SUMS but a symlink")


def test_a_symlinked_release_directory_is_refused(releases, tmp_path):
    moved = tmp_path / "moved"
    release_of(releases).rename(moved)
    release_of(releases).symlink_to(moved)
    result = verify(releases)
    assert result.exit_code == 2 and "is a symlink" in result.output, result.output


@pytest.mark.parametrize("version", [f"{VERSION}/../v{VERSION}", f"../releases/v{VERSION}", "1.0", "latest", ""])
def test_a_version_must_be_a_version(releases, version):
    result = verify(releases, version)
    assert result.exit_code == 2 and "is not a version" in result.output, result.output
    assert "Traceback" not in result.output


def test_an_unlisted_file_is_refused_and_not_served(releases):
    from alliance_data.serving.server import locate

    (release_of(releases) / "private.key").write_text("secret", encoding="utf-8")
    (release_of(releases) / ".hidden").mkdir()
    assert_refused(verify(releases), "private.key: not listed in SHA256SUMS", ".hidden: not listed in SHA256SUMS")
    with pytest.raises(ChecksumMismatch, match=r"private\.key"):
        locate(VERSION, releases)


def test_serve_refuses_a_path_as_version(releases):
    from alliance_data.problems import AllianceDataError
    from alliance_data.serving.server import locate

    with pytest.raises(AllianceDataError, match="is not a version"):
        locate(f"{VERSION}/../v{VERSION}", releases)


def test_binary_mode_lines_and_upper_case_hex_are_accepted_as_sha256sum_does(releases):
    lines = [f"{line[:64].upper()} *{line[66:]}" if i % 2 else line for i, line in enumerate(sums_lines(releases))]
    write_sums(releases, lines)
    checked = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=release_of(releases))
    assert checked.returncode == 0  # the same file is one sha256sum accepts
    # The rewritten SHA256SUMS is no longer the published one, so only the files are compared.
    assert len(verify_files(release_of(releases))) == len(lines)


def test_a_non_utf8_sums_file_is_a_clear_error(releases):
    (release_of(releases) / "SHA256SUMS").write_bytes(b"\xff\xfe" + "\n".join(sums_lines(releases)).encode("utf-16-le"))
    assert_refused(verify(releases), "SHA256SUMS is not UTF-8 (byte 0xff at byte offset 0)")


def test_an_oversized_sums_file_is_refused_without_reading_it_whole(releases):
    with open(release_of(releases) / "SHA256SUMS", "ab") as handle:
        handle.truncate(64 << 20)
    assert_refused(verify(releases), "SHA256SUMS is over 1,048,576 bytes")


def test_an_unreadable_file_is_a_clear_error(releases, monkeypatch):
    target = release_of(releases) / "claims.parquet"
    if os.geteuid() != 0:
        target.chmod(0)
    else:  # root reads anything: the same refusal, from the operating system's call
        real_open = builtins.open

        def refusing_open(file, *args, **kwargs):
            if Path(file) == target:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing_open)
    assert_refused(verify(releases), "claims.parquet: cannot be read (Permission denied)")


def test_a_malformed_index_is_a_clear_error(releases):
    (releases / "index.json").write_bytes(b"\xff{")
    assert_refused(verify(releases), "index.json: not valid UTF-8 JSON")


def test_a_fifo_as_index_is_refused_without_blocking(releases):
    (releases / "index.json").unlink()
    os.mkfifo(releases / "index.json")
    assert_refused(verify(releases), "index.json: not a regular file")


def test_a_release_the_index_does_not_list_is_refused(releases):
    index = json.loads((releases / "index.json").read_text(encoding="utf-8"))
    index["releases"] = []
    (releases / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert_refused(verify(releases), f"does not list v{VERSION}")


# The packaged data: damage is a PackagedDataError that says to reinstall.


@pytest.fixture
def package_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the installed package's data that `load()` reads instead."""
    root = tmp_path / "alliance_data"
    shutil.copytree(ROOT / "src" / "alliance_data" / "data", root / "data")
    monkeypatch.setattr(loading, "files", lambda package: root)
    loading.manifest.cache_clear()
    yield root / "data"
    loading.manifest.cache_clear()


def test_a_deleted_packaged_parquet_file_says_reinstall(package_copy):
    (package_copy / "claims.parquet").unlink()
    with pytest.raises(loading.PackagedDataError, match="reinstall"):
        loading.load("claims")
    result = CliRunner().invoke(main, ["show", "claims"])
    assert result.exit_code == 1 and "reinstall" in result.output and "Traceback" not in result.output


def test_a_manifest_entry_without_parquet_says_reinstall(package_copy):
    manifest = json.loads((package_copy / "manifest.json").read_text(encoding="utf-8"))
    for table in manifest["tables"]:
        table["files"].pop("parquet")
    del manifest["database"]["sha256"]
    (package_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(loading.PackagedDataError, match=r"records no parquet file.*reinstall"):
        loading.load("actors")
    with pytest.raises(loading.PackagedDataError, match="reinstall"):
        loading.database_path()


def test_rewriting_the_index_never_takes_in_a_changed_release(releases):
    """The index keeps what was published: a release rewritten consistently (file and its
    SHA256SUMS line) and then an index rewrite (as the next release does) still disagree."""
    import json as json_module

    from alliance_data.release.release_index import extended_index, listed_releases, write_index

    before = json_module.loads((releases / "index.json").read_text(encoding="utf-8"))
    directory = release_of(releases)
    target = directory / "sources.csv"
    target.write_bytes(target.read_bytes() + b"\n")
    lines = [
        f"{digest(target)}  sources.csv" if line.endswith("  sources.csv") else line for line in sums_lines(releases)
    ]
    write_sums(releases, lines)
    entries = listed_releases(releases)
    write_index(releases, extended_index(entries[:-1], entries[-1]))
    assert json_module.loads((releases / "index.json").read_text(encoding="utf-8")) == before
    assert_refused(verify(releases), "records SHA-256")
