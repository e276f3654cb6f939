"""Where `exports.sqlite.write_sqlite` spends its time, and what a column-wise load costs.

    python -m benchmarks.sqlite_floor [--size 1000000]

Builds the Arrow tables of a synthetic corpus, then writes the same database (same DDL, indexes,
full-text search, VACUUM) two ways and times each stage:
- as the build does: `plain(table).to_pylist()` and sqlite-utils `insert_all` (write_sqlite);
- column-wise: `executemany` of tuples zipped from the Arrow columns, in one transaction, then the
  same indexes, `enable_fts` and VACUUM.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import sqlite_utils

from alliance_data.exports.arrow import arrow_table
from alliance_data.exports.csv import plain
from alliance_data.exports.sqlite import indexed_columns, table_ddl, write_sqlite
from alliance_data.registry import TABLES

from .synthetic import derive, generate


def _timed(label: str, seconds: dict[str, float], function, *args):
    started = time.perf_counter()
    value = function(*args)
    seconds[label] = time.perf_counter() - started
    return value


def column_wise(path: Path, tables: dict, seconds: dict[str, float]) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = ON")

    def load() -> None:
        with connection:
            for table in TABLES:
                connection.execute(table_ddl(table))
                arrow = plain(tables[table.name])
                columns = [column.to_pylist() for column in arrow.columns]
                marks = ", ".join("?" * len(columns))
                connection.executemany(f"INSERT INTO [{table.name}] VALUES ({marks})", zip(*columns, strict=True))

    _timed("column-wise: DDL + executemany", seconds, load)
    connection.close()
    db = sqlite_utils.Database(path)

    def indexes() -> None:
        for table in TABLES:
            for column in indexed_columns(table):
                db[table.name].create_index([column], find_unique_name=True)

    _timed("indexes", seconds, indexes)

    def fts() -> None:
        for table in TABLES:
            if table.full_text:
                db[table.name].enable_fts(list(table.full_text), tokenize="porter")

    _timed("full-text index (enable_fts)", seconds, fts)
    indexed = db.execute("SELECT count(*) FROM claims_fts").fetchone()[0]
    assert indexed == tables["claims"].num_rows, (indexed, tables["claims"].num_rows)
    db.execute("PRAGMA journal_mode = DELETE")
    _timed("VACUUM", seconds, db.vacuum)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    arguments = parser.parse_args()
    dataset = generate(arguments.size)
    derive(dataset)
    tables = {spec.name: arrow_table(spec, dataset.rows[spec.name]) for spec in TABLES}
    del dataset
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        rows = _timed(
            "build: plain(table).to_pylist()", seconds, lambda: {n: plain(t).to_pylist() for n, t in tables.items()}
        )
        _timed(
            "build: write_sqlite (insert_all, indexes, FTS, VACUUM)",
            seconds,
            write_sqlite,
            Path(directory) / "a.db",
            rows,
        )
        del rows
        column_wise(Path(directory) / "b.db", tables, seconds)
        sizes = {name: (Path(directory) / name).stat().st_size / 1e6 for name in ("a.db", "b.db")}
    print(
        f"{arguments.size:,} claims; databases {sizes['a.db']:.0f} MB (build) and {sizes['b.db']:.0f} MB (column-wise)"
    )
    print("| stage | seconds |\n| --- | ---: |")
    for label, value in seconds.items():
        print(f"| {label} | {value:.1f} |")
    column_total = sum(value for label, value in seconds.items() if not label.startswith("build"))
    print(f"| column-wise total | {column_total:.1f} |")


if __name__ == "__main__":
    main()
