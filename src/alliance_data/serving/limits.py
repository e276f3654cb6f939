"""Safety limits for the public server (a Datasette plugin, registered by `plugins.register_all`).

Datasette's `sql_time_limit_ms` stops long-running queries, but not huge results. Here, on every
connection Datasette opens on the dataset:
- SQLite's own limits cap one value (`zeroblob(1e9)`, `replace` or a gigabyte `group_concat`
  fail at once) and SQLite's heap is capped process-wide;
- a row factory counts the bytes a query returns and stops it past `MAX_RESULT_BYTES`, so rows
  times values (`select zeroblob(…) from claims`) cannot fill memory either;
- an authorizer refuses ATTACH, the functions that reveal the process (`fts3_tokenizer`
  returns a memory address) or that the time limit cannot stop (`printf`), and the table-valued
  pragma that reveals the database's path (`pragma_database_list`);
- `instr`, `replace` and `trim` run in linear time (`functions`): SQLite's run for minutes in one
  step, where neither the time limit nor an interrupt reaches them.
Every hook of the plugin is here (Datasette loads this module); the numbers are in `bounds`,
`guard` caps what one request may cost and reveal, `errors` answers errors without blocking.
"""

from __future__ import annotations

import functools
import sqlite3
import weakref

from datasette import hookimpl

from .bounds import (
    CONNECTION_LIMITS,
    DENIED_FUNCTIONS,
    DENIED_TABLES,
    HARD_HEAP_LIMIT_BYTES,
    MAX_HTML_CELLS,
    MAX_RESULT_BYTES,
    ResultTooLarge,
)
from .functions import install_linear_functions
from .workers import HTML_CELLS_LEFT

DATABASE_NAME = "alliance"


def _authorizer(action, arg1, arg2, database, trigger):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and (arg1 or "").lower() in DENIED_TABLES:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_ATTACH:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _counting_row_factory(inner):
    """`inner` (Datasette's sqlite3.Row), stopping a query once its rows pass MAX_RESULT_BYTES,
    or once an HTML page's queries pass MAX_HTML_CELLS.

    Each query runs on a fresh cursor, so the count restarts when the cursor changes (a weak
    reference: a new cursor at the address of a dead one is still a new cursor)."""
    state = {"cursor": lambda: None, "bytes": 0}

    def row_factory(cursor, row):
        if state["cursor"]() is not cursor:
            state["cursor"], state["bytes"] = weakref.ref(cursor), 0
        state["bytes"] += sum(len(value) for value in row if isinstance(value, (str, bytes)))
        if state["bytes"] > MAX_RESULT_BYTES:
            raise ResultTooLarge(f"The query returns more than {MAX_RESULT_BYTES:,} bytes of values, the most one may.")
        cells_left = HTML_CELLS_LEFT.get()
        if cells_left is not None:
            cells_left[0] -= len(row)
            if cells_left[0] < 0:
                raise ResultTooLarge(
                    f"The page would show more than {MAX_HTML_CELLS:,} cells, the most an HTML page shows: "
                    "the same address with .json or .csv has them all."
                )
        return inner(cursor, row)

    return row_factory


def apply_limits(conn: sqlite3.Connection) -> None:
    for limit, value in CONNECTION_LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"PRAGMA hard_heap_limit = {HARD_HEAP_LIMIT_BYTES}")
    conn.set_authorizer(_authorizer)
    install_linear_functions(conn)
    conn.row_factory = _counting_row_factory(conn.row_factory or sqlite3.Row)


@hookimpl
def prepare_connection(conn, database):
    if database == DATABASE_NAME:
        apply_limits(conn)


def _without_sql_error_log(execute):
    """A visitor's failed query is answered 400 with the reason; Datasette would also print it, its
    whole SQL, to the log on every attempt (its own views ask it to, whatever the default)."""

    async def quiet(*args, **kwargs):
        return await execute(*args, **{**kwargs, "log_sql_errors": False})

    return quiet


@functools.cache
def freeze_long_lived_objects() -> None:
    """Leave what lives as long as the server out of Python's full garbage collections.

    A full collection walks every object the process tracks; Datasette, its templates and the
    modules are most of them. While rendering pages it ran every few requests and took twice as
    long as a page, the slowest requests' whole difference from the median (benchmarks/NOTES.md).
    Frozen when the server starts, they are not walked again. Once per process: later garbage is
    collected as usual."""
    import gc

    gc.collect()
    gc.freeze()


@hookimpl
def startup(datasette):
    import asyncio

    from .edge import quiet_accept_errors
    from .schema import remember_schema
    from .workers import interrupt_when_abandoned

    quiet_accept_errors(asyncio.get_running_loop())
    if DATABASE_NAME in datasette.databases:
        database = datasette.databases[DATABASE_NAME]
        interrupt_when_abandoned(database)
        database.execute = _without_sql_error_log(database.execute)
        remember_schema(database)
        freeze_long_lived_objects()


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
