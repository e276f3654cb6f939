"""Where the SQLite export spends its time, against the designs it replaced.

    python -m benchmarks.sqlite_floor [--size 1000000]

Builds the Arrow tables of a synthetic corpus, then times:
- the build's `exports.sqlite.write_sqlite`, stage by stage (row load, indexes, full-text
  index, merging the parts), its parts one after the other (the build writes them at once);
- the row load alone, as the build does it (apsw `executemany` over the Arrow columns), and as
  it was before: through the standard library's sqlite3, and with the enumeration CHECKs
  written as `IN (...)` lists (SQLite builds a lookup table for such a list each time the CHECK
  runs); sqlite-utils' `insert_all` of row dicts, slower still, is in benchmarks/results/sqlite.md;
- the row load with no CHECK constraints at all, the floor for these tables and keys;
- the full-text index loaded with FTS5's default in-memory hash table, against the build's.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import apsw

from alliance_data.codebook.registry import TABLES
from alliance_data.exports import sqlite as export
from alliance_data.exports.arrow import typed_table
from alliance_data.exports.csv import plain
from alliance_data.synthetic import derive, generate


def _timing(seconds: dict[str, float], label: str, function: Callable) -> Callable:
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - started

    return timed


def build_stages(path: Path, tables: dict) -> dict[str, float]:
    """`write_sqlite` as the build runs it, with its stages timed by wrapping them."""
    seconds: dict[str, float] = {}
    originals = (export._insert_rows, export._create_indexes, export._create_fts, export.merge_parts)
    export._insert_rows = _timing(seconds, "rows (executemany of Arrow columns)", originals[0])
    export._create_indexes = _timing(seconds, "indexes", originals[1])
    export._create_fts = _timing(seconds, "full-text index", originals[2])
    export.merge_parts = _timing(seconds, "merging the parts (transfer of records and index entries)", originals[3])
    try:
        _timing(seconds, "write_sqlite in all, parts one after the other", export.write_sqlite)(path, tables)
    finally:
        export._insert_rows, export._create_indexes, export._create_fts, export.merge_parts = originals
    return seconds


def fts_default_hash(path: Path) -> float:
    """The full-text index of the claims in `path` (a database `write_sqlite` wrote) dropped and
    loaded again by the build's own `_create_fts`, with FTS5's default hash table size: seconds."""
    claims = next(table for table in TABLES if table.full_text)
    load_bytes = export.FTS_LOAD_HASH_BYTES
    export.FTS_LOAD_HASH_BYTES = export.FTS_DEFAULT_HASH_BYTES
    connection = export._open_for_loading(path)
    try:
        cursor = connection.cursor()
        cursor.execute(f"DROP TABLE [{claims.name}_fts]")
        started = time.perf_counter()
        with connection:
            export._create_fts(cursor, claims)
        return time.perf_counter() - started
    finally:
        connection.close()
        export.FTS_LOAD_HASH_BYTES = load_bytes


def _load_rows(path: Path, tables: dict, ddl: Callable[[str], str], loader: str = "apsw") -> None:
    """Only the row load, with `loader`: "apsw" as the build does, or "sqlite3" (the standard
    library's executemany over the same columns)."""
    if loader == "apsw":
        connection = apsw.Connection(str(path))
        cursor = connection.cursor()
        for pragma in export._LOADING_PRAGMAS:
            cursor.execute(pragma)
        with connection:
            for table in TABLES:
                cursor.execute(ddl(export.table_ddl(table)))
                export._insert_rows(cursor, table, tables[table.name])
        connection.close()
        return
    db = sqlite3.connect(path)
    for pragma in export._LOADING_PRAGMAS:
        db.execute(pragma)
    with db:
        for table in TABLES:
            db.execute(ddl(export.table_ddl(table)))
            data = plain(tables[table.name].select(table.column_names))
            marks = ", ".join("?" for _ in table.columns)
            rows = zip(*(column.to_pylist() for column in data.columns), strict=True)
            db.executemany(f"INSERT INTO [{table.name}] VALUES ({marks})", rows)
    db.close()


def _in_lists(ddl: str) -> str:
    """The DDL with each enumeration's CHECK written as an IN list."""

    def as_in_list(match: re.Match) -> str:
        column = match.group(1)
        levels = re.findall(rf"\[{column}\] = ('(?:[^']|'')*')", match.group(0))
        return f"([{column}] IN ({', '.join(levels)}))"

    return re.sub(r"\(\[(\w+)\] = '[^)]*\)", as_in_list, ddl)


def _no_checks(ddl: str) -> str:
    return re.sub(r" CHECK \((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)", "", ddl)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    arguments = parser.parse_args()
    dataset = generate(arguments.size)
    derive(dataset)
    tables = {spec.name: typed_table(spec, dataset.table(spec.name)) for spec in TABLES}
    del dataset
    with tempfile.TemporaryDirectory() as directory:
        seconds = build_stages(Path(directory) / "build.db", tables)
        size_mb = (Path(directory) / "build.db").stat().st_size / 1e6
        seconds["full-text index with FTS5's default hash table (1 MiB), for comparison"] = fts_default_hash(
            Path(directory) / "build.db"
        )
        for label, ddl, loader in (
            ("rows only, as the build loads them (apsw)", lambda d: d, "apsw"),
            ("rows only, through the standard library's sqlite3", lambda d: d, "sqlite3"),
            ("rows only, apsw, enumeration CHECKs as IN lists", _in_lists, "apsw"),
            ("rows only, apsw, no CHECK constraints (the floor)", _no_checks, "apsw"),
        ):
            path = Path(directory) / f"{len(seconds)}.db"
            _timing(seconds, label, _load_rows)(path, tables, ddl, loader)
    print(f"{arguments.size:,} claims; database {size_mb:.0f} MB")
    print("| stage | seconds |\n| --- | ---: |")
    for label, value in seconds.items():
        print(f"| {label} | {value:.1f} |")


if __name__ == "__main__":
    main()
