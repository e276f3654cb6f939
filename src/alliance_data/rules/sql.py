"""SQL fragments the rules share, each written once (DuckDB's dialect; see rule.py)."""

from __future__ import annotations

from ..identifiers import CONTEXT_CHARS

# Python's whitespace (`str.split()`, `str.isspace()`) as a regex class both RE2 and Java read:
# the ASCII controls it counts, NEL, and Unicode's separators (Zs, Zl, Zp).
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f\x{85}\pZ"
# Blank: whitespace except the four information separators U+001C..U+001F, which the section
# rules do not count as blank (Java's Unicode `\s` does not either).
BLANK_IN_LINE = r"\t\x0b\x0c\r\x{85}\pZ"
BLANK = rf"^[\n{BLANK_IN_LINE}]*$"
# What a statement may differ from its quote by and still repeat it: punctuation, symbols and
# whitespace.
SEPARATORS = rf"[\pP\pS{WHITESPACE}]+"


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def listed(values) -> str:
    """A SQL list of string literals: ('a', 'b')."""
    return "(" + ", ".join(literal(value) for value in values) + ")"


def inside(text: str, start: str, end: str) -> str:
    """A non-empty span inside the text (null when an offset is null)."""
    return f"({start} >= 0 AND {start} < {end} AND {end} <= length({text}))"


def span_text(text: str, start: str, end: str) -> str:
    """text[start:end], only for offsets inside the text (null otherwise): offsets as large as
    2**63 - 1 never reach the arithmetic."""
    within = f"0 <= {start} AND {start} <= {end} AND {end} <= length({text})"
    return f"CASE WHEN {within} THEN substring({text}, {start} + 1, {end} - {start}) END"


def span_ok(text: str, start: str, end: str, quote: str) -> str:
    """A non-empty span inside the text that is exactly the quote (false when anything is null)."""
    return f"coalesce({inside(text, start, end)} AND {span_text(text, start, end)} = {quote}, false)"


def context_ok(text: str, start: str, end: str, prefix: str, suffix: str) -> str:
    """The stored prefix and suffix are the CONTEXT_CHARS characters around a span inside the text."""
    before = f"greatest(0, {start} - {CONTEXT_CHARS})"
    after = f"least(length({text}), {end} + {CONTEXT_CHARS})"
    return (
        f"coalesce(CASE WHEN {inside(text, start, end)} THEN {span_text(text, before, start)} = {prefix} "
        f"AND {span_text(text, end, after)} = {suffix} END, false)"
    )


def lower(value: str) -> str:
    """Lower case the same in DuckDB and Java: the two characters whose lower case depends on
    the engine (Java makes a final capital sigma ς and İ two characters) mapped first."""
    return f"lower(replace(replace({value}, 'Σ', 'σ'), 'İ', 'i\u0307'))"


def normalized(value: str) -> str:
    """A text up to case, punctuation and spacing: lower-cased, every run of punctuation,
    symbols and whitespace one space, none at either end."""
    return f"trim(regexp_replace({lower(value)}, '{SEPARATORS}', ' ', 'g'))"


def words(value: str) -> str:
    """A text as the cue table writes cues: lower case, single spaces (`hedging.normalized_cue`)."""
    return f"trim(regexp_replace({lower(value)}, '[{WHITESPACE}]+', ' ', 'g'))"
