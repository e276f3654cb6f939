"""Columns and tables the build computes from authored records, defined once here."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from .hedging import find_cues


def hedge_cues(quote: str) -> str | None:
    """The claims.hedge_cues value of a quote."""
    return "; ".join(find_cues(quote)) or None


def actor_pairs(claim_actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per claim and unordered pair of its distinct actors, keyed by a sorted dyad."""
    actors_by_claim: dict[str, set[str]] = {}
    for row in claim_actors:
        actors_by_claim.setdefault(row["claim_id"], set()).add(row["actor_id"])
    return [
        {"claim_id": claim_id, "dyad": f"{a}-{b}", "actor_a": a, "actor_b": b}
        for claim_id, actors in sorted(actors_by_claim.items())
        for a, b in combinations(sorted(actors), 2)
    ]
