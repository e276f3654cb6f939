"""Columns and tables the build computes from authored records, defined once here.

`derive(dataset)` adds them column-wise: claims.hedge_cues and claims.booster_cues from each
quote, the cues in quotes to the certainty_cues table (beside the authored governing cues),
and the actor_pairs table from claim_actors. `hedge_cues(quote)` is the definition for one quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from ..codebook.hedging import BOOSTER_CUES, HEDGE_CUES, find_boosters, find_cue_columns, find_cues
from ..codebook.registry import TABLES_BY_NAME
from .reading import Dataset, row_numbers


def hedge_cues(quote: str) -> str | None:
    """The claims.hedge_cues value of a quote."""
    return "; ".join(find_cues(quote)) or None


def booster_cues(quote: str) -> str | None:
    """The claims.booster_cues value of a quote."""
    return "; ".join(find_boosters(quote)) or None


@cache
def _prefilter(words: tuple[str, ...]) -> str:
    """An RE2 pattern that matches every quote in which the Python pattern of `words` can find
    one (and some more). RE2's \\b, \\W and case folding treat every non-ASCII character as a
    non-word character, so its word boundaries are a superset of Python's; whitespace inside a
    cue is loosened to any non-word run for the same reason. Only the quotes it matches go
    through Python's `re`: most claims are assertions, and RE2 scans a million quotes in C++."""
    cues = sorted(words, key=len, reverse=True)
    alternatives = "|".join(re.escape(cue).replace(r"\ ", r"\W+") for cue in cues)
    return rf"(?i)\b(?:{alternatives})\b"


def _candidates(quotes: pa.ChunkedArray | pa.Array, words: tuple[str, ...]) -> tuple[list[int], list[str]]:
    """Positions and values of the quotes in which one of `words` may occur."""
    candidates = pc.fill_null(pc.match_substring_regex(quotes, _prefilter(words)), False)
    positions = pc.indices_nonzero(candidates)
    return positions.to_pylist(), pc.take(quotes, positions).to_pylist()


def _found_column(quotes: pa.ChunkedArray | pa.Array, words: tuple[str, ...], found) -> pa.Array:
    values: list[str | None] = [None] * len(quotes)
    for position, quote in zip(*_candidates(quotes, words), strict=True):
        values[position] = found(quote)
    return pa.array(values, pa.string())


@dataclass(frozen=True)
class QuoteCues:
    """Every hedge cue in a column of quotes, a row each, in quote order, then place: the
    quote's position in the column, the cue as the table writes it, its offsets in the quote."""

    quote: pa.Array
    cue: pa.Array
    start: pa.Array
    end: pa.Array


def quote_cues(quotes: pa.ChunkedArray | pa.Array) -> QuoteCues:
    """Every hedge cue in a column of quotes, found in one scan: claims.hedge_cues and the
    certainty_cues table are both made from it."""
    positions, candidates = _candidates(quotes, tuple(HEDGE_CUES))
    numbers, cues, starts, ends = find_cue_columns(candidates)
    return QuoteCues(
        pc.take(pa.array(positions, pa.int64()), pa.array(numbers, pa.int64())),
        pa.array(cues, pa.string()),
        pa.array(starts, pa.int64()),
        pa.array(ends, pa.int64()),
    )


def hedge_cues_column(quotes: pa.ChunkedArray | pa.Array, cues: QuoteCues | None = None) -> pa.Array:
    """claims.hedge_cues for a column of quotes: `hedge_cues` of each, nulls kept."""
    cues = quote_cues(quotes) if cues is None else cues
    if not len(cues.quote):
        return pa.nulls(len(quotes), pa.string())
    # Each quote's cues are a run of rows: a list per quote, joined, then put in its place.
    changes = pc.indices_nonzero(pc.not_equal(cues.quote[1:], cues.quote[:-1]))
    offsets = pa.concat_arrays(
        [pa.array([0], pa.int32()), pc.add(changes, 1).cast(pa.int32()), pa.array([len(cues.quote)], pa.int32())]
    )
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, cues.cue), "; ")
    with_cues = pc.take(cues.quote, offsets[:-1])
    return pc.take(joined, pc.index_in(row_numbers(len(quotes)), value_set=with_cues))


def booster_cues_column(quotes: pa.ChunkedArray | pa.Array) -> pa.Array:
    """claims.booster_cues for a column of quotes: `booster_cues` of each, nulls kept."""
    return _found_column(quotes, BOOSTER_CUES, booster_cues)


def certainty_cues_table(claims: pa.Table, governing: pa.Table, cues: QuoteCues | None = None) -> pa.Table:
    """The certainty_cues table: the authored governing cues, then every cue in a quote, with
    its offsets in the source text; each with its scope and the certainty the table gives it.
    `cues` are the claims' `quote_cues`, if already found."""
    columns = TABLES_BY_NAME["certainty_cues"].column_names
    schema = pa.schema([(name, pa.int64() if name in ("char_start", "char_end") else pa.string()) for name in columns])
    rows = {name: governing[name].to_pylist() for name in columns}
    rows["scope"] = ["governing"] * governing.num_rows
    rows["effect"] = [HEDGE_CUES[cue].value if cue in HEDGE_CUES else None for cue in rows["cue"]]
    found = quote_cues(claims["quote"]) if cues is None else cues
    # The cues of quotes with offsets, column by column: each claim's id and offset taken once.
    offsets = pc.take(claims["char_start"], found.quote)
    placed = pc.is_valid(offsets)
    offsets = pc.filter(offsets, placed)
    cue = pc.filter(found.cue, placed)
    levels = list(HEDGE_CUES)
    quoted = {
        "claim_id": pc.filter(pc.take(claims["claim_id"], found.quote), placed),
        "cue": cue,
        "char_start": pc.add(offsets, pc.filter(found.start, placed)),
        "char_end": pc.add(offsets, pc.filter(found.end, placed)),
        "scope": pa.array(["quote"] * len(cue), pa.string()),
        "effect": pc.take(pa.array([HEDGE_CUES[level].value for level in levels]), pc.index_in(cue, pa.array(levels))),
        "reason": pa.nulls(len(cue), pa.string()),
    }
    both = [pa.table(rows, schema=schema), pa.table({name: quoted[name] for name in columns}, schema=schema)]
    return pa.concat_tables(both).combine_chunks()


def _cow_codes(pairs: pa.Table, actors: pa.Table) -> tuple[pa.Array, pa.Array]:
    """ccode1 and ccode2 of each pair: the lower and higher COW code, null unless both actors
    have one and they differ (Russia and the Soviet Union share 365: no dyad of its own)."""
    codes = actors.select(["actor_id", "cow_code"])
    a = pc.take(codes["cow_code"], pc.index_in(pairs["actor_a"], value_set=codes["actor_id"]))
    b = pc.take(codes["cow_code"], pc.index_in(pairs["actor_b"], value_set=codes["actor_id"]))
    distinct = pc.fill_null(pc.not_equal(a, b), False)
    empty = pa.scalar(None, pa.int64())
    low = pc.if_else(distinct, pc.min_element_wise(a, b), empty)
    high = pc.if_else(distinct, pc.max_element_wise(a, b), empty)
    return low, high


def actor_pairs_table(claim_actors: pa.Table, actors: pa.Table | None = None) -> pa.Table:
    """One row per claim and unordered pair of its distinct actors, keyed by a sorted dyad,
    sorted by claim, then pair, with the dyad's COW codes where `actors` gives them."""
    members = claim_actors.select(["claim_id", "actor_id"]).group_by(["claim_id", "actor_id"]).aggregate([])
    pairs = members.join(members, "claim_id", join_type="inner", left_suffix="_a", right_suffix="_b")
    pairs = pairs.rename_columns({"actor_id_a": "actor_a", "actor_id_b": "actor_b"})
    pairs = pairs.filter(pc.less(pairs["actor_a"], pairs["actor_b"]))
    pairs = pairs.sort_by([("claim_id", "ascending"), ("actor_a", "ascending"), ("actor_b", "ascending")])
    dyad = pc.binary_join_element_wise(pairs["actor_a"], pairs["actor_b"], "-")
    columns = {"claim_id": pairs["claim_id"], "dyad": dyad, "actor_a": pairs["actor_a"], "actor_b": pairs["actor_b"]}
    if actors is None:
        actors = pa.table({"actor_id": pa.array([], pa.string()), "cow_code": pa.array([], pa.int64())})
    columns["ccode1"], columns["ccode2"] = _cow_codes(pairs, actors)
    return pa.table({name: columns[name] for name in TABLES_BY_NAME["actor_pairs"].column_names})


def _with_cue_columns(claims: pa.Table, cues: QuoteCues) -> pa.Table:
    for name, column in (
        ("hedge_cues", hedge_cues_column(claims["quote"], cues)),
        ("booster_cues", booster_cues_column(claims["quote"])),
    ):
        claims = claims.set_column(claims.schema.get_field_index(name), name, column)
    return claims


# The tables derive changes, in the order they are done.
DERIVED_TABLES = ("claims", "certainty_cues", "actor_pairs")


def derive(dataset: Dataset) -> None:
    """Add the derived columns and tables to `dataset` (column-wise, each table replaced whole);
    the tables of DERIVED_TABLES change, in that order, and no other."""
    claims = dataset.table("claims")
    cues = quote_cues(claims["quote"])
    dataset.set_table("claims", _with_cue_columns(claims, cues))
    dataset.set_table("certainty_cues", certainty_cues_table(claims, dataset.table("certainty_cues"), cues))
    dataset.set_table("actor_pairs", actor_pairs_table(dataset.table("claim_actors"), dataset.table("actors")))
