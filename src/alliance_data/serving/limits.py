"""Safety limits for the public server (a Datasette plugin: this module is the entry point).

Datasette's `sql_time_limit_ms` stops long-running queries, but not huge results. Here, on every
connection Datasette opens on the dataset:
- SQLite's own limits cap one value (`zeroblob(1e9)`, `replace` or a gigabyte `group_concat`
  fail at once) and SQLite's heap is capped process-wide;
- a row factory counts the bytes a query returns and stops it past `MAX_RESULT_BYTES`, so rows
  times values (`select zeroblob(…) from claims`) cannot fill memory either;
- an authorizer refuses ATTACH and the functions that reveal the process (`fts3_tokenizer`
  returns a memory address) or that the time limit cannot stop (`printf`).
Every hook of the plugin is here (Datasette loads this module); `guard` caps what one request may
cost and reveal, `errors` answers errors without blocking.
"""

from __future__ import annotations

import sqlite3
import weakref

from datasette import hookimpl

from ..models import MAX_TEXT_BYTES

DATABASE_NAME = "alliance"

# The longest text value the dataset may hold is the models' MAX_TEXT_LENGTH characters
# (MAX_TEXT_BYTES in UTF-8): the build refuses longer values and the server serves any value up
# to it. Every limit below is derived from that one number.
#
# SQLite's length limit is in bytes and also bounds a whole row as the sorter stores it, where a
# claim's statement and quote travel together with its other fields: two values, doubled for the
# rest of the row.
MAX_VALUE_BYTES = 4 * MAX_TEXT_BYTES
# Bytes of text and blob values one query may return: a row of the longest values many times
# over, and far beyond any page of the real data (a 1,000-row page of claims is about 0.3 MB).
MAX_RESULT_BYTES = max(8 * 1024 * 1024, 4 * MAX_VALUE_BYTES)
# Bytes of any response (JSON, CSV streamed or not, HTML, files): a whole result of ordinary text
# fits four times over; one that escapes to more (`\u0000` is 6 bytes of JSON) is refused with 413.
MAX_RESPONSE_BYTES = 4 * MAX_RESULT_BYTES

CONNECTION_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
}
# Requests with these parameters run a visitor's SQL (`sql`, `_where`) or stream a whole table
# (`_stream`). One at a time keeps a core for every other page (a runaway query holds its core for
# the whole time limit); up to MAX_HEAVY_WAITING more wait up to HEAVY_WAIT_SECONDS for their turn
# (longer than the time limit), the rest get 503 at once. SQL_THREADS leaves threads for the pages.
HEAVY_PARAMETERS = frozenset({"sql", "_where", "_stream"})
MAX_HEAVY_REQUESTS = 1
MAX_HEAVY_WAITING = 8
HEAVY_WAIT_SECONDS = 3.0
SQL_THREADS = MAX_HEAVY_REQUESTS + 4

# SQLite's whole heap in this process; the database is under 1 MB.
HARD_HEAP_LIMIT_BYTES = 256 * 1024 * 1024

# SQL functions no visitor may call: fts3_tokenizer(name) returns a pointer into the process, and
# printf (alias format) with `%.*c` and a huge precision runs on for tens of seconds after its
# result passed the length limit, where the time limit cannot interrupt it (SQLite 3.40).
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "printf", "format"})


class ResultTooLarge(BaseException):
    """A query's rows or a response pass their cap; `guard` answers 413.

    A BaseException so that it passes Datasette's `except Exception` handlers (its CSV stream
    would write the message into a 200 response) up to the middleware."""


def _authorizer(action, arg1, arg2, database, trigger):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_ATTACH:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _counting_row_factory(inner):
    """`inner` (Datasette's sqlite3.Row), stopping a query once its rows pass MAX_RESULT_BYTES.

    Each query runs on a fresh cursor, so the count restarts when the cursor changes (a weak
    reference: a new cursor at the address of a dead one is still a new cursor)."""
    state = {"cursor": lambda: None, "bytes": 0}

    def row_factory(cursor, row):
        if state["cursor"]() is not cursor:
            state["cursor"], state["bytes"] = weakref.ref(cursor), 0
        state["bytes"] += sum(len(value) for value in row if isinstance(value, (str, bytes)))
        if state["bytes"] > MAX_RESULT_BYTES:
            raise ResultTooLarge(f"The query returns more than {MAX_RESULT_BYTES:,} bytes of values, the most one may.")
        return inner(cursor, row)

    return row_factory


def apply_limits(conn: sqlite3.Connection) -> None:
    for limit, value in CONNECTION_LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"PRAGMA hard_heap_limit = {HARD_HEAP_LIMIT_BYTES}")
    conn.set_authorizer(_authorizer)
    conn.row_factory = _counting_row_factory(conn.row_factory or sqlite3.Row)


@hookimpl
def prepare_connection(conn, database):
    if database == DATABASE_NAME:
        apply_limits(conn)


@hookimpl
def asgi_wrapper(datasette):
    from .guard import guard

    return lambda app: guard(datasette, app)


@hookimpl
def register_routes():
    from .guard import databases_without_paths

    return [(r"^/-/databases(\.json)?$", databases_without_paths)]


@hookimpl(wrapper=True)
def handle_exception(datasette, request, exception):
    from .errors import respond

    yield  # Datasette's own handler prints a rich traceback with locals when awaited: never await it
    return [respond(datasette, request, exception)]
