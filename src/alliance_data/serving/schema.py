"""An immutable database's schema, read from SQLite once per server.

Datasette asks SQLite for a table's columns, keys, foreign keys and definition on every page:
16 of the 29 calls to the SQL thread behind the claims table page were about the schema, each a
hop to a worker thread and back (benchmarks/NOTES.md). The dataset is served immutable, so the
answers cannot change while the server runs: here they are remembered.

Remembered: the schema methods of Datasette's `Database` (SCHEMA_METHODS), and the statements
Datasette runs on `sqlite_master`, `PRAGMA schema_version` and `database_list` through `execute`, matched by their
exact text (SCHEMA_STATEMENTS), so no other query is ever answered from memory. Arguments come
from the address (a table's name), so at most MAX_REMEMBERED answers are kept, the least
recently used forgotten first.
"""

from __future__ import annotations

import copy

from .memory import Memory, parameters_key

SCHEMA_METHODS = (
    "table_exists",
    "table_names",
    "view_names",
    "hidden_table_names",
    "table_columns",
    "table_column_details",
    "primary_keys",
    "fts_table",
    "foreign_keys_for_table",
    "get_all_foreign_keys",
    "get_table_definition",
    "get_view_definition",
)

# Datasette's own statements about the schema, whitespace folded (datasette/app.py, database.py).
SCHEMA_STATEMENTS = frozenset(
    " ".join(sql.split())
    for sql in (
        "PRAGMA schema_version",
        "PRAGMA database_list;",
        "select 1 from sqlite_master where type='table' and name=?",
        "select name from sqlite_master where type='table'",
        "select name from sqlite_master where type='view'",
        "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase",
        "select sql from sqlite_master where name = :n and type=:t",
        "select sql from sqlite_master where tbl_name = :n and type='index' and sql is not null",
    )
)

MAX_REMEMBERED = 1024


def remember_schema(database) -> None:
    """Answer `database`'s schema questions from memory after the first time, if it is immutable."""
    if database.is_mutable:
        return
    memory = database.schema_memory = Memory()

    async def remembered(key, ask):
        answer = await memory.answer(key, ask, MAX_REMEMBERED)
        # A caller may change a list it was given; the remembered one stays as SQLite said.
        return copy.deepcopy(answer) if isinstance(answer, list | dict) else answer

    for name in SCHEMA_METHODS:
        method = getattr(database, name)

        def asking(method=method, name=name):
            async def schema_method(*args):
                return await remembered((name, args), lambda: method(*args))

            return schema_method

        setattr(database, name, asking())

    execute = database.execute

    async def execute_remembering_schema(sql, params=None, *args, **kwargs):
        if "sqlite_master" in sql or sql.startswith("PRAGMA"):
            statement = " ".join(sql.split())
            if statement in SCHEMA_STATEMENTS:
                key = ("execute", statement, parameters_key(params), args, tuple(sorted(kwargs.items())))
                return await remembered(key, lambda: execute(sql, params, *args, **kwargs))
        return await execute(sql, params, *args, **kwargs)

    database.execute = execute_remembering_schema
