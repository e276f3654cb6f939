"""The table checks: pandera over each table's columns, then the rules across rows and tables.

Each rule is defined once, as a failing-rows query (`rule.py`, listed in `catalog.py`), and
run by DuckDB on one machine (`local.py`) and by Spark SQL on a corpus
(`alliance_data.distributed`); failures become Problems the same way on both (`report.py`).
"""

from __future__ import annotations

from .catalog import RELATIONS, RULES
from .curation import id_tables
from .links import CAUSAL_RELATIONS, causal_cycle_edges
from .local import check_tables
from .sections import TITLE_BLOCK_LINES

__all__ = [
    "CAUSAL_RELATIONS",
    "RELATIONS",
    "RULES",
    "TITLE_BLOCK_LINES",
    "causal_cycle_edges",
    "check_tables",
    "id_tables",
    "table_schema",
]


def __getattr__(name: str):
    # pandera is imported only when its schema is asked for: valid data never needs it (local.py).
    if name == "table_schema":
        from .schema import table_schema

        return table_schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
