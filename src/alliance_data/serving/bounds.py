"""The numbers that bound what the public server holds, returns and runs at once: one module,
imported by the connection limits (`limits`), the request guard (`guard`) and the settings
(`metadata`), so that each is derived once from the models' longest text.
"""

from __future__ import annotations

import sqlite3

from ..codebook.models import MAX_TEXT_BYTES

# The longest text value the dataset may hold is the models' MAX_TEXT_LENGTH characters
# (MAX_TEXT_BYTES in UTF-8): the build refuses longer values and the server serves any value up
# to it. Every limit below is derived from that one number.
#
# SQLite's length limit is in bytes and also bounds a whole row as the sorter stores it, where a
# claim's statement and quote travel together with its other fields: two values, doubled for the
# rest of the row.
MAX_VALUE_BYTES = 4 * MAX_TEXT_BYTES
# Bytes of text and blob values one query may return: a row of the longest values many times
# over, and far beyond any page of the real data (docs/serving.md).
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
    # LIKE and GLOB compare a pattern with a value inside one step of the query: the pattern's
    # length bounds that step (a `__contains` filter or a reader's LIKE needs far less).
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 100,
    # Columns of a result (and of a table, an index, GROUP BY, ORDER BY): Datasette renders HTML
    # on the event loop, cell by cell, so a result of 1,000 rows × 1,920 columns blocked every
    # other request for the whole render (benchmarks/serve_attacks.py measures it). The widest
    # table has 20 columns; joins of three fit.
    sqlite3.SQLITE_LIMIT_COLUMN: 64,
}
# Every request is of one kind, and each kind has its own number of requests that may run at
# once, so no kind can take every SQL thread or core from the others:
# - "sql" runs a visitor's SQL (`sql`, `_where`) or streams a whole table (`_stream`): one at a
#   time (a runaway query holds its core for the whole time limit);
# - "facets" asks for facets beyond a table's own (each is a GROUP BY over the whole table);
# - "canned" is a canned query (the search runs FTS over every claim);
# - "files" is a download (a table's file, the database): slow readers hold it longest;
# - "page" is everything else: two at a time, one a core, the next in line waiting its turn.
#   Rendering is Python on one event loop: four pages at once each waited for the others'
#   rendering between its SQL calls, which made the slowest far slower than the median
#   (benchmarks/NOTES.md); a page's SQL is bounded by the time limit, so the queue moves.
# Up to `waiting` more wait up to ADMISSION_WAIT_SECONDS for their turn (longer than the time
# limit), the rest get 503 at once.
HEAVY_PARAMETERS = frozenset({"sql", "_where", "_stream"})
# `_facet`, `_facet_array`, `_facet_date` and the reader's `_facet_actor`.
FACET_PARAMETER_PREFIX = "_facet"
ADMISSION = {  # kind: (running at once, waiting)
    "sql": (1, 8),
    "facets": (1, 8),
    "canned": (2, 8),
    "files": (8, 16),
    "page": (2, 64),
}
MAX_HEAVY_REQUESTS, MAX_HEAVY_WAITING = ADMISSION["sql"]
ADMISSION_WAIT_SECONDS = HEAVY_WAIT_SECONDS = 3.0
# Threads that run SQL: one for each "sql", "facets" and "canned" request running, four for the
# two pages running (a page runs its facets' queries together).
SQL_THREADS = sum(ADMISSION[kind][0] for kind in ("sql", "facets", "canned")) + 4

# One request's work, from admission to the start of its response, outside SQLite: past it the
# request is abandoned (503) and its SQL interrupted. Several times the time limit of one query,
# as a page runs a few (rows, count, facets), and enough to export the largest table.
REQUEST_DEADLINE_SECONDS = 10.0
# Once a response starts, the rest is sending bytes already bounded by MAX_RESPONSE_BYTES: its
# deadline becomes this, from the start (the response cap at 256 kB/s), for slow connections.
TRANSFER_DEADLINE_SECONDS = 120.0

# Cells (rows × columns of every query) one HTML page of the database may show: Datasette renders
# HTML on the event loop, cell by cell (a 1,000 × 64 page held every request for over a second).
# Five times the whole claims table; JSON and CSV are not rendered cell by cell and are not capped.
MAX_HTML_CELLS = 10_000
# Distinct facets one request may ask for (repeats are dropped): each is a GROUP BY over the table
# and a block of links that repeat the query string. A table has far fewer useful ones.
MAX_FACETS = 10
# Bytes of a request's query string, as of its whole head at the edge (uvicorn's h11 applies its
# head limit only to a head that arrives in pieces): a visitor's SQL of 16 kB is far past what
# analysts write here.
MAX_QUERY_STRING_BYTES = 16 * 1024
# Characters of one parameter's value, but for SQL (`sql`, `_where`, bounded by SQLite's SQL length
# limit): a search of 6,000 words tied up the threads of cheap pages (benchmarks/serve_attacks.py).
MAX_PARAMETER_CHARS = 1_000
# Paths of Datasette's debugging pages: they reveal the host (`/-/threads`) or buffer any body
# on the event loop (`POST /-/messages`), and a read-only public server needs none of them.
DEBUG_PATHS = frozenset(
    {
        "/-/messages",
        "/-/threads",
        "/-/actor",
        "/-/permissions",
        "/-/allow-debug",
        "/-/patterns",
        "/-/auth-token",
        "/-/logout",
    }
)
# Methods this read-only server answers; any other (with a body to buffer) is 405.
ALLOWED_METHODS = frozenset({"GET", "HEAD"})

# SQLite's whole heap in this process: many times what the small, read-only database needs.
HARD_HEAP_LIMIT_BYTES = 256 * 1024 * 1024

# SQL functions no visitor may call: fts3_tokenizer(name) returns a pointer into the process, and
# printf (alias format) with `%.*c` and a huge precision runs on long after its result passed
# the length limit, where the time limit cannot interrupt it (SQLite 3.40; docs/benchmarks.md).
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "printf", "format"})
# Table-valued pragmas no visitor may read: pragma_database_list gives the database's absolute
# path on this machine (Datasette's own `PRAGMA database_list` statement is not a table read).
DENIED_TABLES = frozenset({"pragma_database_list"})


class ResultTooLarge(BaseException):
    """A query's rows or a response pass their cap; `guard` answers 413.

    A BaseException so that it passes Datasette's `except Exception` handlers (its CSV stream
    would write the message into a 200 response) up to the middleware."""
