"""The derived column and table, computed column-wise, equal their one-record definitions."""

from __future__ import annotations

from itertools import combinations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_data.codebook.hedging import HEDGE_CUES
from alliance_data.curation.derive import actor_pairs_table, hedge_cues, hedge_cues_column

# Text near the cues: the cues themselves with odd case and spacing, word characters that
# touch them (ASCII and not), and Unicode spaces that Python's \s accepts and RE2's does not.
_PIECES = [*HEDGE_CUES, "MIGHT", "Likely", "expected\u00a0to", "set\u2003to", "é", "ß", "K", "x", "_", "1"]
_TEXT = st.lists(st.sampled_from([*_PIECES, " ", "\n", ".", "-", "\u00a0"]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), _TEXT, st.text(max_size=40)), max_size=30))
def test_hedge_cues_column_is_hedge_cues_of_each_quote(quotes):
    expected = [None if quote is None else hedge_cues(quote) for quote in quotes]
    assert hedge_cues_column(pa.array(quotes, pa.string())).to_pylist() == expected


COW = {"IRN": 630, "RUS": 365, "USA": 2, "SYR": 652, "SUN": 365}


def _dyad_codes(a: str, b: str) -> tuple[int | None, int | None]:
    codes = COW.get(a), COW.get(b)
    if None in codes or codes[0] == codes[1]:
        return None, None
    return min(codes), max(codes)


def _pairs_by_definition(rows):
    """actor_pairs as the codebook defines it, one claim at a time."""
    actors = {}
    for row in rows:
        actors.setdefault(row["claim_id"], set()).add(row["actor_id"])
    return [
        {"claim_id": claim, "dyad": f"{a}-{b}", "actor_a": a, "actor_b": b}
        | dict(zip(("ccode1", "ccode2"), _dyad_codes(a, b), strict=True))
        for claim, ids in sorted(actors.items())
        for a, b in combinations(sorted(ids), 2)
    ]


_ROW = st.fixed_dictionaries(
    {
        "claim_id": st.sampled_from(["x-s0-001", "x-s0-002", "x-s1-001"]),
        "actor_id": st.sampled_from(["IRN", "RUS", "USA", "west", "SYR", "SUN"]),
        "role": st.sampled_from(["subject", "object", "holder"]),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ROW, max_size=25))
def test_actor_pairs_table_is_every_pair_of_distinct_actors_per_claim(rows):
    schema = pa.schema([("claim_id", pa.string()), ("actor_id", pa.string()), ("role", pa.string())])
    table = pa.Table.from_pylist(rows, schema=schema)
    actors = pa.table({"actor_id": list(COW), "cow_code": list(COW.values())})
    assert actor_pairs_table(table, actors).to_pylist() == _pairs_by_definition(rows)
