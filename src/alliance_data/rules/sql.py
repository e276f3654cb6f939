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


def span_ok(text: str, start: str, end: str, quote: str) -> str:
    """A non-empty span inside the text that is exactly the quote (false when anything is null)."""
    return (
        f"coalesce({start} >= 0 AND {start} < {end} AND {end} <= length({text}) "
        f"AND substring({text}, {start} + 1, {end} - {start}) = {quote}, false)"
    )


def context_ok(text: str, start: str, end: str, prefix: str, suffix: str) -> str:
    """The stored prefix and suffix are the CONTEXT_CHARS characters around the span."""
    before = f"greatest(0, {start} - {CONTEXT_CHARS})"
    return (
        f"coalesce(substring({text}, {before} + 1, {start} - {before}) = {prefix} "
        f"AND substring({text}, {end} + 1, {CONTEXT_CHARS}) = {suffix}, false)"
    )


def normalized(value: str) -> str:
    """A text up to case, punctuation and spacing: lower-cased, every run of punctuation,
    symbols and whitespace one space, none at either end."""
    return f"trim(regexp_replace(lower({value}), '{SEPARATORS}', ' ', 'g'))"


def words(value: str) -> str:
    """A text as the cue table writes cues: lower case, single spaces (`hedging.normalized_cue`)."""
    return f"trim(regexp_replace(lower({value}), '[{WHITESPACE}]+', ' ', 'g'))"

