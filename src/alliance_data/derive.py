"""Columns and tables the build computes from authored records, defined once here.

`derive(dataset)` adds them column-wise: claims.hedge_cues from each quote, and the
actor_pairs table from claim_actors. `hedge_cues(quote)` is the definition for one quote.
"""

from __future__ import annotations

import re
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from .hedging import HEDGE_CUES, find_cues
from .reading import Dataset
from .registry import TABLES_BY_NAME


def hedge_cues(quote: str) -> str | None:
    """The claims.hedge_cues value of a quote."""
    return "; ".join(find_cues(quote)) or None


@cache
def _cue_prefilter() -> str:
    """An RE2 pattern that matches every quote in which `find_cues` can find a cue (and some
    more). RE2's \\b, \\W and case folding treat every non-ASCII character as a non-word
    character, so its word boundaries are a superset of Python's; whitespace inside a cue is
    loosened to any non-word run for the same reason. Only the quotes it matches go through
    Python's `re`: most claims are assertions, and RE2 scans a million quotes in C++."""
    cues = sorted(HEDGE_CUES, key=len, reverse=True)
    alternatives = "|".join(re.escape(cue).replace(r"\ ", r"\W+") for cue in cues)
    return rf"(?i)\b(?:{alternatives})\b"


def hedge_cues_column(quotes: pa.ChunkedArray | pa.Array) -> pa.Array:
    """claims.hedge_cues for a column of quotes: `hedge_cues` of each, nulls kept."""
    candidates = pc.fill_null(pc.match_substring_regex(quotes, _cue_prefilter()), False)
    positions = pc.indices_nonzero(candidates)
    values: list[str | None] = [None] * len(quotes)
    for position, quote in zip(positions.to_pylist(), pc.take(quotes, positions).to_pylist(), strict=True):
        values[position] = hedge_cues(quote)
    return pa.array(values, pa.string())


def actor_pairs_table(claim_actors: pa.Table) -> pa.Table:
    """One row per claim and unordered pair of its distinct actors, keyed by a sorted dyad,
    sorted by claim, then pair."""
    actors = claim_actors.select(["claim_id", "actor_id"]).group_by(["claim_id", "actor_id"]).aggregate([])
    pairs = actors.join(actors, "claim_id", join_type="inner", left_suffix="_a", right_suffix="_b")
    pairs = pairs.rename_columns({"actor_id_a": "actor_a", "actor_id_b": "actor_b"})
    pairs = pairs.filter(pc.less(pairs["actor_a"], pairs["actor_b"]))
    pairs = pairs.sort_by([("claim_id", "ascending"), ("actor_a", "ascending"), ("actor_b", "ascending")])
    dyad = pc.binary_join_element_wise(pairs["actor_a"], pairs["actor_b"], "-")
    columns = {"claim_id": pairs["claim_id"], "dyad": dyad, "actor_a": pairs["actor_a"], "actor_b": pairs["actor_b"]}
    return pa.table({name: columns[name] for name in TABLES_BY_NAME["actor_pairs"].column_names})


def derive_actor_pairs(dataset: Dataset) -> None:
    dataset.columns["actor_pairs"] = actor_pairs_table(dataset.table("claim_actors"))


def derive_hedge_cues(dataset: Dataset) -> None:
    claims = dataset.table("claims")
    cues = hedge_cues_column(claims["quote"])
    dataset.columns["claims"] = claims.set_column(claims.schema.get_field_index("hedge_cues"), "hedge_cues", cues)


# Each step of `derive` and the table it completes, in order: the build starts writing a table
# as soon as it is complete, the claims (the longest to write) first.
DERIVE_STEPS = (("claims", derive_hedge_cues), ("actor_pairs", derive_actor_pairs))
DERIVED_TABLES = tuple(table for table, _ in DERIVE_STEPS)


def derive(dataset: Dataset) -> None:
    """Add the derived column and table to `dataset` (column-wise; authored rows untouched)."""
    for _, step in DERIVE_STEPS:
        step(dataset)
