"""The codebook inside the SQLite database, so that the file alone (plain Datasette, DB Browser,
RSQLite) says what every table, column and level means, in which order the levels go, and under
which licence and citation the data is published. Every row is read off the models and the table
registry, like the DDL.

`codebook_levels.rank` is the codebook's order of each enumeration (1 first): SQLite stores the
levels as TEXT, which sorts and compares alphabetically, so an ordered comparison joins this
table (docs/formats.md, "Ordinal codes in SQL").
"""

from __future__ import annotations

from .. import about
from ..codebook.columns import Column
from ..codebook.registry import TABLES

DATASET_TABLE = "dataset_info"
TABLES_TABLE = "codebook_tables"
COLUMNS_TABLE = "codebook_columns"
LEVELS_TABLE = "codebook_levels"

# Written after the data tables, so they do not change the bytes of the tables before them.
DDL = (
    f"""CREATE TABLE [{DATASET_TABLE}] (
   [key] TEXT NOT NULL PRIMARY KEY,
   [value] TEXT NOT NULL
)""",
    f"""CREATE TABLE [{TABLES_TABLE}] (
   [table_name] TEXT NOT NULL PRIMARY KEY,
   [position] INTEGER NOT NULL,
   [primary_key] TEXT NOT NULL,
   [description] TEXT NOT NULL
)""",
    f"""CREATE TABLE [{COLUMNS_TABLE}] (
   [table_name] TEXT NOT NULL REFERENCES [{TABLES_TABLE}]([table_name]),
   [column_name] TEXT NOT NULL,
   [position] INTEGER NOT NULL,
   [type] TEXT NOT NULL CHECK ([type] IN ('text', 'integer', 'category')),
   [nullable] INTEGER NOT NULL CHECK ([nullable] IN (0, 1)),
   [ordered] INTEGER NOT NULL CHECK ([ordered] IN (0, 1)),
   [description] TEXT NOT NULL,
   PRIMARY KEY ([table_name], [column_name])
)""",
    f"""CREATE TABLE [{LEVELS_TABLE}] (
   [table_name] TEXT NOT NULL,
   [column_name] TEXT NOT NULL,
   [level] TEXT NOT NULL,
   [rank] INTEGER NOT NULL CHECK ([rank] >= 1),
   [description] TEXT NOT NULL,
   PRIMARY KEY ([table_name], [column_name], [level]),
   UNIQUE ([table_name], [column_name], [rank]),
   FOREIGN KEY ([table_name], [column_name]) REFERENCES [{COLUMNS_TABLE}]([table_name], [column_name])
)""",
)

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
SOURCE = "“Iran And Russia: A Deepening Alliance”, Jhon Lennon (URL and date unknown; see the sources table)"

# What each of these tables holds, for the Datasette metadata beside the database.
DESCRIPTIONS = {
    DATASET_TABLE: "What the dataset is: its version, licence, citation and source, one fact a row.",
    TABLES_TABLE: "Every table of the dataset with its primary key and what one row is.",
    COLUMNS_TABLE: "Every column of every table with its type, whether it may be empty, and its description.",
    LEVELS_TABLE: "Every level of every enumeration, ranked in the codebook's order (1 first): join it to sort "
    "or compare ordered levels such as certainty and time_frame, which SQLite would order alphabetically.",
}


def dataset_rows() -> list[tuple[str, str]]:
    """What the dataset is, its version, licence and citation, as key and value."""
    return [
        ("name", about.NAME),
        ("title", about.TITLE),
        ("description", about.DESCRIPTION),
        ("version", about.__version__),
        ("released", about.RELEASED),
        ("license", about.LICENSE),
        ("license_title", about.LICENSE_TITLE),
        ("license_url", LICENSE_URL),
        ("citation", about.citation()),
        (
            "source",
            "“Iran And Russia: A Deepening Alliance”, Jhon Lennon (URL and date unknown; see the sources table)",
        ),
        ("source_text", about.SOURCE_TEXT_STATUS),
        ("codebook", f"The tables {TABLES_TABLE}, {COLUMNS_TABLE} and {LEVELS_TABLE} of this database."),
    ]


def column_type(column: Column) -> str:
    return "category" if column.enum else "integer" if column.dtype == "integer" else "text"


def table_rows() -> list[tuple]:
    return [
        (table.name, position, ", ".join(table.primary_key), table.description)
        for position, table in enumerate(TABLES, 1)
    ]


def column_rows() -> list[tuple]:
    return [
        (
            table.name,
            column.name,
            position,
            column_type(column),
            int(column.nullable),
            int(column.ordered),
            column.description,
        )
        for table in TABLES
        for position, column in enumerate(table.columns, 1)
    ]


def level_rows() -> list[tuple]:
    return [
        (table.name, column.name, member.value, rank, member.description)
        for table in TABLES
        for column in table.columns
        if column.enum
        for rank, member in enumerate(column.enum, 1)
    ]


def write_codebook(execute) -> None:
    """Create and fill the codebook tables through `execute(sql, parameters)` (an open
    connection's, inside the caller's transaction)."""
    rows = {
        DATASET_TABLE: dataset_rows(),
        TABLES_TABLE: table_rows(),
        COLUMNS_TABLE: column_rows(),
        LEVELS_TABLE: level_rows(),
    }
    for ddl in DDL:
        execute(ddl, ())
    for name, values in rows.items():
        for row in values:
            execute(f"INSERT INTO [{name}] VALUES ({', '.join('?' for _ in row)})", row)
