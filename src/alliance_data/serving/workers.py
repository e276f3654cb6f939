"""SQL runs in a worker thread that a request may abandon: its connection is then interrupted.

The guard gives every request a deadline (REQUEST_DEADLINE_SECONDS) and cancels the request past
it. Cancelling the coroutine that awaits a worker does not stop the worker's thread, so the
statement it runs would go on for up to the time limit, and a page that runs many (a table's
facets) would start the next. Here each SQL call remembers its connection while it runs, and a
cancelled call interrupts it (`sqlite3_interrupt`, safe from another thread): the thread is free
at SQLite's next step instead of at the time limit. Each call also runs in its request's context,
so that the row factory can count the request's cells (`HTML_CELLS_LEFT`).
"""

from __future__ import annotations

import asyncio
import contextvars

# The cells an HTML page may still show (a one-item list, shared by the page's queries), or None:
# set by the guard for the request, read by the row factory in the worker thread.
HTML_CELLS_LEFT: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("html_cells_left", default=None)


def interrupt_when_abandoned(database) -> None:
    """Wrap `database.execute_fn` (every read Datasette makes runs through it)."""
    run_in_worker = database.execute_fn

    async def execute_fn(fn):
        running = {}
        request_context = contextvars.copy_context()  # the worker sees the request's budget

        def remembered(conn):
            running["conn"] = conn
            try:
                return request_context.run(fn, conn)
            finally:
                running.pop("conn", None)

        try:
            return await run_in_worker(remembered)
        except asyncio.CancelledError:
            conn = running.get("conn")
            if conn is not None:
                conn.interrupt()
            raise

    database.execute_fn = execute_fn
