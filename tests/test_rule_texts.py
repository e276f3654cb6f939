"""The rules' text kernels (rules/sql.py), run by DuckDB, agree with the Python definitions the
rest of the code uses: the cue words the build derives, what counts as blank between sections."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from alliance_data.codebook.hedging import normalized_cue
from alliance_data.rules.sql import BLANK, SEPARATORS, letter_count, normalized, words
from rule_texts import texts


def _run(expression: str, values: list[str]) -> list:
    with duckdb.connect() as connection:
        connection.register("probe", pa.table({"i": list(range(len(values))), "x": values}))
        return [row[0] for row in connection.sql(f"SELECT {expression} FROM probe ORDER BY i").fetchall()]


def _without_final_sigma(values: list[str]) -> list[str]:
    """Python lower-cases a capital sigma by its place in the word; the rules always as σ."""
    return [value for value in values if "Σ" not in value]


def test_cue_words_are_the_build_s_cue_words():
    values = _without_final_sigma(texts())
    assert _run(words("x"), values) == [normalized_cue(value) for value in values]


def test_blank_is_python_whitespace_but_the_information_separators():
    values = texts()
    expected = [all(c.isspace() and c not in "\x1c\x1d\x1e\x1f" for c in value) for value in values]
    assert _run(f"regexp_matches(x, '{BLANK}')", values) == expected
    assert any(expected) and not all(expected)


def test_a_statement_repeats_its_quote_up_to_case_punctuation_and_spacing():
    import unicodedata

    def reference(value: str) -> str:
        separators = {c: " " for c in set(value) if c.isspace() or unicodedata.category(c)[0] in "PSZ"}
        return " ".join(value.lower().translate(str.maketrans(separators)).split())

    values = _without_final_sigma(texts())
    assert _run(normalized("x"), values) == [reference(value) for value in values]
    assert SEPARATORS.startswith("[\\pP\\pS")


def test_texts_equal_up_to_normalization_count_as_many_es():
    """The statement rule tests `letter_count` before `normalized`: that must never hide a repeat."""
    values = _without_final_sigma(texts())
    counts = _run(letter_count("x", "e"), values)
    assert counts == [value.lower().count("e") for value in values]
    assert any(counts)
    forms = _run(normalized("x"), values)
    assert counts == [form.count("e") for form in forms]


def test_spans_read_from_blocks_or_the_whole_text_are_the_text_s():
    """span_text gives text[start:end] for short spans (from a block) and long ones (from the
    whole text), near the ends of the text too, and null outside it."""
    import random

    from alliance_data.rules.sql import BLOCK_CHARS, BLOCK_REACH, TEXT_TABLES, span_text, with_text

    chooser = random.Random(3)
    text = "".join(chooser.choice("ab é’—\n中🙂") for _ in range(3 * (BLOCK_CHARS + BLOCK_REACH)))
    spans = [
        (0, 0),
        (0, 1),
        (len(text) - 1, len(text)),
        (0, len(text)),
        (5, BLOCK_REACH + 900),
        (len(text), len(text) + 1),
    ]
    for _ in range(300):
        start = chooser.randrange(len(text))
        spans.append((start, min(len(text), start + chooser.choice([1, 40, 700, BLOCK_REACH - 10, 2 * BLOCK_REACH]))))
    spans.append((2**63 - 1, 2**63 - 1))
    with duckdb.connect() as connection:
        connection.register("texts", pa.table({"source_id": ["s"], "text": [text]}))
        for name, query in TEXT_TABLES:
            connection.execute(f"CREATE TEMP TABLE {name} AS {query}")
        starts, ends = [s for s, _ in spans], [e for _, e in spans]
        connection.register(
            "spans", pa.table({"i": range(len(spans)), "source_id": ["s"] * len(spans), "a": starts, "z": ends})
        )
        query = f"SELECT {span_text('x.a', 'x.z')} FROM spans x {with_text('x.source_id', 'x.a', 'x.z')} ORDER BY x.i"
        found = [row[0] for row in connection.sql(query).fetchall()]
    expected = [text[start:end] if 0 <= start <= end <= len(text) else None for start, end in spans]
    assert found == expected
    assert any(end - start > BLOCK_REACH for start, end in spans)


def test_text_join_keys_are_the_columns_with_text_joins_on():
    """TEXT_JOIN_KEYS (by which Spark lays out the text tables) names, for every text table,
    exactly the columns `with_text` joins it on by equality, in order: a key that drifted would
    leave Spark shuffling the texts for every rule."""
    import re

    from alliance_data.rules.sql import TEXT_JOIN_KEYS, TEXT_TABLES, with_text

    joins = with_text("x.source_id", "x.a", "x.z")
    found = {}
    for name, alias, condition in re.findall(r"JOIN (\w+) (\w+) ON (.*?)(?= LEFT JOIN |$)", joins):
        found[name] = tuple(re.findall(rf"\b{alias}\.(\w+) = ", condition))
    assert set(found) == {name for name, _ in TEXT_TABLES}
    assert found == TEXT_JOIN_KEYS
