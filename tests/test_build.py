"""The build: every format written, deterministic, atomic, and faithful to the records."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from alliance_data.build.pipeline import DATABASE_FILE, MANIFEST_FILE, build, build_tables
from alliance_data.codebook.registry import TABLES
from alliance_data.exports.sqlite import FTS_DEFAULT_HASH_BYTES
from alliance_data.problems import ValidationFailed
from conftest import DATA, ROOT, replace_in

pytestmark = pytest.mark.slow  # Full builds of data/, several per test.


def digests(directory: Path) -> dict[str, str]:
    """Every file of a build by its path inside it (sources/ included)."""
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_every_table_in_every_format(built):
    names = {p.name for p in built.iterdir()}
    for table in TABLES:
        assert {f"{table.name}.parquet", f"{table.name}.csv"} <= names
    assert {DATABASE_FILE, MANIFEST_FILE} <= names


def test_two_builds_are_byte_identical(built, tmp_path):
    again = build(DATA, tmp_path / "again").directory
    assert digests(again) == digests(built)


def test_manifest_records_environment_and_checksums(built):
    manifest = json.loads((built / MANIFEST_FILE).read_text())
    assert set(manifest["environment"]) >= {"python", "pyarrow", "pandas", "sqlite"}
    claims = next(t for t in manifest["tables"] if t["name"] == "claims")
    parquet = claims["files"]["parquet"]
    assert parquet["sha256"] == hashlib.sha256((built / parquet["path"]).read_bytes()).hexdigest()


def test_parquet_csv_and_sqlite_hold_the_same_rows(built):
    tables = build_tables(DATA)
    db = sqlite3.connect(built / DATABASE_FILE)
    for table in TABLES:
        expected = tables[table.name].to_pylist()
        assert pq.read_table(built / f"{table.name}.parquet").to_pylist() == expected
        with open(built / f"{table.name}.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [row[table.primary_key[0]] for row in rows] == [row[table.primary_key[0]] for row in expected]
        cursor = db.execute(f"SELECT * FROM [{table.name}] ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        assert [dict(zip(names, row, strict=True)) for row in cursor] == expected


def test_csv_round_trips_text_exactly(built):
    with open(built / "claims.csv", newline="", encoding="utf-8") as handle:
        rows = {row["claim_id"]: row for row in csv.DictReader(handle)}
    text = (DATA / "sources" / "irda.txt").read_text(encoding="utf-8")
    for row in rows.values():
        assert text[int(row["char_start"]) : int(row["char_end"])] == row["quote"]


def test_sqlite_is_constrained_indexed_searchable_and_not_wal(built):
    db = sqlite3.connect(built / DATABASE_FILE, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0  # nothing a VACUUM would reclaim
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute("UPDATE claims SET kind = 'gossip' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("UPDATE claims SET topic_id = 'no-such-topic' WHERE rowid = 1")
    for table in TABLES:
        indexed = {
            db.execute(f"PRAGMA index_info([{index[1]}])").fetchone()[2]
            for index in db.execute(f"PRAGMA index_list([{table.name}])")
        }
        # Every foreign key is indexed (by its own index or as the primary key's first column).
        assert {key.column for key in table.foreign_keys} <= indexed, table.name
    hits = db.execute(
        "SELECT claims.claim_id FROM claims_fts JOIN claims ON claims.rowid = claims_fts.rowid "
        "WHERE claims_fts MATCH 'sanctions'"
    ).fetchall()
    assert len(hits) >= 5


def test_the_full_text_index_is_whole_found_by_datasette_and_left_with_fts5_defaults(built):
    """The index is loaded with a larger in-memory hash table (exports/sqlite.py); the file
    keeps FTS5's default, its index passes FTS5's own check, and Datasette finds it."""
    from datasette.utils import detect_fts

    db = sqlite3.connect(built / DATABASE_FILE, isolation_level=None)
    config = dict(db.execute("SELECT k, v FROM claims_fts_config"))
    assert config.get("hashsize", FTS_DEFAULT_HASH_BYTES) == FTS_DEFAULT_HASH_BYTES
    # FTS5's own check, with rank 1 against the claims table itself: raises if they differ.
    db.execute("INSERT INTO claims_fts(claims_fts, rank) VALUES ('integrity-check', 1)")
    assert db.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'iran'").fetchone()[0] > 0
    assert detect_fts(db, "claims") == "claims_fts"


def test_invalid_input_writes_nothing(data_copy, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("outputs")
    out = tmp_path / "out"
    build(DATA, out)
    before = digests(out)
    replace_in(data_copy / "claims/irda-s3.yaml", "  certainty: asserted\n", "  certainty: sure\n")
    with pytest.raises(ValidationFailed):
        build(data_copy, out)
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(ValidationFailed):
        build(data_copy, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()


def test_a_killed_build_leaves_the_previous_output_intact(tmp_path):
    out = tmp_path / "out"
    build(DATA, out)
    before = digests(out)
    # Kill the process for real half-way, while the files are being written.
    script = textwrap.dedent(f"""
        import os, signal
        from alliance_data.build import pipeline as b
        def killed(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        b.write_csv = killed
        b.build({str(DATA)!r}, {str(out)!r})
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert result.returncode == -9
    assert digests(out) == before
    # The next build clears what the killed one left and succeeds.
    build(DATA, out)
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_table_check_failure_stops_the_early_sqlite_load_and_writes_nothing(data_copy, tmp_path_factory, monkeypatch):
    import re

    from alliance_data.build import pipeline as build_module

    claims = data_copy / "claims/irda-s3.yaml"
    text = claims.read_text(encoding="utf-8")
    # Passes every record-level check, fails a table check: the quote is no longer at its offsets.
    claims.write_text(re.sub(r"char_start: (\d+)", lambda m: f"char_start: {int(m[1]) + 1}", text, count=1))
    started = []

    class Spy(build_module.SqliteWriter):
        def __init__(self, path):
            super().__init__(path)
            started.append(self)

    monkeypatch.setattr(build_module, "SqliteWriter", Spy)
    outputs = tmp_path_factory.mktemp("outputs")
    with pytest.raises(ValidationFailed, match="quote"):
        build(data_copy, outputs / "out")
    assert len(started) == 1 and started[0].processes, "the SQLite load should have started before the checks"
    assert not any(process.is_alive() for process in started[0].processes)
    assert sorted(p.name for p in outputs.iterdir()) == []  # no output, no staging directory


def test_sqlite_starts_loading_before_the_checks_and_validation_knows_nothing_of_it(monkeypatch, tmp_path):
    """The build tells the SQLite writer the tables nothing is derived into before derive runs
    and the derived ones before the checks start; derive and the checks take no writer hook."""
    import inspect

    from alliance_data.build import pipeline
    from alliance_data.curation.derive import DERIVED_TABLES, derive
    from alliance_data.curation.validate import check_derived, validate_dataset
    from alliance_data.exports.sqlite_writer import SqliteWriter

    told, seen = [], {}
    real_final = SqliteWriter.table_final

    def table_final(self, name, table):
        told.append(name)
        real_final(self, name, table)

    def derive_watched(dataset):
        seen["before derive"] = list(told)
        derive(dataset)

    def checks_watched(dataset, problems):
        seen["before the checks"] = list(told)
        return check_derived(dataset, problems)

    monkeypatch.setattr(SqliteWriter, "table_final", table_final)
    monkeypatch.setattr(pipeline, "derive", derive_watched)
    monkeypatch.setattr(pipeline, "check_derived", checks_watched)
    build(DATA, tmp_path / "out")
    authored = sorted(table.name for table in TABLES if table.name not in DERIVED_TABLES)
    assert sorted(seen["before derive"]) == authored
    assert sorted(seen["before the checks"]) == sorted(table.name for table in TABLES)
    for function in (derive, validate_dataset, check_derived):
        assert list(inspect.signature(function).parameters) <= ["dataset", "problems"], function.__name__
