"""Releases: complete, verifiable, reproducible, immutable, and versioned by what changed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from alliance_data import about
from alliance_data.cli import main
from alliance_data.release.checksums import ChecksumMismatch, verify
from alliance_data.release.cut import ReleaseError, release
from alliance_data.release.datapackage import write_descriptor
from alliance_data.release.diff import diff
from conftest import DATA, ROOT, replace_in

pytestmark = pytest.mark.slow  # Releases, frictionless over every file, a second release to compare bytes.


def frictionless_report(directory: Path) -> dict:
    """What the `frictionless validate` command (from PyPI) says of a release directory."""
    command = [str(Path(sys.executable).with_name("frictionless")), "validate", "--json", "datapackage.json"]
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True)
    return json.loads(result.stdout)


def files(directory: Path) -> dict[str, bytes]:
    """Every file of a release by its path inside it (subfolders such as stata/ included)."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_release_holds_every_file(published):
    names = set(files(published))
    assert {
        "alliance.db",
        "datapackage.json",
        "SHA256SUMS",
        "RELEASE_NOTES.md",
        "codebook.md",
        "manifest.json",
    } <= names
    assert {"claims.parquet", "claims.csv", "actor_pairs.parquet", "actor_pairs.csv"} <= names
    assert {"argument-map.svg", "argument-map-claims.svg"} <= names


def test_sha256sum_accepts_the_checksums(published):
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=published, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(files(published)) - 1


def test_frictionless_validates_the_package(published):
    descriptor = json.loads((published / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0, resource["name"]
        if resource["path"].endswith(".csv"):
            schema = resource["schema"]
            assert schema["fields"] and schema["primaryKey"], resource["name"]
            assert all("description" in field for field in schema["fields"])
    assert descriptor["version"] == about.__version__ and descriptor["licenses"] and descriptor["contributors"]
    report = frictionless_report(published)
    assert report["valid"], json.dumps(report["tasks"][0]["errors"][:3])
    assert len(report["tasks"]) == len(descriptor["resources"])


def test_frictionless_checks_every_row(published, tmp_path):
    # A bad enumeration value in a CSV, with the descriptor's hash updated, is still caught.
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    claims = copy / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(',"asserted",', ',"certain",', 1), encoding="utf-8")
    source = {"title": "t", "author": "a", "url": None, "note": None}
    write_descriptor(copy, about.__version__, source)
    report = frictionless_report(copy)
    assert not report["valid"]
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert any(e["type"] == "constraint-error" and "certain" in e["message"] for e in errors)


def test_two_releases_of_the_same_inputs_are_byte_identical(published, tmp_path):
    again = release(about.__version__, DATA, tmp_path).directory
    assert files(again) == files(published)


def test_a_published_version_is_never_overwritten(published):
    before = files(published)
    with pytest.raises(ReleaseError, match="never overwritten"):
        release(about.__version__, DATA, published.parent)
    assert files(published) == before


def test_the_version_must_be_the_package_version(tmp_path):
    with pytest.raises(ReleaseError, match="package version"):
        release("9.9.9", DATA, tmp_path)
    assert not any(tmp_path.iterdir())


def test_nothing_changed_needs_no_release(published, monkeypatch):
    monkeypatch.setattr(about, "__version__", "99.0.0")
    with pytest.raises(ReleaseError, match="nothing changed"):
        release("99.0.0", DATA, published.parent)


def _bump(version: str, part: int) -> str:
    numbers = [int(n) for n in version.split(".")]
    numbers[part] += 1
    numbers[part + 1 :] = [0] * (2 - part)
    return ".".join(map(str, numbers))


def test_a_correction_needs_a_patch(published, data_copy, monkeypatch, tmp_path):
    releases = tmp_path / "releases"
    shutil.copytree(published, releases / published.name)
    shutil.copy(published.parent / "index.json", releases / "index.json")
    replace_in(data_copy / "topics.yaml", "  label: Cold War divide\n", "  label: The Cold War divide\n")
    patch = _bump(about.__version__, 2)
    monkeypatch.setattr(about, "__version__", patch)
    made = release(patch, data_copy, releases)
    notes = (made.directory / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    assert "Required version bump: **patch**" in notes
    assert "`history-cold-war-divide`" in notes and "'Cold War divide' → 'The Cold War divide'" in notes
    index = json.loads((releases / "index.json").read_text())
    assert [r["version"] for r in index["releases"]] == [published.name[1:], patch]


def test_added_records_need_a_minor_and_the_command_says_which(published, data_copy, monkeypatch, tmp_path):
    releases = tmp_path / "releases"
    shutil.copytree(published, releases / published.name)
    shutil.copy(published.parent / "index.json", releases / "index.json")
    with open(data_copy / "topics.yaml", "a", encoding="utf-8") as handle:
        handle.write("- topic_id: risk-new\n  kind: risk\n  label: New\n  description: A topic added in a test.\n")
    patch, minor = _bump(published.name[1:], 2), _bump(published.name[1:], 1)
    monkeypatch.setattr(about, "__version__", patch)
    with pytest.raises(ReleaseError, match=f"need a minor release: expected {minor}"):
        release(patch, data_copy, releases)
    assert sorted(p.name for p in releases.iterdir()) == ["index.json", published.name]


def test_required_bump_follows_the_rules():
    def table(rows, columns=("id", "x")):
        t = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
        return t.replace_schema_metadata({b"primary_key": b'["id"]'})

    base = {"t": table([("a", 1), ("b", 2)])}
    assert diff(base, base).required_bump() is None
    assert diff(base, {"t": table([("a", 1), ("b", 3)])}).required_bump() == "patch"
    assert diff(base, {"t": table([("a", 1), ("b", 2), ("c", 3)])}).required_bump() == "minor"
    assert diff(base, {**base, "u": table([("a", 1)])}).required_bump() == "minor"
    assert diff(base, {"t": table([("a", 1)])}).required_bump() == "major"
    assert diff(base, {"t": table([("a", 1), ("b", 2)], ("id", "y"))}).required_bump() == "major"
    assert diff(base, {}).required_bump() == "major"


def test_diff_command_prints_changes_field_by_field(data_copy):
    # A version is the published release, verified (a release cut elsewhere under the same
    # version is not the one published, and is refused).
    replace_in(data_copy / "topics.yaml", "  label: Cold War divide\n", "  label: The Cold War divide\n")
    result = CliRunner().invoke(main, ["diff", about.__version__, str(data_copy), "--releases", str(ROOT / "releases")])
    assert result.exit_code == 0, result.output
    assert "`history-cold-war-divide`" in result.output and "`label`" in result.output


@pytest.mark.parametrize("damage", ["tamper", "truncate", "delete", "bad-line", "extra-file"])
def test_verify_catches_damaged_releases(published, tmp_path, damage):
    copy = tmp_path / published.name
    shutil.copytree(published, copy)
    target = copy / "claims.parquet"
    if damage == "tamper":
        data = bytearray(target.read_bytes())
        data[100] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:-5])
    elif damage == "delete":
        target.unlink()
    elif damage == "bad-line":
        sums = copy / "SHA256SUMS"
        sums.write_text(sums.read_text().replace("  claims.parquet", " claims.parquet"))
    else:
        (copy / "notes.txt").write_text("x")
    with pytest.raises(ChecksumMismatch) as error:
        verify(copy)
    assert "claims.parquet" in str(error.value) or "notes.txt" in str(error.value)
    result = CliRunner().invoke(main, ["verify", published.name, "--releases", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_killed_release_publishes_nothing(tmp_path):
    import textwrap

    script = textwrap.dedent(f"""
        import os, signal
        from alliance_data.release import cut
        def killed(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        cut.write_descriptor = killed
        cut.release({about.__version__!r}, {str(DATA)!r}, {str(tmp_path)!r})
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == -9
    assert not (tmp_path / f"v{about.__version__}").exists()
    # The next attempt clears the leftovers and publishes.
    made = release(about.__version__, DATA, tmp_path)
    verify(made.directory)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.json", f"v{about.__version__}"]


@pytest.mark.parametrize(
    "version", ["1.0", "v1.0.0", "1.0.0rc1", "1.0.0+local", "1.0.0.0", "01.0.0", " 1.0.0", "1!1.0.0"]
)
def test_only_a_plain_semantic_version_is_a_version(version):
    from alliance_data.release.diff import semantic_version

    assert semantic_version("2.10.3") == (2, 10, 3)
    with pytest.raises(ValueError, match=r"is not a semantic version MAJOR\.MINOR\.PATCH"):
        semantic_version(version)


def test_a_release_ships_what_validation_read_and_reads_nothing_again(data_copy, tmp_path, monkeypatch):
    """The inputs are read once, by validation: a source text or sources.yaml changed after
    it is neither read again nor shipped; the release holds the validated bytes."""
    from alliance_data.release import cut

    validated = {}
    real_validate = cut.validate

    def validate_then_change_the_inputs(data_dir):
        dataset = real_validate(data_dir)
        for path in sorted((data_copy / "sources").glob("*.txt")):
            validated[path.name] = path.read_bytes()
            path.write_bytes(b"changed after validation")
        (data_copy / "sources.yaml").write_text("not: [the validated sources\n", encoding="utf-8")
        return dataset

    monkeypatch.setattr(cut, "validate", validate_then_change_the_inputs)
    published = release(about.__version__, data_copy, tmp_path / "releases").directory
    assert validated
    for name, data in validated.items():
        assert (published / "sources" / name).read_bytes() == data
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["sources"][0]["title"].startswith("Iran And Russia")


def test_a_release_just_cut_passes_every_check_of_verify(published):
    """What `release` publishes, `verify` accepts: checksums, manifest, index, every format's rows
    and every schema the models derive (datapackage's CSV and Parquet resources alike)."""
    from alliance_data.release.trust import verify_release

    # Cut in a fresh releases folder, it is not the published release the package's index records.
    verified = verify_release(published.name.removeprefix("v"), published.parent, packaged=False)
    assert verified.directory == published
