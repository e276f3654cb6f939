"""The SQLite writer: each part of the database starts once its tables are final, the process
started last merges them in a child before `finish` is called, a part's failure reaches the
caller as its own, and the file it writes is the one written part after part in one process,
byte for byte."""

from __future__ import annotations

import errno
import os

import pytest

from alliance_data.build.pipeline import published_tables
from alliance_data.curation.validate import validate
from alliance_data.exports import sqlite_writer
from alliance_data.exports.sqlite import PARTS, write_sqlite
from alliance_data.exports.sqlite_writer import SqliteWriter
from alliance_data.problems import AllianceDataError
from conftest import DATA


@pytest.fixture(scope="module")
def tables():
    return published_tables(validate(DATA))


def _ready(order: list[str], announced: int) -> set[int]:
    """The parts a writer has started once the first `announced` tables of `order` are final:
    every part whose tables are."""
    final = set(order[:announced])
    return {number for number, part in enumerate(PARTS) if set(part) <= final}


@pytest.mark.parametrize("last_part_first", [True, False])
def test_a_part_starts_when_its_last_table_is_final_and_the_file_is_the_sequential_one(
    tables, tmp_path, last_part_first
):
    write_sqlite(tmp_path / "sequential.db", tables)
    with SqliteWriter(tmp_path / "concurrent.db") as writer:
        parts = reversed(PARTS) if last_part_first else PARTS
        order = [name for part in parts for name in part]
        for announced, name in enumerate(order, start=1):
            writer.table_final(name, tables[name])
            assert writer.started == _ready(order, announced), name
        writer.finish()
    assert (tmp_path / "concurrent.db").read_bytes() == (tmp_path / "sequential.db").read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["concurrent.db", "sequential.db"]


def test_the_parts_are_merged_before_finish_is_called(tables, tmp_path):
    with SqliteWriter(tmp_path / "early.db") as writer:
        for name, table in tables.items():
            writer.table_final(name, table)
        for process in writer.processes:
            process.join(timeout=120)
        # Every process has ended and the database is whole: finish only collects the outcome.
        assert sorted(path.name for path in tmp_path.iterdir()) == ["early.db"]
        writer.finish()
    write_sqlite(tmp_path / "sequential.db", tables)
    assert (tmp_path / "early.db").read_bytes() == (tmp_path / "sequential.db").read_bytes()


def _failing_in(part_number: int, failure):
    real = sqlite_writer._write_part

    def write_part(tables, part, names):
        if names == PARTS[part_number]:
            failure()
        real(tables, part, names)

    return write_part


def _disk_full():
    raise OSError(errno.ENOSPC, "No space left on device", "alliance.db.part1")


def _killed():
    os.kill(os.getpid(), 9)


@pytest.mark.parametrize("part_number", range(len(PARTS)))
def test_a_full_disk_in_any_part_is_raised_as_itself(tables, tmp_path, monkeypatch, part_number):
    monkeypatch.setattr(sqlite_writer, "_write_part", _failing_in(part_number, _disk_full))
    with pytest.raises(OSError) as raised, SqliteWriter(tmp_path / "full.db") as writer:
        for name, table in tables.items():
            writer.table_final(name, table)
        writer.finish()
    assert raised.value.errno == errno.ENOSPC
    assert not any(process.is_alive() for process in writer.processes)


@pytest.mark.parametrize("part_number", range(len(PARTS)))
def test_a_part_killed_before_it_reports_is_named_by_its_exit_code(tables, tmp_path, monkeypatch, part_number):
    monkeypatch.setattr(sqlite_writer, "_write_part", _failing_in(part_number, _killed))
    with pytest.raises(AllianceDataError, match="exit code -9"), SqliteWriter(tmp_path / "killed.db") as writer:
        for name, table in tables.items():
            writer.table_final(name, table)
        writer.finish()
    assert not any(process.is_alive() for process in writer.processes)


def test_rows_in_any_order_are_written_in_key_order(tables, tmp_path):
    write_sqlite(tmp_path / "sorted.db", tables)
    with SqliteWriter(tmp_path / "shuffled.db") as writer:
        for name, table in tables.items():
            writer.table_final(name, table.take(list(reversed(range(table.num_rows)))))
        writer.finish()
    assert (tmp_path / "shuffled.db").read_bytes() == (tmp_path / "sorted.db").read_bytes()


def test_the_database_cannot_be_finished_before_every_table_is_final(tables, tmp_path):
    with SqliteWriter(tmp_path / "partial.db") as writer:
        writer.table_final("claims", tables["claims"])
        with pytest.raises(ValueError, match=r"actor_pairs.* not final"):
            writer.finish()
    assert not (tmp_path / "partial.db").exists()
    assert not any(process.is_alive() for process in writer.processes)
