"""Linear-time replacements for SQLite's built-in functions whose one call is O(n·m).

SQLite 3.40's `instr`, `replace` and `trim` (with `ltrim`, `rtrim`) compare every position of a
value with every character of the other argument inside one step of the query, where neither the
time limit (a progress handler) nor `Connection.interrupt()` can stop them: `instr` of a 3 MB value
and a 750 kB needle ran on long after an interrupt (benchmarks/serve_attacks.py and
docs/benchmarks.md have the figures). Python's `str.find` and `str.replace` are linear (two-way
search), and trimming by a set of characters is too, so the same calls here take milliseconds.
Results match SQLite's for text and blob arguments (`instr` of two blobs counts bytes, as SQLite
does); any other value is compared as text.
"""

from __future__ import annotations

import sqlite3
import threading

_converters = threading.local()  # an in-memory connection per worker thread, for numbers


def _text(value) -> str | None:
    """`value` as SQLite converts it to text (a number as SQLite writes it)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, int):
        return str(value)
    if not hasattr(_converters, "conn"):
        _converters.conn = sqlite3.connect(":memory:")
    return _converters.conn.execute("select cast(? as text)", (value,)).fetchone()[0]


def instr(haystack, needle):
    if haystack is None or needle is None:
        return None
    if isinstance(haystack, bytes) and isinstance(needle, bytes):
        return haystack.find(needle) + 1
    return _text(haystack).find(_text(needle)) + 1


def replace(value, old, new):
    if value is None or old is None or new is None:
        return None
    text, old = _text(value), _text(old)
    return text if old == "" else text.replace(old, _text(new))


def _trimmer(strip_left: bool, strip_right: bool):
    def trim(value, characters=" "):
        if value is None or characters is None:
            return None
        text, drop = _text(value), set(_text(characters))
        start, end = 0, len(text)
        while strip_left and start < end and text[start] in drop:
            start += 1
        while strip_right and end > start and text[end - 1] in drop:
            end -= 1
        return text[start:end]

    return trim


LINEAR_FUNCTIONS = {
    ("instr", 2): instr,
    ("replace", 3): replace,
    ("trim", 1): _trimmer(True, True),
    ("trim", 2): _trimmer(True, True),
    ("ltrim", 1): _trimmer(True, False),
    ("ltrim", 2): _trimmer(True, False),
    ("rtrim", 1): _trimmer(False, True),
    ("rtrim", 2): _trimmer(False, True),
}


def install_linear_functions(conn: sqlite3.Connection) -> None:
    for (name, arity), function in LINEAR_FUNCTIONS.items():
        conn.create_function(name, arity, function, deterministic=True)
