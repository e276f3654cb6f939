"""alliance-data: the claims of "Iran And Russia: A Deepening Alliance" as a typed, versioned dataset.

    >>> import alliance_data
    >>> alliance_data.tables()
    >>> claims = alliance_data.load("claims")
    >>> alliance_data.describe("claims")
    >>> text = alliance_data.source_text("irda")  # the article, to check every quote

Importing this package is light: nothing heavy is imported until a table is loaded.
"""

from .about import __version__
from .reader.loading import (
    PackagedDataError,
    UnknownSourceError,
    UnknownTableError,
    citation,
    database_path,
    describe,
    load,
    load_all,
    source_text,
    table_attrs,
    tables,
)

__all__ = [
    "PackagedDataError",
    "UnknownSourceError",
    "UnknownTableError",
    "__version__",
    "citation",
    "database_path",
    "describe",
    "load",
    "load_all",
    "source_text",
    "table_attrs",
    "tables",
]
