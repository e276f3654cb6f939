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

# SQLite's whole heap in this process: many times what the small, read-only database needs.
HARD_HEAP_LIMIT_BYTES = 256 * 1024 * 1024

# SQL functions no visitor may call: fts3_tokenizer(name) returns a pointer into the process, and
# printf (alias format) with `%.*c` and a huge precision runs on long after its result passed
# the length limit, where the time limit cannot interrupt it (SQLite 3.40; docs/benchmarks.md).
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "printf", "format"})


class ResultTooLarge(BaseException):
    """A query's rows or a response pass their cap; `guard` answers 413.

    A BaseException so that it passes Datasette's `except Exception` handlers (its CSV stream
    would write the message into a 200 response) up to the middleware."""
