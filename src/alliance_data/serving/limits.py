"""Safety limits for every connection Datasette opens on the dataset (a Datasette plugin).

Datasette's `sql_time_limit_ms` stops long-running queries, but not one huge allocation
(`zeroblob(1e9)`, `printf('%.*c', 1e9, 'x')`, a gigabyte `group_concat`): those are capped
here with SQLite's own per-connection limits, and SQLite's heap is capped process-wide.
ATTACH is refused by allowing zero attached databases.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from ..models import MAX_TEXT_BYTES

DATABASE_NAME = "alliance"

# The longest value in the data is a few hundred characters; 5 MB leaves room for any
# legitimate aggregate and refuses gigabyte strings at once ("string or blob too big").
CONNECTION_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 4 * MAX_TEXT_BYTES,  # a row of the longest values, as SQLite's sorter holds it
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
}
# SQLite's whole heap in this process; the database is under 1 MB.
HARD_HEAP_LIMIT_BYTES = 256 * 1024 * 1024


def apply_limits(conn: sqlite3.Connection) -> None:
    for limit, value in CONNECTION_LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"PRAGMA hard_heap_limit = {HARD_HEAP_LIMIT_BYTES}")


@hookimpl
def prepare_connection(conn, database):
    if database == DATABASE_NAME:
        apply_limits(conn)
