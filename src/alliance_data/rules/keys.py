"""Foreign keys as rules, one per key of the registry: a value is null or an id of its parent
table. Ids of parent records that failed their own checks count as known (`invalid_ids`), so a
bad record is reported once, not again at every child."""

from __future__ import annotations

from ..codebook.registry import CHECKED_TABLES, ForeignKey, Table
from .rule import Rule
from .sql import literal

FOREIGN_KEY = "foreign_key"


def _rule(table: Table, key: ForeignKey) -> Rule:
    keys = ", ".join(f"t.{name}" for name in table.primary_key if name != key.column)
    return Rule(
        FOREIGN_KEY,
        table.name,
        key.column,
        f"""
        SELECT t._row, {keys + ", " if keys else ""}t.{key.column} FROM {table.name} t
        WHERE t.{key.column} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {key.table} p WHERE p.{key.other_column} = t.{key.column})
          AND NOT EXISTS (SELECT 1 FROM invalid_ids i
                          WHERE i.table_name = {literal(key.table)} AND i.id = t.{key.column})
        """,
        lambda row, context, key=key: f"{row[key.column]!r} is not a known {key.table}.{key.other_column}",
        f"use an existing {key.table}.{key.other_column} (or add it to its table first)",
    )


FOREIGN_KEY_RULES = tuple(_rule(table, key) for table in CHECKED_TABLES for key in table.foreign_keys)
