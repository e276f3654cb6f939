"""alliance-data: the claims of "Iran And Russia: A Deepening Alliance" as a typed, versioned dataset.

    >>> import alliance_data
    >>> alliance_data.tables()
    >>> claims = alliance_data.load("claims")
    >>> alliance_data.describe("claims")

Importing this package is light: nothing heavy is imported until a table is loaded.
"""

from .about import __version__, citation
from .loading import (
    PackagedDataError,
    UnknownTableError,
    database_path,
    describe,
    load,
    load_all,
    table_attrs,
    tables,
)

__all__ = [
    "PackagedDataError",
    "UnknownTableError",
    "__version__",
    "citation",
    "database_path",
    "describe",
    "load",
    "load_all",
    "table_attrs",
    "tables",
]
