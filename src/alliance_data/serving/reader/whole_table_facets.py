"""Facets of a whole table, counted once per server.

The dataset is served immutable, so a facet of a table with no filter counts the same on every
request. At a million claims that count is a GROUP BY over a million index entries, and facet
requests run one at a time (serving/bounds.py), so four readers opening the same facet queued
past the latency target (docs/benchmarks.md). Here a facet's query over a whole table of an immutable
database is run once and its rows remembered; a facet of filtered rows is counted as before.

The memory is bounded: at most MAX_REMEMBERED queries, each of at most MAX_REMEMBERED_CHARS
characters of values, the least recently used forgotten first. A query that times out is not
remembered.
"""

from __future__ import annotations

import weakref

from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
from datasette.utils import detect_json1, escape_sqlite

from ..memory import Memory, parameters_key

MAX_REMEMBERED = 64
MAX_REMEMBERED_CHARS = 64 * 1024

# One memory per Datasette (tests run several in one process, each over its own files).
_MEMORIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def counts_whole_table(facet) -> bool:
    """True when the facet counts every row of its table: no filter, no search, no parameters.

    Datasette gives a facet `select <columns> from <table> <where>`; with no filter the SQL ends
    right after the table's name. Remembering is keyed by the full query text, so a different
    query can never be answered by this one's rows."""
    if facet.table is None or facet.params:
        return False
    return facet.sql.endswith(f" from {escape_sqlite(facet.table)} ")


class _Remembered:
    """Datasette as a facet sees it, with `execute` answered from memory where it may be."""

    def __init__(self, datasette, database: str):
        self._datasette = datasette
        self._memory = _MEMORIES.setdefault(datasette, Memory())
        self._immutable = not datasette.get_database(database).is_mutable

    def __getattr__(self, name):
        return getattr(self._datasette, name)

    async def execute(self, database, sql, params=None, **options):
        if not self._immutable:
            return await self._datasette.execute(database, sql, params, **options)
        return await self._memory.answer(
            (database, sql, parameters_key(params)),
            lambda: self._datasette.execute(database, sql, params, **options),
            MAX_REMEMBERED,
            keep=lambda results: sum(len(str(value)) for row in results.rows for value in row) <= MAX_REMEMBERED_CHARS,
        )


class WholeTableFacet:
    """Mixed into a facet class before it: a facet of a whole table is counted once."""

    def __init__(self, ds, request, database, *args, **kwargs):
        super().__init__(ds, request, database, *args, **kwargs)
        if counts_whole_table(self):
            self.ds = _Remembered(ds, database)


class WholeTableColumnFacet(WholeTableFacet, ColumnFacet):
    """Datasette's column facet (`_facet=certainty`), a whole table's counts remembered."""


def facet_classes() -> list[type]:
    """Datasette's own facet classes, its column facet replaced by WholeTableColumnFacet: the list
    `datasette.facets` registers (plugins.register_all unregisters that module in our server)."""
    classes = [WholeTableColumnFacet, DateFacet]
    if detect_json1():
        classes.append(ArrayFacet)
    return classes
