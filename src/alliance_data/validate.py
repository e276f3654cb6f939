"""The one entry point of validation: every record, then every table, all problems at once."""

from __future__ import annotations

from pathlib import Path

from .problems import ProblemList
from .reading import Dataset, Origin, read_dataset


def validate(data_dir: str | Path = "data") -> Dataset:
    """Read and validate a data directory; the complete dataset, or ValidationFailed with
    every problem found."""
    from .derive import actor_pairs, hedge_cues
    from .rules import check_tables

    problems = ProblemList()
    dataset = read_dataset(Path(data_dir), problems)
    for claim in dataset.rows["claims"]:
        claim["hedge_cues"] = hedge_cues(claim["quote"])
    claim_origins = {origin.record_id: origin for origin in dataset.origins["claims"]}
    for pair in actor_pairs(dataset.rows["claim_actors"]):
        origin = claim_origins.get(pair["claim_id"]) or Origin("claims", 0, pair["claim_id"])
        dataset.add("actor_pairs", pair, origin)
    check_tables(dataset, problems)
    problems.raise_if_any()
    return dataset
