"""`verify` checks what the files of a release hold, not only that they are the ones recorded:
a release (of a version the package does not know) whose files and records were all rewritten
together is refused when its formats disagree or its schemas are not the models'; sizes are
compared before any file is hashed; JSON files are read within bounds."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_data import about
from alliance_data.cli import main
from alliance_data.release import checksums
from alliance_data.release.bounded_json import MAX_JSON_DEPTH, UnreadableJson, read_json
from conftest import ROOT

RELEASES = ROOT / "releases"
# The package's own version, published; and the next patch of it, which its index does not list.
PUBLISHED = about.__version__
_MAJOR, _MINOR, _PATCH = map(int, PUBLISHED.split("."))
UNKNOWN = f"{_MAJOR}.{_MINOR}.{_PATCH + 1}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rewrite_records(directory: Path, version: str, releases: Path) -> None:
    """Rewrite manifest.json, datapackage.json, SHA256SUMS and index.json to agree with the
    files as they are now: what whoever controls the download can do."""
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["version"] = version
    entries = [manifest["database"], *(f for t in manifest["tables"] for f in t["files"].values())]
    for entry in entries + manifest.get("other_files", []):
        entry["bytes"], entry["sha256"] = (directory / entry["path"]).stat().st_size, _digest(directory / entry["path"])
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    package_path = directory / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    package["version"] = version
    for resource in package["resources"]:
        path = directory / resource["path"]
        resource["bytes"], resource["hash"] = path.stat().st_size, f"sha256:{_digest(path)}"
    package_path.write_text(json.dumps(package, indent=2), encoding="utf-8")
    checksums.write_sums(directory)
    index_path = releases / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    files = {
        line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in (directory / "SHA256SUMS").read_text().splitlines()
    }
    index["releases"].append(
        {"version": version, "path": f"v{version}/", "sha256sums": _digest(directory / "SHA256SUMS"), "files": files}
    )
    index_path.write_text(json.dumps(index, indent=2), encoding="utf-8")


@pytest.fixture
def forge(tmp_path: Path) -> Callable[[Callable[[Path], None]], Path]:
    """A copy of the releases with the package's version republished as its next patch after `edit`, every record
    rewritten to agree; returns the releases directory."""

    def make(edit: Callable[[Path], None]) -> Path:
        releases = tmp_path / "releases"
        shutil.copytree(RELEASES, releases)
        directory = releases / f"v{UNKNOWN}"
        shutil.copytree(releases / f"v{PUBLISHED}", directory)
        edit(directory)
        _rewrite_records(directory, UNKNOWN, releases)
        return releases

    return make


def verify(releases: Path, version: str = UNKNOWN):
    return CliRunner().invoke(main, ["verify", version, "--releases", str(releases)])


def assert_refused(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "files OK" not in result.output, result.output
    for text in expected:
        assert text in result.output, (text, result.output)


def test_a_consistently_rewritten_copy_of_a_true_release_verifies(forge):
    # The control: rewriting the records alone is not what is refused.
    result = verify(forge(lambda directory: None))
    assert result.exit_code == 0, result.output
    assert "not in the index shipped" in result.output


def _forge_statement(directory: Path) -> None:
    connection = sqlite3.connect(directory / "alliance.db")
    with connection:
        connection.execute(
            "UPDATE claims SET statement = 'Russia and Iran signed a mutual defence treaty.' "
            "WHERE claim_id = (SELECT min(claim_id) FROM claims)"
        )
    connection.close()


def test_a_forged_statement_in_the_database_beside_the_true_parquet_and_csv_is_refused(forge):
    assert_refused(
        verify(forge(_forge_statement)),
        "alliance.db table claims: other rows than claims.parquet",
        "column 'statement'",
    )


def test_a_csv_that_differs_from_its_parquet_is_refused(forge):
    def edit(directory: Path) -> None:
        path = directory / "topics.csv"
        path.write_text(
            path.read_text(encoding="utf-8").replace("Cold War divide", "Cold War alliance"), encoding="utf-8"
        )

    assert_refused(verify(forge(edit)), "topics.csv: other rows than topics.parquet", "history-cold-war-divide")


def test_swapped_parquet_files_are_refused(forge):
    def edit(directory: Path) -> None:
        claims, topics = (directory / "claims.parquet").read_bytes(), (directory / "topics.parquet").read_bytes()
        (directory / "claims.parquet").write_bytes(topics)
        (directory / "topics.parquet").write_bytes(claims)

    assert_refused(verify(forge(edit)), "claims.parquet: lacks the primary key ['claim_id'] of table claims")


def test_a_table_schema_that_is_not_the_models_is_refused(forge):
    def edit(directory: Path) -> None:
        path = directory / "datapackage.json"
        package = json.loads(path.read_text(encoding="utf-8"))
        claims = next(r for r in package["resources"] if r["name"] == "claims")
        certainty = next(f for f in claims["schema"]["fields"] if f["name"] == "certainty")
        certainty["constraints"]["enum"].append("proven")
        path.write_text(json.dumps(package, indent=2), encoding="utf-8")

    assert_refused(verify(forge(edit)), "the Table Schema of claims is not the one the models derive")


def test_a_database_created_otherwise_than_the_models_derive_is_refused(forge):
    def edit(directory: Path) -> None:
        connection = sqlite3.connect(directory / "alliance.db")
        with connection:
            connection.execute("CREATE TABLE scratch (x)")
            connection.execute("DROP TABLE scratch")
            connection.execute("ALTER TABLE topics ADD COLUMN note TEXT")
        connection.close()

    assert_refused(verify(forge(edit)), "table topics is not created as the models derive it")


def test_the_published_releases_pass_the_content_checks():
    for version in ("1.0.0", "2.0.0"):
        result = verify(RELEASES, version)
        assert result.exit_code == 0, result.output


def test_a_file_of_the_wrong_size_is_not_hashed(tmp_path, monkeypatch):
    releases = tmp_path / "releases"
    shutil.copytree(RELEASES, releases)
    database = releases / f"v{PUBLISHED}" / "alliance.db"
    recorded = database.stat().st_size
    with open(database, "ab") as handle:
        handle.truncate(6 << 30)  # a sparse 6 GB file: no disk, but a hash would read it all
    hashed: list[str] = []
    real = checksums.sha256
    monkeypatch.setattr(checksums, "sha256", lambda path: hashed.append(Path(path).name) or real(path))
    result = verify(releases, PUBLISHED)
    assert_refused(
        result, "alliance.db: not hashed", f"records {recorded} bytes for alliance.db; the file has 6442450944"
    )
    assert "alliance.db" not in hashed


def test_deeply_nested_json_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(UnreadableJson, match=f"nested over {MAX_JSON_DEPTH} levels"):
        read_json(path, "manifest")
    # Brackets inside strings are text, not nesting.
    path.write_text(json.dumps({"a": "[" * 1000}), encoding="utf-8")
    assert read_json(path, "manifest") == {"a": "[" * 1000}


def test_a_deeply_nested_manifest_is_a_clear_refusal(tmp_path):
    releases = tmp_path / "releases"
    shutil.copytree(RELEASES, releases)
    (releases / f"v{PUBLISHED}" / "manifest.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    checksums.write_sums(releases / f"v{PUBLISHED}")
    assert_refused(verify(releases, PUBLISHED), "nested over")
