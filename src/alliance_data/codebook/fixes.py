"""How to mend a value that breaks a constraint: one wording, whichever check found it (a
record's model while reading, or a table's column checks)."""

from __future__ import annotations

from collections.abc import Iterable

from .columns import Column

PLAIN_TEXT_FIX = (
    "write it as visible text without control, bidirectional or zero-width characters or markup "
    "(no <tag> or <!-- -->; retype it, or paste it as plain text)"
)
# pydantic's error types, by the constraint they report.
PYDANTIC_CONSTRAINTS = {
    "enum": "enum",
    "string_pattern_mismatch": "pattern",
    "string_too_long": "max_length",
    "string_too_short": "min_length",
}


def constraint_fix(constraint: str, name: str, column: Column | None, fields: Iterable[str] = ()) -> str:
    """The fix for field `name` (described by `column`, when known) breaking `constraint`: a
    column check's name (enum, pattern, max_length, plain_text, ...) or a pydantic error type."""
    constraint = PYDANTIC_CONSTRAINTS.get(constraint, constraint)
    if constraint == "missing":
        return f"add '{name}:' ({column.description if column else 'required'})"
    if constraint == "extra_forbidden":
        return f"remove '{name}' or correct its spelling; the fields are: {', '.join(fields)}"
    if column is None:
        return "see the codebook"
    if constraint == "enum" and column.levels:
        return f"use one of: {', '.join(column.levels)}"
    if constraint == "pattern" and column.pattern:
        return f"write a value matching {column.pattern}"
    if constraint == "max_length" and column.max_length:
        return f"shorten it to at most {column.max_length:,} characters"
    if constraint == "plain_text":
        return PLAIN_TEXT_FIX
    if constraint.startswith("int"):
        return f"write a whole number for '{name}' in plain decimal digits, unquoted (e.g. 137, not 0:2:17 or 0211)"
    if constraint.startswith("string_type"):
        return f"write a text value for '{name}'"
    return f"see the codebook: {name} is '{column.description}'"
