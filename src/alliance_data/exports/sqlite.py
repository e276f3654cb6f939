"""The SQLite database: DDL generated from the models (keys, foreign keys, CHECK constraints),
rows loaded column-wise from the Arrow tables, then indexes and full-text search, and last the
codebook (sqlite_codebook.py); all of it through one driver, apsw, whose SQLite is the one that
decides the file's bytes (`SQLITE_VERSION`). It is not vacuumed (see merge_parts).

The file is in rollback-journal mode (not WAL) so that Datasette's immutable mode sees all
of it.
"""

from __future__ import annotations

import errno
import functools
from pathlib import Path

import apsw
import pyarrow as pa

from ..codebook.columns import Column
from ..codebook.registry import TABLES, Table
from .arrow import key_order
from .csv import plain
from .sqlite_codebook import write_codebook

# Columns analysts facet and filter on get an index besides the foreign keys.
FACET_COLUMNS = ("kind", "topic_id", "certainty", "time_frame", "section_id", "actor_type", "role", "relation", "dyad")

# Some indexes continue past their column, for the canned queries (serving/metadata.py):
# - claims are listed in reading order (source, then offset); an index on a column they are
#   filtered by that continues in that order lets a filtered list stream from the index instead
#   of sorting every match first (benchmarks/results/serve_scale.md);
# - the actor-pair counts read only the dyad index, never the table.
_READING_ORDER = ("source_id", "char_start", "char_end")
INDEX_EXTENSIONS = {
    "claims": {"source_id": _READING_ORDER[1:], "kind": _READING_ORDER, "topic_id": _READING_ORDER},
    "actor_pairs": {"dyad": ("actor_a", "actor_b")},
}

# The database is written in two parts, which two processes write at the same time (see
# sqlite_writer.py), then merged in this order: the claims, the tables they refer to and the
# tables derived from them (with their indexes and full-text search, the heaviest part, into
# which the other is merged); the authored tables about claims, which a build can start on
# before derive. A third process for the derived tables gained nothing measurable, and one
# process for all was slower (benchmarks/NOTES.md). The parts and their order decide the bytes
# of the file.
PARTS = (
    ("sources", "sections", "topics", "actors", "claims", "coding_decisions", "certainty_cues", "actor_pairs"),
    ("claim_actors", "claim_links", "link_signals", "second_coding", "second_segmentation", "second_links"),
)

# Rows per executemany call: bounds the Python objects alive at once, whatever the corpus's size.
BATCH_ROWS = 50_000


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def enum_check(column: Column) -> str:
    """The CHECK expression that admits exactly the column's levels.

    Written as `x = 'a' OR x = 'b' ...`, not `x IN ('a', 'b', ...)`: SQLite builds a
    temporary lookup table for an IN list each time a CHECK runs, which doubled the cost of
    loading the rows (benchmarks/results/sqlite.md).
    """
    return "(" + " OR ".join(f"[{column.name}] = {_quote(level)}" for level in column.levels) + ")"


def column_ddl(column: Column) -> str:
    sql_type = "INTEGER" if column.dtype == "integer" else "TEXT"
    parts = [f"[{column.name}] {sql_type}"]
    if not column.nullable:
        parts.append("NOT NULL")
    checks = []
    if column.enum:
        checks.append(enum_check(column))
    if column.ge is not None:
        checks.append(f"[{column.name}] >= {column.ge}")
    if column.le is not None:
        checks.append(f"[{column.name}] <= {column.le}")
    if column.min_length:
        checks.append(f"length([{column.name}]) >= {column.min_length}")
    if checks:
        parts.append(f"CHECK ({' AND '.join(checks)})")
    return " ".join(parts)


def table_ddl(table: Table) -> str:
    lines = [column_ddl(column) for column in table.columns]
    lines.append(f"PRIMARY KEY ({', '.join(f'[{key}]' for key in table.primary_key)})")
    lines += [
        f"FOREIGN KEY ([{key.column}]) REFERENCES [{key.table}]([{key.other_column}])" for key in table.foreign_keys
    ]
    body = ",\n   ".join(lines)
    return f"CREATE TABLE [{table.name}] (\n   {body}\n)"


def indexed_columns(table: Table) -> list[str]:
    """Foreign keys and facet columns, each indexed once, in column order."""
    wanted = {key.column for key in table.foreign_keys} | set(FACET_COLUMNS)
    return [
        column.name for column in table.columns if column.name in wanted and column.name not in table.primary_key[:1]
    ]


def index_columns(table: Table, column: str) -> list[str]:
    """The columns of the index on `column` (see INDEX_EXTENSIONS)."""
    return [column, *INDEX_EXTENSIONS.get(table.name, {}).get(column, ())]


def _insert_rows(cursor: apsw.Cursor, table: Table, data: pa.Table) -> None:
    """Insert the Arrow table's rows in key order (the published order: a key of levels sorted
    by its text), in its column order, one batch of rows at a time: the rows are taken in key
    order batch by batch, so no sorted copy of the whole table is ever made (a large share of a
    build's peak memory: benchmarks/NOTES.md).

    Column-wise `executemany` rather than sqlite-utils' `insert_all`, whose per-row dict
    handling cost more than SQLite itself; and through apsw rather than the standard library's
    sqlite3, whose binding of each value was the slower part of the load
    (benchmarks/results/sqlite.md).
    """
    data = plain(data.select(table.column_names))
    order = key_order(table, data)
    sql = f"INSERT INTO [{table.name}] VALUES ({', '.join('?' for _ in table.columns)})"
    for start in range(0, data.num_rows, BATCH_ROWS):
        batch = data.slice(start, BATCH_ROWS) if order is None else data.take(order.slice(start, BATCH_ROWS))
        cursor.executemany(sql, zip(*(column.to_pylist() for column in batch.columns), strict=True))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def index_ddl(table: Table, column: str) -> str:
    """The index on `column` (`index_columns`), named and written as sqlite-utils names and
    writes its indexes, which earlier releases used: the schema a user reads is unchanged."""
    columns = index_columns(table, column)
    name = f"idx_{table.name}_{'_'.join(columns)}"
    return f"CREATE INDEX {_quoted(name)}\n    ON {_quoted(table.name)} ({', '.join(map(_quoted, columns))})"


def fts_ddl(table: Table) -> str:
    """The table's full-text index: FTS5, Porter stemming, over the table's own rows (external
    content, no copy of the text), written as sqlite-utils' `enable_fts` writes it; Datasette
    finds a table's index by this `content="…"` form."""
    columns = ", ".join(map(_quoted, table.full_text))
    return (
        f"CREATE VIRTUAL TABLE {_quoted(table.name + '_fts')} USING FTS5 (\n    {columns},\n"
        f"    tokenize='porter',\n    content={_quoted(table.name)}\n)"
    )


# FTS5 gathers the terms of the rows inserted in a hash table in memory and writes it out as a
# segment of the index whenever it passes `hashsize` bytes (1 MiB by default); the segments are
# then merged again and again. Loading a million rows with a larger table writes fewer segments
# and merges less (benchmarks/NOTES.md, the build's fifth pass). The option is stored in the
# index's config table, so it is put back to FTS5's default once the index is loaded: a user
# who writes to a copy of the file gets FTS5's usual memory bound.
FTS_LOAD_HASH_BYTES = 64 * 1024 * 1024
FTS_DEFAULT_HASH_BYTES = 1024 * 1024


def _create_indexes(cursor: apsw.Cursor, table: Table) -> None:
    for column in indexed_columns(table):
        cursor.execute(index_ddl(table, column))


def _create_fts(cursor: apsw.Cursor, table: Table) -> None:
    """The full-text index (`fts_ddl`), loaded from the table's rows."""
    cursor.execute(fts_ddl(table))
    fts, columns = _quoted(table.name + "_fts"), ", ".join(map(_quoted, table.full_text))
    cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('hashsize', {FTS_LOAD_HASH_BYTES})")
    cursor.execute(f"INSERT INTO {fts} (rowid, {columns}) SELECT rowid, {columns} FROM {_quoted(table.name)}")
    cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('hashsize', {FTS_DEFAULT_HASH_BYTES})")


def _open_for_loading(path: Path) -> apsw.Connection:
    connection = apsw.Connection(str(path))
    # The file is built in a staging directory that is swapped in only when complete, so
    # SQLite's own journal and fsyncs buy nothing here; without them the load takes about
    # half the time (benchmarks/results/sqlite.md). The published file is put
    # back in rollback-journal mode by `merge_parts`. Foreign keys are not enforced while
    # loading: the table checks have verified every one before anything is published (and
    # parts of the database reference tables in other parts).
    for pragma in _LOADING_PRAGMAS:
        connection.execute(pragma)
    return connection


_LOADING_PRAGMAS = ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA foreign_keys = OFF")


# apsw's errors for a write the storage refused (a full disk, a size limit, a read-only or
# missing directory), as opposed to a mistake in what was written.
_STORAGE_ERRORS = {
    apsw.FullError: errno.ENOSPC,
    apsw.IOError: errno.EIO,
    apsw.CantOpenError: errno.ENOENT,
    apsw.ReadOnlyError: errno.EROFS,
}


def storage_error(error: BaseException, path: Path) -> OSError | None:
    """The OSError a failed SQLite write stands for, or None when the error is not about
    storage."""
    for kind, code in _STORAGE_ERRORS.items():
        if isinstance(error, kind):
            return OSError(code, f"{error} (SQLite)", str(path))
    return None


def _storage_errors_as_os_errors(function):
    """Raise a refused SQLite write as an OSError, like every other failed write of a build."""

    @functools.wraps(function)
    def wrapper(path: Path, *args, **kwargs):
        try:
            return function(path, *args, **kwargs)
        except apsw.Error as error:
            failure = storage_error(error, path)
            if failure is None:
                raise
            raise failure from error

    return wrapper


@_storage_errors_as_os_errors
def write_part(path: Path, tables: dict[str, pa.Table], names: tuple[str, ...]) -> None:
    """A new database file holding the named tables (missing ones empty): DDL, rows (in key
    order, in whatever order the tables hold them), indexes and full-text search."""
    specs = [table for table in TABLES if table.name in names]
    connection = _open_for_loading(path)
    try:
        cursor = connection.cursor()
        with connection:
            for table in specs:
                cursor.execute(table_ddl(table))
                if table.name in tables:
                    _insert_rows(cursor, table, tables[table.name])
        with connection:
            for table in specs:
                _create_indexes(cursor, table)
                if table.full_text:
                    _create_fts(cursor, table)
    finally:
        connection.close()


@_storage_errors_as_os_errors
def merge_parts(path: Path, parts: list[Path]) -> None:
    """Make the first part the database at `path` and copy every other part's tables into it,
    then remove them. Each copy is `INSERT INTO t SELECT * FROM part.t` into an empty table
    with the same definition and indexes, which SQLite runs as a transfer of stored records
    and index entries, without decoding them (benchmarks/results/sqlite.md)."""
    parts[0].replace(path)
    connection = _open_for_loading(path)
    try:
        cursor = connection.cursor()
        for number, part in enumerate(parts[1:]):
            alias = f"part{number}"
            cursor.execute(f"ATTACH DATABASE ? AS {alias}", (str(part),))
            objects = cursor.execute(
                f"SELECT type, name, sql FROM {alias}.sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
            ).fetchall()
            with connection:
                for _, _, sql in objects:  # tables, then their indexes, as the part created them
                    cursor.execute(sql)
                for kind, name, _ in objects:
                    if kind == "table":
                        cursor.execute(f"INSERT INTO main.[{name}] SELECT * FROM {alias}.[{name}]")
            cursor.execute(f"DETACH DATABASE {alias}")
            part.unlink()
        with connection:
            write_pair_counts(cursor.execute)
            write_codebook(cursor.execute)
        # No VACUUM: a fresh file loaded in key order has no free pages to reclaim, and VACUUM
        # gained little space for much time (benchmarks/results/sqlite.md).
        cursor.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        connection.close()


# The claims each pair of actors shares, counted once here: the canned query `actor_pair_counts`
# (serving/metadata.py) would otherwise count every row of actor_pairs on every request (see
# benchmarks/NOTES.md). Not a table of the models: it is actor_pairs grouped, nothing more.
PAIR_COUNTS_TABLE = "dyad_counts"


def write_pair_counts(execute) -> None:
    """The dyad_counts table from the actor_pairs table, with an index in the order it is read."""
    execute(
        f"CREATE TABLE [{PAIR_COUNTS_TABLE}] ([dyad] TEXT PRIMARY KEY, [actor_a] TEXT NOT NULL, "
        "[actor_b] TEXT NOT NULL, [claims] INTEGER NOT NULL)"
    )
    execute(
        f"INSERT INTO [{PAIR_COUNTS_TABLE}] SELECT dyad, min(actor_a), min(actor_b), count(*) "
        "FROM actor_pairs GROUP BY dyad ORDER BY dyad"
    )
    execute(f"CREATE INDEX [{PAIR_COUNTS_TABLE}_by_claims] ON [{PAIR_COUNTS_TABLE}] ([claims] DESC, [dyad])")


def part_paths(path: Path) -> list[Path]:
    """Where each part of the database at `path` is written before `merge_parts`."""
    return [path.with_name(f"{path.name}.part{number}") for number in range(len(PARTS))]


def write_sqlite(path: Path, tables: dict[str, pa.Table]) -> None:
    """Write every table of the registry (missing ones empty) into a new database at `path`,
    part by part in this process (the build writes the parts in parallel)."""
    parts = part_paths(path)
    for part, names in zip(parts, PARTS, strict=True):
        write_part(part, tables, names)
    merge_parts(path, parts)
