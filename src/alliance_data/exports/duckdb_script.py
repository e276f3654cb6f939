"""`duckdb/ordered.sql`: a DuckDB script that declares every enumeration of the codebook as an
ENUM type, in the codebook's order, and a view per table over the release's Parquet file with
its enumerations cast to those types.

DuckDB reads a Parquet dictionary column as VARCHAR, which sorts and compares alphabetically
(`time_frame` as current, future, historical). Over these views `ORDER BY time_frame` and
`time_frame > 'current'::time_frame` follow the codebook. Run from the release folder:
`duckdb -init duckdb/ordered.sql` (the Parquet paths are relative to it).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..codebook.registry import TABLES
from ..codebook.vocabulary import DescribedEnum

DUCKDB_SCRIPT = "duckdb/ordered.sql"


def type_name(enum: type[DescribedEnum]) -> str:
    """`TimeFrame` -> `time_frame`: the ENUM type of a vocabulary."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enum.__name__).lower()


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def script() -> str:
    enums: dict[str, type[DescribedEnum]] = {}
    for table in TABLES:
        for column in table.columns:
            if column.enum:
                enums.setdefault(type_name(column.enum), column.enum)
    lines = [
        "-- The release's tables with the codebook's order of every enumeration (generated; do not edit).",
        "-- Run from the release folder: duckdb -init duckdb/ordered.sql",
        "-- Compare with a value of the type: WHERE time_frame > 'current'::time_frame",
        "",
    ]
    for name, enum in enums.items():
        levels = ", ".join(_quote(level) for level in enum.values())
        lines.append(f"CREATE OR REPLACE TYPE {name} AS ENUM ({levels});")
    lines.append("")
    for table in TABLES:
        casts = [
            f"CAST({column.name} AS {type_name(column.enum)}) AS {column.name}"
            for column in table.columns
            if column.enum
        ]
        replace = f" REPLACE ({', '.join(casts)})" if casts else ""
        lines.append(
            f"CREATE OR REPLACE VIEW {table.name} AS SELECT *{replace} FROM read_parquet('{table.name}.parquet');"
        )
    return "\n".join(lines) + "\n"


def write_duckdb_script(directory: Path) -> Path:
    path = directory / DUCKDB_SCRIPT
    path.parent.mkdir(exist_ok=True)
    path.write_text(script(), encoding="utf-8")
    return path
