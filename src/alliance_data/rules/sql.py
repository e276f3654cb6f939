"""SQL fragments the rules share, each written once (DuckDB's dialect; see rule.py)."""

from __future__ import annotations

from ..codebook.identifiers import CONTEXT_CHARS

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


# Source texts are read in blocks: a substring of a long text costs time in proportion to its
# offset (UTF-8), one of a block only in proportion to the block. Each block starts BLOCK_CHARS
# after the one before and reaches BLOCK_REACH further, so any span of up to BLOCK_REACH
# characters (with its context) lies in the block of its context's start; longer ones are read
# from the whole text.
BLOCK_CHARS = 1024
BLOCK_REACH = 2048

# Tables each engine computes from `texts` (source_id, text) before the rules run.
TEXT_TABLES = (
    ("source_texts", "SELECT source_id, text, length(text) AS text_length FROM texts"),
    ("source_lengths", "SELECT source_id, text_length FROM source_texts"),
    (
        "text_blocks",
        f"""
        SELECT source_id, block_no, block_no * {BLOCK_CHARS} AS block_start,
               least({BLOCK_CHARS + BLOCK_REACH}, text_length - block_no * {BLOCK_CHARS}) AS block_length,
               substring(text, block_no * {BLOCK_CHARS} + 1, {BLOCK_CHARS + BLOCK_REACH}) AS block
        FROM (
            SELECT source_id, text, text_length,
                   unnest(range(0, CAST(ceil(text_length / {BLOCK_CHARS}) AS BIGINT) + 1)) AS block_no
            FROM source_texts
        )
        """,
    ),
)

# The columns `with_text` joins each text table on. An engine that partitions its tables (Spark)
# lays the text tables out by them once, so a rule's join moves its own rows, not the texts.
TEXT_JOIN_KEYS = {
    "source_texts": ("source_id",),
    "source_lengths": ("source_id",),
    "text_blocks": ("source_id", "block_no"),
}


def with_text(source: str, start: str, end: str, join: str = "JOIN") -> str:
    """Joins, for a span [start, end) of `source`: its text's length as `n` (`join`: an inner
    join skips rows whose source has no text, whose own check reports them); as `b`, the block
    holding the span's context; and as `t`, the whole text, only where the span is too long for
    a block (other rows get none, so no row carries a copy of a long text it does not need)."""
    # In floating point: offsets near 2**63 must not overflow before their own check reports them.
    context_start = f"greatest(0, CAST({start} AS DOUBLE) - {CONTEXT_CHARS})"
    block = f"CAST(floor({context_start} / {BLOCK_CHARS}) AS BIGINT)"
    reach = f"floor({context_start} / {BLOCK_CHARS}) * {BLOCK_CHARS} + {BLOCK_CHARS + BLOCK_REACH}"
    too_long = f"CAST({end} AS DOUBLE) + {CONTEXT_CHARS} > {reach}"
    return (
        f"{join} source_lengths n ON n.source_id = {source} "
        f"LEFT JOIN text_blocks b ON b.source_id = {source} AND b.block_no = {block} "
        f"LEFT JOIN source_texts t ON t.source_id = {source} AND {too_long}"
    )


def inside(start: str, end: str, n: str = "n") -> str:
    """A non-empty span inside the text (null when an offset is null)."""
    return f"({start} >= 0 AND {start} < {end} AND {end} <= {n}.text_length)"


def span_text(start: str, end: str, b: str | None = "b", t: str = "t", n: str = "n") -> str:
    """text[start:end], from the block `b` when it holds the span (else the whole text `t`);
    null for offsets outside the text: offsets as large as 2**63 - 1 never reach the arithmetic."""
    whole = f"substring({t}.text, {start} + 1, {end} - {start})"
    if b is not None:
        in_block = f"{b}.block_start <= {start} AND {end} <= {b}.block_start + {b}.block_length"
        piece = f"substring({b}.block, {start} - {b}.block_start + 1, {end} - {start})"
        whole = f"CASE WHEN {in_block} THEN {piece} ELSE {whole} END"
    return f"CASE WHEN 0 <= {start} AND {start} <= {end} AND {end} <= {n}.text_length THEN {whole} END"


def span_ok(start: str, end: str, quote: str) -> str:
    """A non-empty span inside the text that is exactly the quote (false when anything is null)."""
    return f"coalesce({inside(start, end)} AND {span_text(start, end)} = {quote}, false)"


def context_ok(start: str, end: str, prefix: str, suffix: str) -> str:
    """The stored prefix and suffix are the CONTEXT_CHARS characters around a span inside the text."""
    before = f"greatest(0, {start} - {CONTEXT_CHARS})"
    after = f"least(n.text_length, {end} + {CONTEXT_CHARS})"
    return (
        f"coalesce(CASE WHEN {inside(start, end)} THEN {span_text(before, start)} = {prefix} "
        f"AND {span_text(end, after)} = {suffix} END, false)"
    )


def lower(value: str) -> str:
    """Lower case the same in DuckDB and Java: the two characters whose lower case depends on
    the engine (Java makes a final capital sigma ς and İ two characters) mapped first."""
    return f"lower(replace(replace({value}, 'Σ', 'σ'), 'İ', 'i\u0307'))"


def normalized(value: str) -> str:
    """A text up to case, punctuation and spacing: lower-cased, every run of punctuation,
    symbols and whitespace one space, none at either end."""
    return f"trim(regexp_replace({lower(value)}, '{SEPARATORS}', ' ', 'g'))"


def letter_count(value: str, letter: str) -> str:
    """How often a lower-case ASCII `letter` occurs in a text, lower-cased. `normalized` keeps every
    letter, so texts equal up to normalization count the same: a test far cheaper than its two
    regular expressions, to run first."""
    return f"(length({lower(value)}) - length(replace({lower(value)}, {literal(letter)}, '')))"


def words(value: str) -> str:
    """A text as the cue table writes cues: lower case, single spaces (`hedging.normalized_cue`)."""
    return f"trim(regexp_replace({lower(value)}, '[{WHITESPACE}]+', ' ', 'g'))"
