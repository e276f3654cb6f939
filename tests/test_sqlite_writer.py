"""The SQLite writer: each part of the database starts once its tables are final, and the
file it writes is the one written part after part in one process, byte for byte."""

from __future__ import annotations

import pytest

from alliance_data.build.pipeline import published_tables
from alliance_data.curation.validate import validate
from alliance_data.exports.sqlite import PARTS, write_sqlite
from alliance_data.exports.sqlite_writer import SqliteWriter
from conftest import DATA


@pytest.fixture(scope="module")
def tables():
    return published_tables(validate(DATA))


def test_a_part_starts_when_its_last_table_is_final_and_the_file_is_the_sequential_one(tables, tmp_path):
    write_sqlite(tmp_path / "sequential.db", tables)
    with SqliteWriter(tmp_path / "concurrent.db") as writer:
        order = [name for part in reversed(PARTS) for name in part]  # the last part first
        for name in order:
            writer.table_final(name, tables[name])
            expected = {number for number, part in enumerate(PARTS) if set(part) <= set(order[: order.index(name) + 1])}
            assert writer.started == expected, name
        writer.finish()
    assert (tmp_path / "concurrent.db").read_bytes() == (tmp_path / "sequential.db").read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["concurrent.db", "sequential.db"]


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
