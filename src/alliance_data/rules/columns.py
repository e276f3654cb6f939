"""The value constraints of a column (`columns.Column`: enumeration, pattern, lengths, plain
text, range) and what to do about a broken one. Which columns carry which constraint is
defined once, in the models; each kind of constraint has its pandera form, which checks the
columns on one machine (`schema.py`), and its SQL form, which checks them on Spark, side by
side here."""

from __future__ import annotations

from typing import Any

from ..codebook import plain_text
from ..codebook.columns import Column
from ..codebook.fixes import constraint_fix
from ..codebook.registry import Table
from .sql import listed

# pandera's own names for the nullability check and the key's uniqueness.
NOT_NULLABLE = "not_nullable"
UNIQUE_KEY = "multiple_fields_uniqueness"


def constraints(column: Column) -> list[tuple[str, Any]]:
    """Each constraint of a column as (check, parameter), in the order they are checked."""
    found = [
        ("enum", column.levels if column.enum else None),
        ("pattern", column.pattern),
        ("min_length", column.min_length or None),
        ("max_length", column.max_length or None),
        ("plain_text", True if column.plain else None),
        ("ge", column.ge),
        ("le", column.le),
    ]
    return [(check, parameter) for check, parameter in found if parameter is not None]


def pandera_check(pa: Any, check: str, parameter: Any, plain: Any) -> Any:
    """The pandera check of one constraint; `plain` is the plain-text check function."""
    if check == "enum":
        return pa.Check.isin(parameter, name=check, error=check)
    if check == "pattern":
        return pa.Check.str_matches(parameter, name=check, error=check)
    if check == "min_length":
        return pa.Check.str_length(min_value=parameter, name=check, error=check)
    if check == "max_length":
        return pa.Check.str_length(max_value=parameter, name=check, error=check)
    if check == "plain_text":
        return pa.Check(plain, name=check, error=check)
    if check == "ge":
        return pa.Check.ge(parameter, name=check, error=check)
    return pa.Check.le(parameter, name=check, error=check)


def sql_fails(check: str, parameter: Any, value: str) -> str:
    """The SQL condition a value that breaks one constraint meets (nulls are not values)."""
    if check == "enum":
        return f"{value} NOT IN {listed(parameter)}"
    if check == "pattern":
        return f"NOT regexp_matches({value}, '{_anchored(parameter)}')"
    if check == "min_length":
        return f"length({value}) < {parameter}"
    if check == "max_length":
        return f"length({value}) > {parameter}"
    if check == "plain_text":
        hidden, shown = plain_text.refused_pattern(), plain_text.visible_class()
        return f"(regexp_matches({value}, '{hidden}') OR NOT regexp_matches({value}, '{shown}'))"
    if check == "ge":
        return f"{value} < {parameter}"
    return f"{value} > {parameter}"


def column_query(table: Table) -> str:
    """One query for every column constraint of a table: its failing values, by check and
    field. The table is scanned once: each row lists the checks it fails, then one row per
    failure."""
    # Names quoted: a column may be called by a keyword (retired_ids.table).
    keys = ", ".join(f'"{name}"' for name in table.primary_key)
    failed = []
    for column in table.columns:
        name, quoted = column.name, f'"{column.name}"'
        if not column.nullable:
            failed.append(f"CASE WHEN {quoted} IS NULL THEN '{NOT_NULLABLE}:{name}' END")
        for check, parameter in constraints(column):
            failed.append(
                f"CASE WHEN {quoted} IS NOT NULL AND {sql_fails(check, parameter, quoted)} THEN '{check}:{name}' END"
            )
    values = " ".join(f"WHEN '{column.name}' THEN CAST(\"{column.name}\" AS VARCHAR)" for column in table.columns)
    key_match = " AND ".join(f't."{name}" IS NOT DISTINCT FROM d."{name}"' for name in table.primary_key)
    return f"""
        SELECT {keys}, split_part(item, ':', 1) AS check, split_part(item, ':', 2) AS field,
               CASE split_part(item, ':', 2) {values} END AS value
        FROM (
            SELECT *, unnest(string_split(_failed, ',')) AS item
            FROM (SELECT *, concat_ws(',', {", ".join(failed)}) AS _failed FROM {table.name})
            WHERE _failed <> ''
        )
        UNION ALL
        SELECT {", ".join(f't."{name}"' for name in table.primary_key)}, '{UNIQUE_KEY}' AS check,
               CAST(NULL AS VARCHAR) AS field, CAST(NULL AS VARCHAR) AS value
        FROM {table.name} t JOIN (SELECT {keys} FROM {table.name} GROUP BY {keys} HAVING count(*) > 1) d
            ON {key_match}
    """


def _anchored(pattern: str) -> str:
    """pandera's str_matches matches at the start of the value, as `re.match` does."""
    return (pattern if pattern.startswith("^") else "^" + pattern).replace("'", "''")


def column_fix(check: str, column: Column | None, table: Table) -> str:
    """How to mend a value that breaks a column check."""
    if check == UNIQUE_KEY:
        return f"make ({', '.join(table.primary_key)}) unique: ids are never shared or reused"
    return constraint_fix(check, column.name if column else "", column)


def column_message(check: str, value: Any) -> str:
    return f"{check} check failed for value {value!r}"
