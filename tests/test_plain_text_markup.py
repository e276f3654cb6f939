"""Our own text refuses markup; the verdict on every value is the one it was, found faster."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_data.codebook import plain_text
from alliance_data.curation.validate import validate
from alliance_data.problems import ValidationFailed
from conftest import replace_in


def problem_before(value: str) -> str | None:
    """`problem` as it was: every character scanned before the compiled pattern."""
    for position, character in enumerate(value):
        code = ord(character)
        if any(low <= code <= high for low, high in plain_text.FORBIDDEN):
            return (
                f"holds the hidden or control character U+{code:04X} at position {position}: "
                "no control, bidirectional or zero-width character may stand in our own text"
            )
    if not plain_text.is_plain(value):
        return "is blank: it holds only spaces or invisible characters"
    return None


# Text near the edges: blanks, forbidden characters, '<' before letters and digits, ordinary words.
EDGES = st.sampled_from([" ", "\u00a0", "\u200b", "\u202e", "\x00", "\n", "\x1b", "a", "é", "5", "<", "&", "/"])
VALUES = st.lists(st.one_of(EDGES, st.characters()), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_the_verdict_is_the_one_before_for_every_value_without_markup(value):
    if plain_text._MARKUP.search(value) and not plain_text._FORBIDDEN.search(value):
        assert plain_text.problem(value) is not None and "markup" in plain_text.problem(value)
    else:
        assert plain_text.problem(value) == problem_before(value)


@pytest.mark.parametrize(
    "value", ["<script>alert(1)</script>", "a <b>bold</b> claim", "x </p>", "<!--<script>", "<?xml?>", "<img src=x>"]
)
def test_markup_is_refused_in_our_own_text(value):
    assert "markup" in plain_text.problem(value)
    assert not plain_text.is_plain(value)


@pytest.mark.parametrize("value", ["a < b", "<5% of trade", "x<3", "Iran & Russia", "1 <= 2", "<"])
def test_a_lone_less_than_sign_is_still_text(value):
    assert plain_text.problem(value) is None


def test_a_statement_holding_a_script_is_a_field_error_at_its_line(data_copy):
    path = data_copy / "claims" / "irda-s3.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("  statement:"))
    statement = text.splitlines()[line - 1]
    replace_in(path, statement, statement.replace("statement: ", "statement: <script>alert(1)</script> ", 1))
    with pytest.raises(ValidationFailed) as error:
        validate(data_copy)
    found = [p for p in error.value.problems if p.field == "statement"]
    assert found and found[0].line == line and "markup" in found[0].message, [str(p) for p in error.value.problems]
