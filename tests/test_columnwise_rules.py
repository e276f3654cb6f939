"""Rules computed column-wise in Arrow agree with their one-value definitions."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_data.rules import _normalized, _statements_differ

# ASCII with every whitespace Python's split() knows (\x1c-\x1f too), punctuation and symbols,
# and some Unicode whose case folding differs from lower-casing (ß, the Kelvin sign, ﬁ), Unicode
# punctuation, symbols and spaces.
_PIECES = st.sampled_from(
    ["a", "B", "z", " ", "\t", "\n", "\x0b", "\x0c", "\x1c", "\x1f", ".", "!", "?", "-", ",", ":", "$", "'"]
)
_UNICODE = st.sampled_from(
    ["ß", "SS", "ss", "\u212a", "k", "ﬁ", "fi", "\u00a0", "\u2003", "É", "é", "’", "—", "€", "«", "\u0085"]
)
_TEXT = st.lists(st.one_of(_PIECES, _PIECES, _UNICODE), max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=20), st.data())
def test_statement_rule_agrees_with_its_definition(pairs, data):
    # Make some pairs equal up to case, spacing and punctuation, the cases the rule is for.
    variants = lambda a, b: [b, a.upper(), f" {a}. ", a.replace(" ", "\t "), a.replace(" ", ", "), f"«{a}»"]  # noqa: E731
    pairs = [(a, data.draw(st.sampled_from(variants(a, b)))) for a, b in pairs]
    frame = pd.DataFrame(
        {"statement": [a for a, _ in pairs], "quote": [b for _, b in pairs]}, dtype=pd.StringDtype("pyarrow")
    )
    expected = [_normalized(a) != _normalized(b) for a, b in pairs]
    assert _statements_differ(frame, None).tolist() == expected


def test_statement_rule_on_arrow_text_that_does_not_start_at_offset_zero():
    # pandas passes Arrow arrays whose first offset is not 0 (slices of a shared buffer);
    # pyarrow 26's ascii_lower corrupts those, so the rule must not depend on it.
    import pyarrow as pa

    from alliance_data.rules import _PANDAS_TYPES

    statements = [f"Statement number {i} In Our Words." for i in range(50)]
    quotes = [f"statement NUMBER {i}  in our words" if i % 3 else f"quote {i}" for i in range(50)]
    table = pa.table({"statement": statements, "quote": quotes}).slice(7)
    frame = table.to_pandas(types_mapper=_PANDAS_TYPES.get)
    expected = [_normalized(a) != _normalized(b) for a, b in zip(statements[7:], quotes[7:], strict=True)]
    assert _statements_differ(frame, None).tolist() == expected
